"""The wheel as a student gets it: ``python -m build``, installed into a fresh virtual
environment outside the repository, and run from empty folders.

The fresh environment borrows the test environment's dependencies (a ``.pth`` line to its
site-packages, whose own editable nncourse is not loaded through it) and installs the
wheel with ``--no-deps``: the wheel is what is tested, not PyPI. node_modules is where the
README's set-up for an installed nncourse puts it (``$XDG_CACHE_HOME/nncourse``). The four
commands run side by side."""

import csv
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

from nncourse import paths
from nncourse.repro import ledger

pytestmark = pytest.mark.wheel

COMMANDS = {
    "report": ["report", "--runs", "3", "--format", "json", "--output", "report.json"],
    "tutorial": ["tutorial", "t"],
    "grade": None,  # on the notebook `nncourse tutorial` wrote, once it is there
    "render": ["render", "--built-in"],
}


def uv() -> str | None:
    """The uv that set-up installs beside pip (``bash scripts/run.sh setup``, unless
    NNCOURSE_PIP=1): it makes the build's isolated environment and installs the wheel in a
    fraction of pip's time (about 3 s of CPU less); None where it is not there (pip then)."""
    try:
        import uv as found
    except ImportError:
        return None
    return found.find_uv_bin()


def run(command, *args, **kwargs):
    done = subprocess.run(command, *args, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{command}: {done.stderr[-3000:]}"
    return done


def tracked_copy(root: Path, into: Path) -> Path:
    """The files git tracks in ``root``, as they are in the working tree, copied into ``into``
    (links kept as links): what the wheel is built from. Not the checkout itself, where a
    test on another worker may be rendering (Quarto's ``*_files/`` come and go while
    ``python -m build`` lists the package's folders)."""
    import shutil

    listed = run(["git", "-C", str(root), "ls-files", "-z", "--cached"]).stdout
    for name in filter(None, listed.split("\0")):
        source, target = root / name, into / name
        if not source.is_symlink() and not source.exists():
            continue  # deleted in the working tree, not yet in git
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    return into


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    source = tracked_copy(paths.ROOT, tmp_path_factory.mktemp("source"))
    installer = ["--installer", "uv"] if uv() else []  # the isolated build environment, made by uv or pip
    run([sys.executable, "-m", "build", *installer, "--outdir", str(dist), str(source)], timeout=600)
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    return wheel, sdist


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """The nncourse command of a fresh environment with the wheel installed, and its env."""
    here = tmp_path_factory.mktemp("venv")
    venv = here / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    Path(purelib, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installer = [uv(), "pip"] if uv() else [sys.executable, "-m", "pip"]
    run([*installer, "install", "--python", str(python), "--quiet", "--no-deps", "--no-index", str(built[0])])
    cache = here / "cache"
    (cache / "nncourse").mkdir(parents=True)
    (cache / "nncourse" / "node_modules").symlink_to(paths.ROOT / "node_modules")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(XDG_CACHE_HOME=str(cache), PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}")
    return venv / "bin" / "nncourse", Path(purelib), env


def files_of(package: Path) -> dict:
    return {p: p.stat().st_mtime_ns for p in package.rglob("*") if "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def package_before(installed):
    return files_of(installed[1] / "nncourse")


@pytest.fixture(scope="module")
def commands(installed, package_before, tmp_path_factory):
    """Each command started in an empty folder of its own, all at once; (process, folder)."""
    nncourse, _, env = installed
    started = {}
    for name, args in COMMANDS.items():
        folder = tmp_path_factory.mktemp(f"empty-{name}")
        if name == "grade":
            run([str(nncourse), "tutorial", "work"], cwd=folder, env=env)  # the quiz's answers are the lecturer's, never in the wheel
            run([str(nncourse), "grade", "--new-key", "key.toml", "--answers", str(paths.ROOT / "lecturer" / "week10" / "quiz.toml")], cwd=folder, env=env)
            args = ["grade", "work/tutorial.ipynb", "--key", "key.toml", "--csv", "grades.csv"]
        started[name] = (subprocess.Popen([str(nncourse), *args], cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), folder)
    yield started
    for process, _ in started.values():
        if process.poll() is None:
            process.kill()
            process.wait()


def finished(commands, name) -> tuple[str, Path]:
    process, folder = commands[name]
    out, err = process.communicate(timeout=900)
    assert process.returncode == 0, f"nncourse {name}: exit {process.returncode}\n{err[-3000:]}"
    return out, folder


def test_the_wheel_and_the_sdist_bundle_the_week_but_never_the_solutions(built):
    wheel, sdist = built
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("slides/week10-neural-networks.qmd", "slides/_quarto.yml", "slides/deck.css", "course/week10/tutorial.qmd",
                   "course/week10/lecture-outputs.toml", "rsrc/algorithms.R", "rsrc/evaluate.R", "package-lock.json"):
        assert f"nncourse/week10/{needed}" in names
    listed = subprocess.run(["tar", "tzf", str(sdist)], capture_output=True, text=True, check=True).stdout.splitlines()
    for held in (names, listed):
        assert not [n for n in held if "solution" in n or "lecturer" in n], "the solutions must never ship to students"


def test_the_installed_package_is_the_wheel_and_finds_no_checkout(installed):
    nncourse, purelib, env = installed
    said = run([str(nncourse.parent / "python"), "-c", "from nncourse import paths; print(paths.PACKAGE, paths.ROOT, paths.node_modules())"], env=env, cwd="/").stdout.split()
    assert said == [str(purelib / "nncourse"), "None", env["XDG_CACHE_HOME"] + "/nncourse/node_modules"]


def test_report_from_an_empty_folder_has_the_ledgers_rows(commands):
    _, folder = finished(commands, "report")
    report = json.loads((folder / "report.json").read_text())
    assert report["exit_status"] == 0
    assert [row["id"] for row in report["rows"]] == [entry.id for entry in ledger.load()]


def test_tutorial_from_an_empty_folder_copies_the_tutorial(commands):
    out, folder = finished(commands, "tutorial")
    assert sorted(p.name for p in (folder / "t").iterdir()) == ["tutorial.ipynb", "tutorial.qmd"]
    assert (folder / "t" / "tutorial.qmd").read_text() == (paths.ROOT / "course" / "week10" / "tutorial.qmd").read_text()
    assert nbformat.read(folder / "t" / "tutorial.ipynb", as_version=4).cells
    assert "written  t/tutorial.qmd" in out


def test_grade_from_an_empty_folder_grades_the_untouched_tutorial_zero(commands):
    _, folder = finished(commands, "grade")
    with open(folder / "grades.csv", newline="") as handle:
        header, row, *more = list(csv.reader(handle))
    assert header[0] == "submission" and header[-2:] == ["total", "student_id"] and {"exercise_1", "quiz_8"} <= set(header)
    assert row == ["work/tutorial.ipynb", *["0"] * (len(header) - 2), ""] and more == []


def test_render_from_an_empty_folder_writes_here_and_never_into_the_package(commands, installed, package_before):
    _, folder = finished(commands, "render")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == ["_output", "_output/week10-neural-networks.html"]
    deck = (folder / "_output" / "week10-neural-networks.html").read_text()
    assert '<meta name="generator" content="pandoc' in deck and "Neural Networks" in deck
    assert files_of(installed[1] / "nncourse") == package_before
