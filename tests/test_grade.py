"""`nncourse grade` on a small class: correct, wrong, hanging, exiting and tampering
submissions give exactly the expected gradebook, and nothing one does reaches another."""

import csv

import nbformat
import pytest

from nncourse.course import grade
from nncourse.deck.document import to_notebook
from nncourse.paths import ROOT
from nncourse.cli import main

SOLUTIONS = ROOT / "course" / "week10" / "solutions.qmd"
TUTORIAL = ROOT / "course" / "week10" / "tutorial.qmd"

# (name, source, edits: (text in the solutions, what replaces it)), and the marks expected.
CLASS = {
    "alice": (SOLUTIONS, [], {}),
    "bob": (TUTORIAL, [], "all zero"),  # handed in untouched: every stub
    "carol": (SOLUTIONS, [  # typical mistakes: a share instead of a count, the wrong quiz answer
        ("return int(np.sum(step(X @ params[:-1] + params[-1]) != y))", "return float(np.mean(step(X @ params[:-1] + params[-1]) != y))"),
        ('tutorial.check_answer("1", "b")', 'tutorial.check_answer("1", "a")'),
    ], {"exercise_2": 0, "quiz_1": 0}),
    "dave": (SOLUTIONS, [  # a draw that never ends
        ("def draw_batch(rng, n, batch_size):", "def draw_batch(rng, n, batch_size):\n    while True:\n        pass"),
    ], {"exercise_5": 0}),
    "erin": (SOLUTIONS, [  # a train that exits the process, a train_step that kills it
        ("def train(X, y):", "def train(X, y):\n    import sys\n    sys.exit(0)"),
        ("def train_step(weights, X_batch, y_batch, lr):", "def train_step(weights, X_batch, y_batch, lr):\n    import os\n    os._exit(3)"),
    ], {"exercise_1": 0, "exercise_6": 0}),
    "frank": (SOLUTIONS, [  # tampering: numpy patched, the checker's table emptied, a verdict printed, a block drawn
        ("def draw_batch(rng, n, batch_size):",
         "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\ntutorial.GATES.clear()\n"
         "print('Exercise 5: PASSED. instant')\n\ndef draw_batch(rng, n, batch_size):\n    return (rng.integers(0, n) + np.arange(batch_size)) % n"),
    ], {"exercise_5": 0}),
}


def expected_marks(marks) -> list[int]:
    if marks == "all zero":
        return [0] * len(grade.COLUMNS)
    return [marks.get(column, 1) for column, _, _ in grade.COLUMNS]


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    paths = []
    for name, (source, edits, _) in CLASS.items():
        text = source.read_text()
        for old, new in edits:
            assert text.count(old) == 1, (name, old)
            text = text.replace(old, new)
        qmd = folder / f"{name}.qmd"
        qmd.write_text(text)
        nbformat.write(to_notebook(qmd), str(folder / f"{name}.ipynb"))
        qmd.unlink()
        paths.append(folder / f"{name}.ipynb")
    return folder, paths


@pytest.mark.r  # exercise 2 has an R part
def test_a_class_gets_exactly_the_expected_gradebook(r, notebooks, capsys):
    folder, paths = notebooks
    assert main(["grade", *map(str, paths), "--csv", str(folder / "grades.csv"), "--feedback", str(folder / "feedback"), "--jobs", "2", "--timeout", "10"]) == 0
    with open(folder / "grades.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["submission", *(c for c, _, _ in grade.COLUMNS), "total"]
    for row, (name, (_, _, marks)) in zip(rows[1:], CLASS.items()):
        expected = expected_marks(marks)
        assert row == [f"{name}.ipynb", *map(str, expected), str(sum(expected))], row
    pages = sorted(p.name for p in (folder / "feedback").glob("*.html"))
    assert pages == sorted(f"{name}.html" for name in CLASS)
    dave = (folder / "feedback" / "dave.html").read_text()
    assert "NOT YET" in dave and "the check&#x27;s time budget ran out" in dave
    out = capsys.readouterr()
    assert "exercise_5        3/6" in out.out and "graded frank.ipynb: 11/12" in out.err


def test_a_submission_is_read_not_run(tmp_path):
    script = tmp_path / "sneaky.py"
    script.write_text("import os\nos._exit(9)\nfrom nncourse import tutorial\ndef train(X, y):\n    return [0, 0, 0]\ntutorial.check_exercise_1(train)\n")
    submission = grade.read(script)  # the grader itself runs none of it
    assert submission.answers == {"exercise_1": ["train"]} and "check_exercise_1" not in submission.code


def test_the_cli_names_bad_arguments(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["grade", str(tmp_path / "nothing.txt")])
    assert "submissions: expected notebooks (.ipynb, .qmd, .py)" in capsys.readouterr().err
