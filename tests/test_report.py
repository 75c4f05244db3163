"""The report's statuses are right on cases built to fail, its pages hold every row and
figure, its JSON validates against the schema in the repo, its exit status follows."""

import html
import json
import re
import subprocess
import sys

import jsonschema
import pytest

from nncourse.repro import computed, engines as r_engines, html_report, json_report, ledger, report, text_report
from nncourse.repro.judging import Row, Side, judge_printed, verbatim

from conftest import chromium_or_skip, unavailable
from seeded_study import seeded_study

RUNS = 20  # enough runs for every row to have a band; the bands' claims are tested elsewhere


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The report of 2000 runs on both Rs; its study, the report's own call, trained once for this
    and test_python_stochastic (seeded_study)."""
    study = seeded_study(tmp_path_factory)

    def seeded_runs(seeds, progress=None):
        assert list(seeds) == list(range(report.RUNS))
        return study

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(computed, "seeded_runs", seeded_runs)
        return report.build(runs=report.RUNS, errata_sizes=(10**3, 10**4))


def altered_ledger(tmp_path, entry_id, printed):
    """The ledger with one entry's printed text replaced."""
    text = ledger.LEDGER_PATH.read_text()
    old = ledger.load()[entry_id].printed
    assert text.count(old) == 1
    path = tmp_path / "altered.toml"
    path.write_text(text.replace(old, printed))
    return ledger.load(path)


def test_every_entry_has_a_row_and_the_lecture_reproduces_here(built):
    assert [r.entry.id for r in built.rows] == [e.id for e in ledger.load()]
    by_id = {r.entry.id: r for r in built.rows}
    assert by_id["ols_betas"].status == "as-printed" and by_id["gd_betas"].status == "as-printed"
    assert built.exit_status == 0 and built.damage == []
    # the report's claim: each of the lecture's unseeded results lies among 2000 seeded runs
    assert {r.entry.id: r.status for r in built.rows if r.entry.kind == "stochastic"} == {k: "in-band" for k in computed.STOCHASTIC}


@pytest.mark.r
def test_r_rows_compare_r_and_python(r, built):
    by_id = {row.entry.id: row for row in built.rows}
    assert by_id["xor_glm_summary"].r["rpy2"].status == "as-printed"
    assert by_id["xor_glm_summary"].python.status == "at-precision"  # fit_logistic's numbers
    assert by_id["xor_lm_summary"].python.status == "at-precision"  # summary.lm's numbers in NumPy
    assert by_id["ols_betas"].r["rpy2"].status == "at-precision"  # the R port
    assert built.environment["r"].startswith("R version")


def test_an_altered_entry_differs_and_fails_the_gate(tmp_path):
    altered_entries = altered_ledger(tmp_path, "ols_betas", "array([ 1.470223 , -2.02156959])")
    altered = report.build(runs=3, lecture_ledger=altered_entries, errata_sizes=(10**3,), engines=["rpy2"])
    row = next(r for r in altered.rows if r.entry.id == "ols_betas")
    assert row.status == "differs"
    assert row.python.detail == ["1.470223 -> 1.470221996 (off by -1e-06)"]
    assert altered.exit_status == 1


def test_a_stochastic_value_far_outside_is_flagged(tmp_path):
    altered_entries = altered_ledger(tmp_path, "sgd_betas", "array([ 5.0, -1.99624894])")
    altered = report.build(runs=5, lecture_ledger=altered_entries, errata_sizes=(10**3,), engines=["rpy2"])
    row = next(r for r in altered.rows if r.entry.id == "sgd_betas")
    assert row.status == "out-of-band"
    assert row.python.percentiles[0]["percentile"] == 100.0 and not row.python.percentiles[0]["inside"]
    assert "<-- outside" in row.python.detail[0]
    assert altered.exit_status == 0  # the gate is for deterministic entries


@pytest.mark.parametrize(
    ("rpy2", "webr", "expected"),
    [
        ("as-printed", "as-printed", "as-printed"),
        ("zero", "as-printed", "zero"),  # the worse of the two R engines
        ("as-printed", "differs", "differs"),
        ("not-run", "zero", "zero"),  # an R that did not run says nothing
        ("not-run", "not-run", "not-run"),
    ],
)
def test_an_r_entry_takes_the_worst_status_of_the_r_engines_that_ran(rpy2, webr, expected):
    entry = ledger.load()["xor_glm_summary"]
    row = Row(entry, None, {"rpy2": Side(rpy2), "webr": Side(webr)})
    assert row.status == expected


