"""The command line: one module per command, refusing what the API refuses in the API's words."""

import pytest

from nncourse import commands
from nncourse.cli import main
from nncourse.course import grade, tutorial
from nncourse.repro import report


def test_every_command_is_one_module_with_its_parser_and_its_run():
    assert [c.NAME for c in commands.COMMANDS] == ["render", "serve", "grade", "tutorial", "report", "site"]
    for command in commands.COMMANDS:
        assert command.__name__ == f"nncourse.commands.{command.NAME}"
        assert callable(command.add_parser) and callable(command.run)


def refusal(argv, capsys) -> str:
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    return capsys.readouterr().err.splitlines()[-1]


def test_grade_refuses_as_its_api_does(tmp_path, capsys):
    notebook = tmp_path / "a.ipynb"
    notebook.write_text("{}")
    assert refusal(["grade", str(notebook), "--jobs", "33"], capsys) == "nncourse: error: --jobs: expected 1 to 32, got 33"
    with pytest.raises(ValueError, match=r"^jobs: expected 1 to 32, got 33$"):
        grade.grade([], None, jobs=33)
    assert refusal(["grade", str(notebook), "--timeout", "0.5"], capsys) == "nncourse: error: --timeout: expected 1 to 600 seconds, got 0.5"
    with pytest.raises(ValueError, match=r"^budget: expected 1 to 600 seconds, got 0.5$"):
        grade.grade([], None, budget=0.5)
    text = tmp_path / "a.txt"
    text.write_text("")
    with pytest.raises(ValueError) as refused:
        grade.read_submissions([text])
    words = str(refused.value)
    assert words.startswith("submissions: expected notebooks (.ipynb, .qmd, .py") and words.endswith(f"), got {text}")
    assert refusal(["grade", str(text)], capsys) == f"nncourse: error: {words}"


def test_report_refuses_as_its_api_does(capsys):
    assert refusal(["report", "--runs", "1"], capsys) == "nncourse: error: --runs: expected at least 2 seeded runs, got 1"
    with pytest.raises(ValueError, match=r"^runs: expected at least 2 seeded runs, got 1$"):
        report.build(runs=1)
    with pytest.raises(ValueError, match=r"^runs: expected at most [\d,]+ seeded runs \(what this machine's free memory holds\), got 10,000,000,000,000$"):
        report.build(runs=10**13)


def test_tutorial_refuses_a_file_as_its_api_does(tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.write_text("mine")
    words = f"folder: expected a folder to put the tutorial in, got the file {taken}"
    assert refusal(["tutorial", str(taken)], capsys) == f"nncourse: error: {words}"
    with pytest.raises(ValueError) as refused:
        tutorial.start(taken)
    assert str(refused.value) == words and taken.read_text() == "mine"
