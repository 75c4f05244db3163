"""The project a command works on is found where the user stands (as Quarto finds
``_quarto.yml``), or given with ``--project``; outside any project, the package's bundled
Week 10 is read and what is made from it goes under the current folder."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nncourse import paths
from nncourse.cli import main
from nncourse.course import tutorial
from nncourse.deck import render

SMALL_DECK = """---
title: "A copy of the course"
format: revealjs
---

## One slide

```{python}
print(6 * 7)
```
"""


@pytest.fixture
def course_copy(tmp_path):
    """A copy of the course (its marker, slides and course folders), with a small deck."""
    copy = tmp_path / "my-course"
    copy.mkdir()
    shutil.copy(paths.ROOT / paths.MARKER, copy)
    shutil.copytree(paths.ROOT / "slides", copy / "slides", ignore=shutil.ignore_patterns("_output", ".quarto"))
    shutil.copytree(paths.ROOT / "course", copy / "course")
    (copy / "slides" / paths.DECK).write_text(SMALL_DECK)
    return copy


def snapshot(folder: Path) -> dict:
    return {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_the_project_is_found_upward_from_the_current_folder(course_copy):
    below = course_copy / "course" / "week10"
    assert paths.find_project(below) == paths.Project(course_copy)
    assert paths.find_project(course_copy).deck == course_copy / "slides" / "week10-neural-networks.qmd"
    assert paths.find_project(course_copy).tutorial == course_copy / "course" / "week10" / "tutorial.qmd"


def test_outside_any_project_the_bundled_copy_is_read_and_outputs_go_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert paths.find_project() is paths.WEEK10 and paths.WEEK10.bundled
    assert paths.WEEK10.deck.read_text() == (paths.ROOT / "slides" / paths.DECK).read_text()
    assert render.rendered_path() == tmp_path / "_output" / "week10-neural-networks.html"


def test_the_bundled_copy_is_the_checkouts_own_folders():
    week = paths.WEEK10
    for needed in (week.deck, week.tutorial, paths.LEDGER, paths.RSRC / "algorithms.R", paths.BUNDLED / "package-lock.json"):
        assert needed.is_file(), needed
    assert week.deck.resolve() == paths.ROOT / "slides" / paths.DECK  # links in the checkout: one copy to edit
    assert paths.RSRC.resolve() == paths.ROOT / "rsrc"


def test_render_inside_a_copied_course_writes_into_that_copy_only(course_copy):
    checkout = {**snapshot(paths.ROOT / "slides"), **snapshot(paths.ROOT / "course")}
    sources = snapshot(course_copy)
    done = subprocess.run([sys.executable, "-m", "nncourse.cli", "render", "--built-in"], cwd=course_copy / "slides", capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    deck = course_copy / "slides" / "_output" / "week10-neural-networks.html"
    assert f"rendered {deck} with the built-in path" in done.stderr
    assert "A copy of the course" in deck.read_text() and "42" in deck.read_text()
    assert {p: s for p, s in snapshot(course_copy).items() if "_output" not in p.parts} == sources
    assert {**snapshot(paths.ROOT / "slides"), **snapshot(paths.ROOT / "course")} == checkout


def test_project_names_the_project_from_anywhere(course_copy, tmp_path, monkeypatch, capsys):
    (course_copy / "course" / "week10" / "tutorial.qmd").write_text("---\ntitle: my own tutorial\n---\n\nWork here.\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["tutorial", "t", "--project", str(course_copy)]) == 0
    assert (elsewhere / "t" / "tutorial.qmd").read_text().startswith("---\ntitle: my own tutorial")
    assert main(["tutorial", "u"]) == 0  # no project here: the package's own tutorial
    assert (elsewhere / "u" / "tutorial.qmd").read_text() == tutorial.TUTORIAL.read_text()
    assert paths.project() is paths.WEEK10  # --project held only while its command ran


def test_project_must_be_a_project(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["render", "--project", str(tmp_path)])
    assert stopped.value.code == 2
    assert f"--project: expected a folder holding nncourse.toml (an nncourse project, such as a copy of the course), got {tmp_path}" in capsys.readouterr().err
    with pytest.raises(ValueError, match=r"^project: expected a folder holding nncourse.toml"):
        paths.as_project(tmp_path)


def test_node_modules_and_the_hint_name_one_place(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no project: the checkout's node_modules
    assert paths.node_modules() == paths.ROOT / "node_modules"
    assert paths.setup_hint("npm") == f"run `npm ci` in {paths.ROOT} (`bash scripts/run.sh setup` does)"
    elsewhere = tmp_path / "modules" / "node_modules"
    assert paths.setup_hint("npm", elsewhere) == f"run `npm ci` in {elsewhere.parent}, after copying package.json and package-lock.json there from {paths.BUNDLED}"
    with pytest.raises(ValueError, match=r"^what: expected 'r' or 'npm', got 'R'$"):
        paths.setup_hint("R")