def test_a_python_entry_differs_when_an_r_port_differs():
    entry = ledger.load()["ols_betas"]
    row = Row(entry, Side("at-precision"), {"rpy2": Side("at-precision"), "webr": Side("differs")})
    assert row.status == "differs"


def test_noise_printed_differently_is_numerically_zero():
    entry = ledger.load()["xor_glm_summary"]
    other_machine = entry.printed.replace("-4.441e-16", "-2.220e-16").replace("| X1 | 4.441e-16", "| X1 | 0.000e+00")
    side = judge_printed(entry, other_machine, entry.rules, 1e-10)
    assert side.status == "zero"
    assert "-4.441e-16 is numerically zero here, printed as -2.220e-16" in side.detail
    assert "8.882e-16 is numerically zero here" in side.detail  # the same noise


def test_r_output_with_a_wrong_number_differs():
    entry = ledger.load()["xor_glm_summary"]
    side = judge_printed(entry, entry.printed.replace("AIC: 11.545", "AIC: 11.546"), entry.rules, 1e-10)
    assert side.status == "differs" and side.detail[0] == "11.545 -> 11.546 (off by 0.001)"


def test_json_validates_against_the_schema_and_matches_the_rows(built):
    document = json.loads(json.dumps(json_report.as_json(built)))
    schema = json.loads(json_report.SCHEMA_PATH.read_text())
    jsonschema.validate(document, schema)
    assert [row["id"] for row in document["rows"]] == [r.entry.id for r in built.rows]
    assert document["exit_status"] == 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**document, "exit_status": 2}, schema)


@pytest.fixture(scope="module")
def page(built):
    return html_report.as_html(built)  # made once: two tests read it


def test_html_has_every_row_errata_and_a_picture_per_stochastic_entry(built, page):
    for row in built.rows:
        assert f'<tr id="{row.entry.id}">' in page
    for evidence in built.evidence:
        assert html.escape(evidence.erratum.title) in page
    rows = dict(re.findall(r'<tr id="([^"]+)">(.*?)</tr>', page, flags=re.S))
    for entry in ledger.load():
        pictures = re.findall(r"<svg\b.*?</svg>", rows[entry.id], flags=re.S)
        assert len(pictures) == (entry.kind == "stochastic"), entry.id
        if pictures:  # text kept as text: each printed number labels its row, "pct" its percentile
            assert all(n.text in pictures[0] for n in entry.numbers) and pictures[0].count("pct ") == len(entry.numbers)
    assert not re.search(r'(?:src|href)="https?:', page)  # opens offline


def test_the_html_report_fits_a_1280_px_screen(page, tmp_path):
    from playwright.sync_api import sync_playwright

    chromium = chromium_or_skip()
    page_file = tmp_path / "report.html"
    page_file.write_text(page)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1280, "height": 720})
        tab.goto(page_file.as_uri())
        widths = tab.evaluate("[document.documentElement.scrollWidth, Math.max(...[...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().right))]")
        browser.close()
    assert widths[0] <= 1280 and widths[1] <= 1280


def test_errata_evidence_is_measured(built):
    evidence = {e.erratum.id: e for e in built.evidence}
    assert set(evidence) == {e.id for e in ledger.load().errata}
    assert "z at (1, 0) = 0.14 + (-0.14) = 0.0" in evidence["and-boundary"].measured[0]
    assert len(evidence["sgd-draw-costs-n"].measured) == 3  # header and two sizes


