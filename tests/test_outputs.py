"""Outputs never overwrite sources, nor a file nncourse did not make, nor write through a link."""

import os
import re

import pytest

from nncourse.paths import ROOT
from nncourse.course import tutorial
from nncourse.cli import main
from nncourse.safe_write import OutputError, check_folder, check_target


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("source", ["pysrc/nncourse/repro/report.schema.json", "README.md", "rsrc/evaluate.R"])
def test_report_refuses_a_tracked_source_before_any_work_even_with_force(source, force, capsys):
    before = (ROOT / source).read_bytes()
    with pytest.raises(SystemExit) as stopped:
        main(["report", "--output", str(ROOT / source), *force])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"--output: {ROOT / source} is a source file of the repository; write somewhere else (--force never replaces a tracked source)" in err
    assert "seeded runs" not in err  # refused before the study started
    assert (ROOT / source).read_bytes() == before


def test_report_refuses_a_folder_a_foreign_file_and_an_unwritable_place(tmp_path, capsys):
    foreign = tmp_path / "notes.txt"
    foreign.write_text("my notes")
    for target, said in [(tmp_path, "is a folder; expected the path of a file"), (foreign, "exists and was not written by nncourse report"), ("/proc/report.json", "cannot write /proc/report.json")]:
        with pytest.raises(SystemExit):
            main(["report", "--output", str(target)])
        assert said in capsys.readouterr().err
    assert foreign.read_text() == "my notes"


def test_report_replaces_its_own_file_and_a_foreign_one_with_force(tmp_path):
    # exit 0: every deterministic output of the lecture reproduces here (the report's gate);
    # two runs and one R: what is written where is the claim (test_report holds the gate of both Rs)
    quick = ["--runs", "2", "--r-engine", "rpy2"]
    target = tmp_path / "report.json"
    assert main(["report", *quick, "--format", "json", "--output", str(target)]) == 0
    first = target.read_text()
    assert '"lecture": "Week 10: Neural Networks' in first
    assert main(["report", *quick, "--format", "json", "--output", str(target)]) == 0  # its own: fine
    foreign = tmp_path / "mine.txt"
    foreign.write_text("mine")
    assert main(["report", *quick, "--output", str(foreign), "--force"]) == 0
    assert "which lecture outputs reproduce" in foreign.read_text()


def test_runs_beyond_memory_are_refused_with_the_limit(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--runs", str(10**12)])
    assert "--runs: expected at most" in capsys.readouterr().err


def test_nothing_is_written_through_a_link(tmp_path):
    target = tmp_path / "real.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with pytest.raises(OutputError, match=r"is a symbolic link; nncourse does not write through links"):
        check_target(link, argument="--output", command="report")


def test_nothing_is_written_through_a_link_to_a_folder(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    said = rf"--output: {tmp_path}/linked/.* goes through {tmp_path}/linked, a symbolic link to a folder; nncourse does not write through links \(give the real path, {tmp_path}/real/"
    with pytest.raises(OutputError, match=said):
        check_target(tmp_path / "linked" / "report.json", argument="--output", command="report")
    with pytest.raises(OutputError, match=said):
        check_folder(tmp_path / "linked" / "deck", argument="--output", makes="doc.html")


def test_force_never_replaces_a_tracked_source():
    with pytest.raises(OutputError, match=r"is a source file of the repository; write somewhere else \(--force never replaces a tracked source\)"):
        check_target(ROOT / "README.md", argument="--output", command="render", force=True)


@pytest.fixture
def document(tmp_path):
    path = tmp_path / "doc.qmd"
    path.write_text("---\ntitle: A document\n---\n\nText.\n")
    return path


def test_render_output_is_a_folder_and_says_so(tmp_path, document, capsys):
    for output, said in [
        (tmp_path / "work" / "x.html", rf"--output: expected a folder to write doc.html into, got {tmp_path}/work/x.html, which reads as a file name \(give its folder, {tmp_path}/work; the file is named doc.html\)"),
        (document, rf"--output: expected a folder to write doc.html into, got the file {document}"),
    ]:
        assert main(["render", str(document), "--output", str(output)]) == 1
        assert re.search(said, capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.qmd"]  # no folder x.html/, no work/


def test_render_does_not_write_through_a_linked_output_folder(tmp_path, document, capsys):
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    assert main(["render", str(document), "--output", str(tmp_path / "linked"), "--force"]) == 1
    assert f"--output: {tmp_path}/linked is a symbolic link; nncourse does not write through links" in capsys.readouterr().err
    assert main(["render", str(document), "--output", str(tmp_path / "linked" / "deck"), "--force"]) == 1
    assert f"--output: {tmp_path}/linked/deck goes through {tmp_path}/linked, a symbolic link to a folder" in capsys.readouterr().err
    assert list((tmp_path / "real").iterdir()) == []


def test_tutorial_keeps_links_and_refuses_a_file_for_a_folder(tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere.txt"
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "tutorial.qmd").symlink_to(elsewhere)  # dangling: writing through it would create elsewhere.txt
    done = dict((os.path.basename(p), what) for p, what in tutorial.start(folder))
    assert done == {"tutorial.qmd": "kept", "tutorial.ipynb": "written"}
    assert not elsewhere.exists()
    with pytest.raises(SystemExit):
        main(["tutorial", str(folder / "tutorial.ipynb")])
    assert "folder: expected a folder to put the tutorial in, got the file" in capsys.readouterr().err
