"""Outputs never overwrite sources, nor a file nncourse did not make, nor write through a link."""

import os

import pytest

from nncourse.course import tutorial
from nncourse.cli import main
from nncourse.paths import CHECKOUT
from nncourse.safe_write import OutputError, check_target


@pytest.mark.parametrize("source", ["pysrc/nncourse/repro/report.schema.json", "README.md", "rsrc/evaluate.R"])
def test_report_refuses_a_tracked_source_before_any_work(source, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["report", "--output", str(CHECKOUT / source)])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"--output: {CHECKOUT / source} is a source file of the repository; write somewhere else (or add --force)" in err
    assert "seeded runs" not in err  # refused before the study started


def test_report_refuses_a_folder_a_foreign_file_and_an_unwritable_place(tmp_path, capsys):
    foreign = tmp_path / "notes.txt"
    foreign.write_text("my notes")
    for target, said in [(tmp_path, "is a folder; expected the path of a file"), (foreign, "exists and was not written by nncourse report"), ("/proc/report.json", "cannot write /proc/report.json")]:
        with pytest.raises(SystemExit):
            main(["report", "--output", str(target)])
        assert said in capsys.readouterr().err
    assert foreign.read_text() == "my notes"


def test_report_replaces_its_own_file_and_a_foreign_one_with_force(tmp_path):
    target = tmp_path / "report.json"
    assert main(["report", "--runs", "20", "--format", "json", "--output", str(target)]) in (0, 1)
    first = target.read_text()
    assert '"lecture": "Week 10: Neural Networks' in first
    assert main(["report", "--runs", "20", "--format", "json", "--output", str(target)]) in (0, 1)  # its own: fine
    foreign = tmp_path / "mine.txt"
    foreign.write_text("mine")
    assert main(["report", "--runs", "20", "--output", str(foreign), "--force"]) in (0, 1)
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