def test_cli_exit_status_follows_the_gate(tmp_path):
    from nncourse.cli import main

    out = tmp_path / "report.json"
    # main's return is the command's exit status (`python -m nncourse.cli` exits with it: the
    # usage error below, and the damaged reports, are fresh processes); one R engine: the gate
    # is the ledger's (both engines through the CLI: the damaged-R-files tests)
    assert main(["report", "--runs", "3", "--r-engine", "rpy2", "--format", "json", "--output", str(out)]) == 0
    assert json.loads(out.read_text())["exit_status"] == 0
    bad = subprocess.run([sys.executable, "-m", "nncourse.cli", "report", "--runs", "1"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--runs: expected at least 2 seeded runs, got 1" in bad.stderr


@pytest.mark.r
def test_each_r_entry_has_a_result_per_engine_named_with_its_r(r, webr, built):
    assert [e.name for e in built.engines] == ["rpy2", "webr"]
    engines = built.environment["r_engines"]
    assert engines["rpy2"]["label"].startswith(f"R {r.version[0]}.{r.version[1]}.") and engines["webr"]["label"] == "R 4.6.0 via webR 0.6.0"
    assert engines["webr"]["r"].startswith("R version 4.6.0") and engines["webr"]["available"] is True
    for row in built.rows:
        if row.entry.language == "r":
            assert set(row.r) == {"rpy2", "webr"} and all(side.status == "as-printed" for side in row.r.values())
    glm = next(row for row in built.rows if row.entry.id == "xor_glm_summary")
    # the R-version rule is applied to the R that needs it, and only there
    assert any(d.startswith("rule r-deviance-residuals") for d in glm.r["rpy2"].detail) == (r.version < (4, 3))
    assert not any(d.startswith("rule r-deviance-residuals") for d in glm.r["webr"].detail)
    assert "R 4.6.0 (webR) prints 6 of the lecture's 6 R outputs verbatim" in verbatim(built)
    text = text_report.as_text(built)
    assert "R 4.6.0 (webR)" in text and re.search(rf"R {r.version[0]}\.{r.version[1]}\.\d+ \(rpy2\)", text)


@pytest.mark.r
def test_one_engine_may_be_chosen(r):
    only = report.build(runs=RUNS, errata_sizes=(10**3,), engines=["webr"])
    assert [e.name for e in only.engines] == ["webr"] and list(only.environment["r_engines"]) == ["webr"]
    assert all(set(row.r) <= {"webr"} for row in only.rows)


def test_the_r_engines_start_before_the_seeded_studies_and_each_value_is_computed_once(monkeypatch):
    calls = []
    monkeypatch.setattr(r_engines, "run", lambda name, X, y, progress: r_engines.EngineRun(name, reason="left out here"))
    real_start, real_runs, real_r = r_engines.start_all, computed.seeded_runs, computed.python_for_r
    monkeypatch.setattr(r_engines, "start_all", lambda names, *a: calls.append(f"start {' and '.join(names)}") or real_start(names, *a))
    monkeypatch.setattr(computed, "seeded_runs", lambda seeds, progress=None: calls.append("studies") or real_runs(seeds, progress))
    monkeypatch.setattr(computed, "python_for_r", lambda: calls.append("python for R") or real_r())
    built = report.build(runs=3, errata_sizes=(10**3,))
    assert calls == ["start rpy2 and webr", "studies", "python for R"]
    assert built.damage == [] and built.exit_status == 0  # an R that is not here is no damage


def damaged_copy(tmp_path, damage):
    """A copy of the checkout's package with its Week 10 (R files, ledger) and its project
    marker, one thing broken by ``damage(root)``: what a damaged checkout runs."""
    import shutil

    from nncourse import paths

    root = tmp_path / "project"
    # links kept: the copy's nncourse/week10/ reads the copy's own rsrc/ and course/
    shutil.copytree(paths.PACKAGE, root / "pysrc" / "nncourse", symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(paths.RSRC, root / "rsrc")
    shutil.copytree(paths.LEDGER.parent, root / "course" / "week10")
    shutil.copy(paths.ROOT / paths.MARKER, root)
    (root / "node_modules").symlink_to(paths.node_modules())
    damage(root)
    return root


def report_in(root, *engines):
    import os

    env = {**os.environ, "PYTHONPATH": str(root / "pysrc")}
    argv = [sys.executable, "-m", "nncourse.cli", "report", "--runs", "2"] + (["--r-engine", engines[0]] if engines else [])
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=root, timeout=600)


LEDGER = "course/week10/lecture-outputs.toml"


@pytest.fixture(scope="session")
def both_rs_installed():
    """Both R engines installed, as their checks before a start say (the damaged reports
    start their own Rs in a process of their own: none need starting here)."""
    from nncourse.r import bridge as rbridge, installed

    for name, check in (("R (rpy2)", installed.rpy2_worker), ("webR", installed.webr_worker)):
        try:
            check()
        except rbridge.RUnavailable as exc:
            unavailable(f"{name} is not available: {exc}")


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda root: (root / LEDGER).write_text("[meta\n"), r"the ledger is damaged: path: the ledger \S+lecture-outputs.toml is not valid TOML"),
        (lambda root: (root / LEDGER).unlink(), r"the ledger is damaged: path: cannot read the ledger \S+lecture-outputs.toml: No such file"),
        (lambda root: (root / LEDGER).write_bytes(b"\xff\xfe\x00binary"), r"the ledger is damaged: path: the ledger \S+ is not text"),
        (lambda root: (root / LEDGER).write_text((root / LEDGER).read_text().replace('id = "gd_betas"', 'id = "gd_betas_renamed"')),
         r"the ledger \S+ is incomplete: no entry for gd_betas"),
    ],
    ids=["broken ledger", "deleted ledger", "binary ledger", "incomplete ledger"],
)
def test_a_damaged_ledger_ends_the_report_naming_it(tmp_path, damage, said):
    done = report_in(damaged_copy(tmp_path, damage), "rpy2")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert re.search(r"nncourse report: " + said, done.stderr), done.stderr
    assert done.stdout == ""  # nothing written


@pytest.mark.r
@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda root: (root / "rsrc" / "lecture_xor.R").unlink(), r"R via (rpy2|webr): the project's R files are missing: rsrc/lecture_xor.R"),
        (lambda root: (root / "rsrc" / "evaluate.R").unlink(), r"R via (rpy2|webr): the project's R files are missing: rsrc/evaluate.R"),
        (lambda root: (root / "rsrc" / "lecture_and.R").write_text('stop("boom")\n'), r"R via (rpy2|webr): rsrc/lecture_and.R does not run in R \S+ via \S+ \S+: .*boom"),
        (lambda root: (root / "rsrc" / "algorithms.R").write_text((root / "rsrc" / "algorithms.R").read_text() + "\nf <- function( {\n"),
         r"R via (rpy2|webr): R is installed for (rpy2|webr), but the project's R files \(rsrc/\) do not load: .*unexpected"),
    ],
    ids=["no lecture_xor.R", "no evaluate.R", "stop in lecture_and.R", "syntax error in algorithms.R"],
)
def test_damaged_r_files_fail_the_report_naming_them(both_rs_installed, tmp_path, damage, said):
    done = report_in(damaged_copy(tmp_path, damage))  # both engines: neither may call it "not here"
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    damaged = [line for line in done.stderr.splitlines() if line.startswith("nncourse report: the project is damaged: ")]
    assert len(damaged) == 2 and all(re.search(said, line) for line in damaged), done.stderr
    assert not any(line.rstrip().endswith((";", ",")) for line in damaged), damaged  # the set-up hint cut whole
    assert "THE PROJECT IS DAMAGED:" in done.stdout and "not here" not in done.stdout


def test_the_environment_says_which_locked_versions_are_installed(tmp_path, monkeypatch):
    from nncourse.repro import environment

    lock = tmp_path / "requirements.lock"
    lock.write_text(
        "numpy==0.0.1 ; python_full_version < '3.0' \\\n    --hash=sha256:aa\n"  # a pin for another Python: not this one's
        f"numpy=={np_version()} \\\n    --hash=sha256:bb\n"
        "pandas==0.0.2 \\\n    --hash=sha256:cc\n"
    )
    monkeypatch.setattr(environment, "LOCK", lock)
    said = environment.locked_versions()
    assert said.startswith(f"numpy {np_version()}, pandas 0.0.2 (NOT as locked: pandas ")
    assert said.endswith("here; 2 packages for this Python in requirements.lock)")
    monkeypatch.setattr(environment, "LOCK", tmp_path / "missing.lock")
    assert environment.locked_versions().startswith("no lock file here")


def np_version():
    import numpy

    return numpy.__version__


def test_the_lock_pins_every_package_with_hashes_and_the_report_shows_them(built):
    from nncourse.repro import environment

    text = environment.LOCK.read_text()
    pins = re.findall(r"(?m)^([A-Za-z0-9_.-]+)==\S+", text)
    blocks = re.split(r"(?m)^(?=[A-Za-z0-9_.-]+==)", text)[1:]
    assert len(pins) > 40 and all("--hash=sha256:" in block for block in blocks)
    for name in ("numpy", "pandas", "matplotlib", "cloudpickle", "pytest"):
        assert name in pins
    assert built.environment["locked"] == environment.locked_versions() and "(as locked;" in built.environment["locked"]
