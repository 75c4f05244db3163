"""`nncourse grade` on a class of 32 notebooks made from templates: correct work written
in every way a check can be called, typical mistakes, hanging, exiting and hostile code.
The gradebook is exactly the one written below by hand from what each template deserves,
twice in a row and once more on a Dask LocalCluster; nothing one notebook does reaches
another's marks."""

import csv
import os
import time
import zlib

import nbformat
import pytest

from conftest import made_once
from nncourse.cli import main
from nncourse.course import exercises, grade, key as keys

CELLS = {  # a short, correct notebook: one cell per exercise, the tutorial's check calls
    "imports": "import numpy as np\nfrom nncourse import tutorial, perceptron, mlp\nfrom nncourse.activations import relu, sigmoid, step",
    # 100 epochs, not the solutions' 1000 (a tenth of the CPU): enough for every case a key can draw (see below)
    "ex1": "def train(X, y):\n    return perceptron.train_perceptron(X, y, lr=0.1, epochs=100, batch_size=10, rng=0)\n\ntutorial.check_exercise_1(train)",
    "quiz1": 'tutorial.check_answer("1", "b")',
    "ex2": "def misclassified(params, X, y):\n    return int(np.sum(step(X @ params[:-1] + params[-1]) != y))\n\ntutorial.check_exercise_2(misclassified)",
    "ex2r": "",
    "ex3": "def sigmoid_grad(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n\ndef relu_grad(z):\n    return np.where(np.asarray(z) >= 0, 1.0, 0.0)\n\n"
           "tutorial.check_exercise_3(sigmoid_grad, relu_grad)",
    "ex4": "def gradient_descent(X, y, lr, epochs):\n    betas = np.zeros(X.shape[1])\n    for _ in range(epochs):\n"
           "        betas = betas - lr * (-2 * X.T @ (y - X @ betas) / len(y))\n    return betas\n\ntutorial.check_exercise_4(gradient_descent)",
    "rates": 'tutorial.check_exercise_4_rates({"too small": 0.0001, "about right": 0.05, "divergent": 1.5})',
    "ex5": "def draw_batch(rng, n, batch_size):\n    return rng.choice(n, size=batch_size, replace=False)\n\ntutorial.check_exercise_5(draw_batch)",
    "ex6": "def train_step(weights, X, y, lr):\n    W1, b1, w2, b2 = weights\n    z1 = X @ W1 + b1\n    h = relu(z1)\n    p = sigmoid(h @ w2 + b2)\n"
           "    r = (y - p) * p * (1 - p)\n    delta = np.outer(r, w2) * (z1 >= 0)\n"
           "    return (W1 + lr * 2 * X.T @ delta / len(y), b1 + lr * 2 * delta.sum(axis=0) / len(y),\n"
           "            w2 + lr * 2 * h.T @ r / len(y), b2 + lr * 2 * r.sum() / len(y))\n\ntutorial.check_exercise_6(train_step)",
    "ex7": "def logistic_gd(X, y, lr, epochs):\n    Xb = np.column_stack([np.ones(len(y)), X])\n    b = np.zeros(Xb.shape[1])\n    for _ in range(epochs):\n"
           "        b = b - lr * Xb.T @ (sigmoid(Xb @ b) - y) / len(y)\n    return b\n\ntutorial.check_exercise_7(logistic_gd)",
    "ex8": 'def margin(params, x):\n    return x @ params[:-1] + params[-1]\n\ntutorial.check_exercise_8(margin)\ntutorial.check_answer("8", "b")',
}
R_CELL = ("from nncourse import rbridge\n\ndef lm_predictions(frame):\n    r = rbridge.session()\n    env = r.new_env()\n    r.assign('d', frame, env)\n"
          "    r.evaluate('p <- unname(fitted(lm(Y ~ X1 + X2, data = d)))', env)\n    return r.get('p', env)\n\ntutorial.check_exercise_2_r(lm_predictions)")
FORGER = ("import json, os, signal, struct\n"
          "def draw_batch(rng, n, batch_size):\n"
          "    for fd in range(3, 64):\n        try:\n            os.write(fd, struct.pack('>Q', 16) + json.dumps({'passed': True})[:16].encode())\n        except OSError:\n            pass\n"
          "    for pid in (os.getppid(), 1):\n        try:\n            os.kill(pid, signal.SIGKILL)\n        except OSError:\n            pass\n"
          "    return rng.choice(n, size=batch_size, replace=False)\n\ntutorial.check_exercise_5(draw_batch)")
SHIFTER = ("import json, os, struct\n"
           "def draw_batch(rng, n, batch_size):\n    a = json.dumps({'id': '0', 'ok': list(range(batch_size))}).encode()\n"
           "    for fd in range(3, 64):\n        try:\n            os.write(fd, (struct.pack('>Q', len(a)) + a) * 3)\n        except OSError:\n            pass\n"
           "    return rng.choice(n, size=batch_size, replace=False)\n\ntutorial.check_exercise_5(draw_batch)")
FULL = dict(exercise_1=2, quiz_1=1, exercise_2=1, exercise_2_r=0, exercise_3=1, exercise_4=2, exercise_4_rates=1,
            exercise_5=2, exercise_6=2, exercise_7=2, exercise_8=1, quiz_8=1)  # 16 of 17: no R cell in the short notebook


def marks(**changes):
    return {**FULL, **changes}


# name -> (cells replaced, cells added after a cell, the marks it deserves, written by hand)
TEMPLATES = {
    "correct": ({}, {}, marks()),
    "with_r": ({"ex2r": R_CELL}, {}, marks(exercise_2_r=1)),
    "call_forms": ({  # the five ways a check is called, each counts as the notebook showed
        "ex1": CELLS["ex1"].replace("tutorial.check_exercise_1(train)", "result = tutorial.check_exercise_1(train)\nassert result.exercise == '1'"),
        "ex2": CELLS["ex2"].replace("tutorial.check_exercise_2(misclassified)", "print(tutorial.check_exercise_2(misclassified))"),
        "ex3": "from nncourse.tutorial import check_exercise_3\n" + CELLS["ex3"].replace("tutorial.check_exercise_3(", "check_exercise_3("),
        "ex4": "from nncourse.tutorial import check_exercise_4 as mine\n" + CELLS["ex4"].replace("tutorial.check_exercise_4(", "mine("),
        "ex6": "import nncourse.tutorial\n" + CELLS["ex6"].replace("tutorial.check_exercise_6(", "nncourse.tutorial.check_exercise_6("),
    }, {}, marks()),
    "scratch_after": ({}, {"ex8": "def misclassified(params, X, y):\n    return 0\n\ndef train(X, y):\n    return np.zeros(3)\n\ndraw_batch = None"}, marks()),
    "share_and_quiz": ({"ex2": CELLS["ex2"].replace("int(np.sum(", "float(np.mean("), "quiz1": 'tutorial.check_answer("1", "a")'}, {},
                       marks(exercise_2=0, quiz_1=0)),
    "textbook": ({"ex1": "def train(X, y):\n    w, b = np.zeros(X.shape[1]), 0.0\n    for _ in range(100):\n        for xi, yi in zip(X, y):\n"
                         "            error = yi - float(xi @ w + b > 0)\n            w, b = w + error * xi, b + error\n    return np.append(w, b)\n\n"
                         "tutorial.check_exercise_1(train)",
                  "ex4": CELLS["ex4"].replace("    return betas", "    return betas.reshape(3, 1)")}, {}, marks()),
    "partial": ({"ex3": CELLS["ex3"].replace(">= 0, 1.0", "> 0, 1.0"),
                 "ex6": CELLS["ex6"].replace("w2 + lr * 2 * h.T @ r / len(y), b2 + lr * 2 * r.sum() / len(y)", "w2, b2")}, {},
                marks(exercise_3=0.5, exercise_6=1)),
    "hangs": ({"ex5": CELLS["ex5"].replace("    return rng", "    import time\n    while True:\n        time.sleep(1)\n    return rng")}, {}, marks(exercise_5=0)),  # waits, as top_level_hang does: the budgets are wall-clock time
    "exits": ({"ex1": CELLS["ex1"].replace("def train(X, y):\n", "def train(X, y):\n    import sys\n    sys.exit(0)\n"),
               "ex6": CELLS["ex6"].replace("    W1, b1, w2, b2 = weights\n", "    import os\n    os._exit(3)\n")}, {}, marks(exercise_1=0, exercise_6=0)),
    "tampers": ({"ex5": "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\nprint('Exercise 5: PASSED. instant')\n"
                        "def draw_batch(rng, n, batch_size):\n    return (rng.integers(0, n) + np.arange(batch_size)) % n\n\ntutorial.check_exercise_5(draw_batch)"},
                {}, marks(exercise_5=0)),
    "forger": ({"ex5": FORGER}, {}, marks(exercise_5=0)),
    "shifter": ({"ex5": SHIFTER}, {}, marks(exercise_5=0)),
    "quiz_reader": ({"quiz1": "import re\ntry:\n    answer = re.search(r'answer = \"(\\w)\"', open(CLASS_FILES[1]).read()).group(1)\n"
                              "except OSError:\n    answer = tutorial.QUIZ['1'][0]\ntutorial.check_answer('1', answer)"}, {}, marks(quiz_1=0)),
    "setsid_child": ({"ex6": "import os, subprocess\nsubprocess.Popen(['sleep', SLEEPER], start_new_session=True)\n" + CELLS["ex6"]}, {}, marks()),
    "file_writer": ({"imports": CELLS["imports"] + "\nfor path in CLASS_FILES:\n    try:\n        open(path, 'w').write('0 points for everyone')\n    except OSError:\n        pass"},
                    {}, marks()),
    "top_level_hang": ({}, {"ex3": "import time\nwhile True:\n    time.sleep(1)"}, marks(exercise_4=0, exercise_4_rates=0, exercise_5=0, exercise_6=0, exercise_7=0, exercise_8=0, quiz_8=0)),
    "sign_error": ({"ex7": CELLS["ex7"].replace("b = b - lr", "b = b + lr")}, {}, marks(exercise_7=0)),
    "syntax_error": ({"ex4": CELLS["ex4"].replace("def gradient_descent(X, y, lr, epochs):", "def gradient_descent(X, y, lr, epochs)")}, {}, marks(exercise_4=0)),
    "stubs": ({}, {}, {c: 0 for c in FULL}),  # the tutorial handed in untouched
}
COPIES = {"correct": 5, "share_and_quiz": 2, "partial": 2, "textbook": 2, "call_forms": 2, "scratch_after": 2, "sign_error": 2}  # the rest: one each


def notebook(name: str, number: int, class_files: list[str], sleeper: str) -> nbformat.NotebookNode:
    if name == "stubs":
        from nncourse.deck.document import to_notebook
        from nncourse.paths import WEEK10

        return to_notebook(WEEK10.tutorial)
    replaced, added, _ = TEMPLATES[name]
    cells = [f"# {name}, student {number}\nCLASS_FILES = {class_files!r}\nSLEEPER = {sleeper!r}"]
    for cell, source in CELLS.items():
        cells.append(replaced.get(cell, source))
        if cell in added:
            cells.append(added[cell])
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells if c])


def expected_rows(names) -> list[list[str]]:
    columns = [e.column for e in exercises.EXERCISES]
    rows = []
    for submission, name in sorted(names.items()):
        deserved = TEMPLATES[name][2]
        rows.append([submission, *(f"{deserved[c]:g}" for c in columns), f"{sum(deserved.values()):g}", ""])
    return rows


def class_names() -> dict[str, str]:
    """submission path -> template: 32 notebooks in two groups' folders, each a tutorial.ipynb."""
    names = {}
    for name in TEMPLATES:
        for copy in range(COPIES.get(name, 1)):
            names[f"group{'AB'[len(names) % 2]}/{name}{copy + 1}/tutorial.ipynb"] = name
    return names


def make_class(folder):
    """The class's notebooks and a key, written once per run for every worker that grades them."""
    key = folder / "key.toml"
    keys.new(key)
    names = class_names()
    class_files = [str(folder / "grades.csv"), str(key), str(folder / next(iter(names)))]
    for submission, name in names.items():
        (folder / submission).parent.mkdir(parents=True)
        nbformat.write(notebook(name, len(names), class_files, sleeper_of(folder)), str(folder / submission))
    return folder


def sleeper_of(folder) -> str:
    """The setsid child's ``sleep`` argument: 300 s, its decimals naming this run's class alone on the machine."""
    return f"300.{zlib.crc32(str(folder).encode()):010d}"


@pytest.fixture(scope="session")
def klass(tmp_path_factory):
    """(folder, key, names): the class, made once per run and shared by the workers that grade it."""
    folder = made_once(tmp_path_factory, "grade_class", make_class)
    return folder, folder / "key.toml", class_names()


@pytest.fixture(scope="session")
def timeout(r, klass, tmp_path_factory):
    """Three times the slowest check of a correct notebook with R on this machine, measured once per run."""
    folder, key, names = klass
    [with_r] = [s for s, n in names.items() if n == "with_r"]

    def measure(here):
        began = time.monotonic()
        graded = grade.grade_one(grade.read_submissions([folder / with_r])[0], keys.load(key), budget=120, sandbox="bwrap")
        assert graded.total == 17, graded.verdicts
        slowest = max([v.seconds for v in graded.verdicts.values()] + [(time.monotonic() - began) / 4])
        (here / "timeout").write_text(str(round(3 * slowest + 5)))
        return here / "timeout"

    return int(made_once(tmp_path_factory, "grade_timeout", measure).read_text())


def read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def sleepers(folder) -> list[str]:
    """The processes alive of the class's setsid child."""
    import subprocess

    return subprocess.run(["pgrep", "-f", f"sleep {sleeper_of(folder)}"], capture_output=True, text=True).stdout.split()


def class_gradebook(names) -> list[list[str]]:
    header = ["submission", *(e.column for e in exercises.EXERCISES), "total", "student_id"]
    return [header, *expected_rows(names)]


@pytest.mark.r
def test_a_class_grades_to_exactly_the_expected_gradebook_twice_in_a_row(klass, timeout, tmp_path, monkeypatch):
    """Each time the gradebook written by hand; nothing one notebook does reaches the class's
    files, another's feedback, or outlives its grading (the setsid child's ``sleep``)."""
    folder, key, names = klass
    monkeypatch.chdir(folder)  # as a teaching assistant grades: from the class's folder
    before = {p: os.stat(p).st_mtime_ns for p in (key, folder / next(iter(names)))}
    for run in ("first", "second"):
        out = tmp_path / run
        out.mkdir()
        assert main(["grade", *names, "--key", str(key), "--csv", str(out / "grades.csv"), "--feedback", str(out / "feedback"),
                     "--jobs", "2", "--timeout", str(timeout)]) == 0
        assert read_csv(out / "grades.csv") == class_gradebook(names), run
        assert sleepers(folder) == [], run
    assert {p: os.stat(p).st_mtime_ns for p in before} == before  # the file writer wrote nothing, the key unread-and-untouched
    assert not (folder / "grades.csv").exists()
    pages = sorted(p.name for p in (tmp_path / "first" / "feedback").glob("*.html"))
    assert len(pages) == len(names) and any(p.endswith("__correct1__tutorial.html") for p in pages)
    hang = (tmp_path / "first" / "feedback" / next(p for p in pages if "top_level_hang" in p)).read_text()
    assert f"ran past its {timeout:g} s" in hang and "no call of tutorial.check_exercise_4(...) ran" in hang
    forger = (tmp_path / "first" / "feedback" / next(f for f in pages if "forger" in f)).read_text()
    assert not any(other.split("/")[1] in forger for other in names if "forger" not in other)  # nothing of another submission


@pytest.mark.r
def test_a_class_grades_on_a_dask_cluster_to_the_same_gradebook(klass, timeout):
    import dask
    from distributed import LocalCluster

    folder, key, names = klass
    # one worker of one thread: beside the test above (on another pytest worker), the machine grades three at once, not four;
    # without the worker's sampling profiler (Dask's diagnostics, every 10 ms: a fifth more CPU on a busy task's thread here)
    with dask.config.set({"distributed.worker.profile.enabled": False}), \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        graded = grade.grade(grade.read_submissions([folder / s for s in names]), keys.load(key), budget=timeout, cluster=cluster)
    expected = class_gradebook(names)
    on_cluster = [[g.id, *(f"{g.points[c]:g}" for c in expected[0][1:-2]), f"{g.total:g}", ""] for g in sorted(graded, key=lambda g: g.id)]
    assert on_cluster == expected[1:]
    assert sleepers(folder) == []


def test_regrading_one_student_updates_that_row_and_a_second_run_grades_only_what_changed(klass, timeout, tmp_path, monkeypatch, capsys):
    import shutil

    folder, key, names = klass
    chosen = sorted(s for s, n in names.items() if n in ("correct", "share_and_quiz"))[:3]
    for submission in chosen:
        (tmp_path / submission).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / submission, tmp_path / submission)
    monkeypatch.chdir(tmp_path)
    args = ["--key", str(key), "--csv", "grades.csv", "--timeout", str(timeout)]
    assert main(["grade", *chosen, *args]) == 0
    first = read_csv(tmp_path / "grades.csv")
    assert [row[0] for row in first[1:]] == chosen
    capsys.readouterr()
    assert main(["grade", *chosen, *args]) == 0
    assert "3 of 3 submissions unchanged since they were graded; grading 0" in capsys.readouterr().err
    assert read_csv(tmp_path / "grades.csv") == first
    # one student hands in again (a share instead of a count): only that row changes, the others stay
    again = tmp_path / chosen[0]
    text = again.read_text()
    assert "int(np.sum(" in text
    again.write_text(text.replace("int(np.sum(", "float(np.mean("))
    assert main(["grade", chosen[0], *args]) == 0
    assert "0 of 1 submissions unchanged since they were graded; grading 1" in capsys.readouterr().err
    rows = read_csv(tmp_path / "grades.csv")
    assert rows[0] == first[0] and rows[2:] == first[2:] and len(rows) == 4
    column = rows[0].index("exercise_2")
    assert rows[1][0] == chosen[0] and rows[1][column] == "0" and first[1][column] == "1"
    assert float(rows[1][-2]) == float(first[1][-2]) - 1


def test_submissions_of_the_same_code_are_graded_once_and_each_has_its_row(tmp_path, monkeypatch):
    """Two notebooks of the same code, saved apart (other cell ids, one with outputs), are one
    grading given to both rows, as the cache gives one file's result to its copies; another
    answer is graded on its own."""
    for name, quiz in (("mine", "b"), ("theirs", "b"), ("wrong", "a")):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in ("from nncourse import tutorial", f'tutorial.check_answer("1", "{quiz}")')])
        if name == "theirs":
            notebook.cells[1].outputs = [nbformat.v4.new_output("stream", text="Exercise 1: recorded")]
        (tmp_path / name).mkdir()
        nbformat.write(notebook, str(tmp_path / name / "tutorial.ipynb"))
    assert (tmp_path / "mine" / "tutorial.ipynb").read_bytes() != (tmp_path / "theirs" / "tutorial.ipynb").read_bytes()
    ran, real = [], grade.grade_one
    monkeypatch.setattr(grade, "grade_one", lambda submission, *args, **kwargs: ran.append(submission.id) or real(submission, *args, **kwargs))
    keys.new(tmp_path / "key.toml")
    said = []
    graded = grade.grade(grade.read_submissions(sorted(tmp_path.glob("*/tutorial.ipynb"))), keys.load(tmp_path / "key.toml"), jobs=1, budget=30,
                         progress=said.append)
    assert sorted(ran) == ["mine/tutorial.ipynb", "wrong/tutorial.ipynb"]
    assert [(g.id, g.verdicts["quiz_1"].passed, g.points["quiz_1"]) for g in graded] == [
        ("mine/tutorial.ipynb", True, 1), ("theirs/tutorial.ipynb", True, 1), ("wrong/tutorial.ipynb", False, 0)]
    assert "graded theirs/tutorial.ipynb: 1/17 (the same code as mine/tutorial.ipynb, graded once)" in said

def test_outputs_are_checked_before_any_grading(klass, tmp_path, capsys):
    folder, key, names = klass
    one = str(folder / next(iter(names)))
    began = time.monotonic()
    for args, said in (
        (["--csv", str(tmp_path / "missing" / "dir" / "g.csv")], f"--csv: the folder {tmp_path / 'missing' / 'dir'} does not exist"),
        (["--feedback", str(tmp_path / "missing" / "pages")], "--feedback: the folder"),
        (["--canvas", str(tmp_path / "c.csv")], "--canvas: needs --roster"),
    ):
        with pytest.raises(SystemExit):
            main(["grade", one, "--key", str(key), *args])
        err = capsys.readouterr().err
        assert said in err and "--force" not in err, err
    (tmp_path / "notes.csv").write_text("my own notes\n")
    with pytest.raises(SystemExit):
        main(["grade", one, "--key", str(key), "--csv", str(tmp_path / "notes.csv")])
    err = capsys.readouterr().err
    assert "exists and was not written by nncourse grade; write somewhere else" in err and "--force" not in err
    with pytest.raises(SystemExit):
        main(["grade", str(tmp_path / "absent.ipynb"), "--key", str(key)])
    assert f"submissions: {tmp_path / 'absent.ipynb'} not found" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["grade", one])
    assert "--key: expected the lecturer's grading key (make one with: nncourse grade --new-key KEY.toml)" in capsys.readouterr().err
    assert time.monotonic() - began < 60  # refused, not graded first


def test_a_roster_names_the_students_and_exports_for_canvas_and_moodle(klass, timeout, tmp_path, monkeypatch):
    folder, key, names = klass
    monkeypatch.chdir(folder)
    chosen = sorted(s for s, n in names.items() if n == "correct")[:2]
    roster = tmp_path / "roster.csv"
    roster.write_text("submission,student_id,name,email\n" + "".join(f"{s},2026{i:04d},Student {i},s{i}@uni.ie\n" for i, s in enumerate(chosen)))
    assert main(["grade", *chosen, "--key", str(key), "--csv", str(tmp_path / "g.csv"), "--roster", str(roster),
                 "--canvas", str(tmp_path / "canvas.csv"), "--moodle", str(tmp_path / "moodle.csv"), "--timeout", str(timeout)]) == 0
    assert [row[-1] for row in read_csv(tmp_path / "g.csv")[1:]] == ["20260000", "20260001"]
    assert read_csv(tmp_path / "canvas.csv") == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Week 10 tutorial"],
                                                 ["Student 0", "", "20260000", "s0@uni.ie", "", "16"], ["Student 1", "", "20260001", "s1@uni.ie", "", "16"]]
    assert read_csv(tmp_path / "moodle.csv") == [["ID number", "Email address", "Week 10 tutorial"], ["20260000", "s0@uni.ie", "16"], ["20260001", "s1@uni.ie", "16"]]


def test_a_key_is_fresh_each_time_and_never_overwritten(tmp_path, capsys):
    assert main(["grade", "--new-key", str(tmp_path / "a.toml")]) == 0 and main(["grade", "--new-key", str(tmp_path / "b.toml")]) == 0
    a, b = keys.load(tmp_path / "a.toml"), keys.load(tmp_path / "b.toml")
    assert a.seeds != b.seeds and a.quiz == b.quiz and a.quiz["1"][0] == "b"
    with pytest.raises(SystemExit):
        main(["grade", "--new-key", str(tmp_path / "a.toml")])
    assert "a key is never overwritten" in capsys.readouterr().err
    (tmp_path / "bad.toml").write_text("[seeds]\nexercise_1 = 'x'\n[points]\n[quiz]\n")
    with pytest.raises(keys.BadKey, match=r"\[seeds\]: expected exercise_1 as int, got 'x'"):
        keys.load(tmp_path / "bad.toml")


def test_the_short_notebooks_perceptron_separates_every_case_a_key_can_draw():
    """The class's exercise 1 (100 epochs) passes whatever the fresh key's hidden seed: every
    gate, and every case the check's generator can draw (3000 draws give all 89 Boolean
    functions its (w, b) can make: 4**3 weights and 5 biases, checked by hand)."""
    import numpy as np

    from nncourse.algorithms.activations import step
    from nncourse.algorithms.perceptron import train_perceptron

    drawn = {tuple(y): (X, y) for seed in range(1500) for _, (X, y, _) in exercises._separable_cases(np.random.default_rng(seed))}
    assert len(drawn) == 89
    for X, y in [*drawn.values(), *((np.array(X, float), np.array(y, float)) for X, y, _ in exercises.GATES.values())]:
        params = train_perceptron(X, y, lr=0.1, epochs=100, batch_size=10, rng=0)
        z = X @ params[:-1] + params[-1]
        assert np.array_equal(step(z), y) or np.array_equal((z > 0).astype(float), y), y  # as the check takes either step(0)


def test_a_submission_is_read_not_run(tmp_path):
    script = tmp_path / "sneaky.py"
    script.write_text("import os\nos._exit(9)\n")
    [submission] = grade.read_submissions([script])  # the grader itself runs none of it
    assert submission.id == "sneaky.py" and submission.cells == ["import os\nos._exit(9)"]


def test_an_answer_finds_the_sandbox_as_a_notebook_check_does_not_as_the_run_left_it(tmp_path):
    """The run and the answers share one sandbox per submission: what the run leaves in /tmp
    is gone before the first answer opens (a notebook's check starts with an empty /tmp too)."""
    script = tmp_path / "leaves.py"
    script.write_text("from nncourse import tutorial\nopen('/tmp/left-by-the-run', 'w').write('x')\n"
                      "def margin(params, x):\n    import os\n    if os.path.exists('/tmp/left-by-the-run'):\n        return 0.0\n"
                      "    return x @ params[:-1] + params[-1]\n\ntutorial.check_exercise_8(margin)\n")
    keys.new(tmp_path / "key.toml")
    graded = grade.grade_one(grade.read_submissions([script])[0], keys.load(tmp_path / "key.toml"), budget=30, sandbox="bwrap")
    assert graded.verdicts["exercise_8"].passed, graded.verdicts["exercise_8"]
    assert graded.notes == [] and graded.where["exercise_8"] == "cell 1, line 9"


def test_a_sandbox_imports_first_what_its_submission_imports_and_pandas_only_then(tmp_path):
    """The sandbox's server imports, before the run and the answers fork from it, the
    student's API and pandas as far as the submission imports them (read from its code):
    a notebook that never imports pandas never pays for it, one that does pays once."""
    from nncourse.course.student import preloads

    assert preloads(["import numpy as np\nfrom nncourse import tutorial, mlp\nfrom nncourse.activations import relu"]) == (
        "nncourse.algorithms.activations", "nncourse.algorithms.mlp", "nncourse.course.tutorial")
    assert preloads(["def f():\n    import pandas.api.types\n", "from nncourse import rbridge, figures", "import os, nncourse.data"]) == (
        "pandas", "nncourse.algorithms.data", "nncourse.r.bridge")
    keys.new(tmp_path / "key.toml")
    margin = ("def margin(params, x):\n    import sys\n    assert ('pandas' in sys.modules) == {}, 'pandas in this process: ' + str('pandas' in sys.modules)\n"
              "    return x @ params[:-1] + params[-1]\n\ntutorial.check_exercise_8(margin)\n")
    for imports, preloaded in (("from nncourse import tutorial\n", False), ("import pandas as pd\nfrom nncourse import tutorial\n", True)):
        script = tmp_path / f"pandas_{preloaded}.py"
        script.write_text(imports + margin.format(preloaded))
        graded = grade.grade_one(grade.read_submissions([script])[0], keys.load(tmp_path / "key.toml"), budget=30, sandbox="bwrap")
        assert graded.verdicts["exercise_8"].passed, graded.verdicts["exercise_8"]


@pytest.mark.r
def test_an_answer_that_starts_r_gets_what_the_grader_found_of_r(r, tmp_path):
    """R's home and library path, asked of R once by the grader, reach the process of each
    answer that starts R (rpy2 would ask R again at every start there), and only that one."""
    from nncourse.r.installed import R_LD_ENV

    keys.new(tmp_path / "key.toml")
    script = tmp_path / "given.py"
    script.write_text("from nncourse import rbridge, tutorial\n" + R_CELL.replace("    r = rbridge.session()\n", f"    import os\n    assert {R_LD_ENV!r} in os.environ\n    r = rbridge.session()\n")
                      + f"\n\ndef margin(params, x):\n    import os\n    assert {R_LD_ENV!r} not in os.environ\n    return x @ params[:-1] + params[-1]\n\n"
                      "tutorial.check_exercise_8(margin)\n")
    graded = grade.grade_one(grade.read_submissions([script])[0], keys.load(tmp_path / "key.toml"), budget=60, sandbox="bwrap")
    assert graded.verdicts["exercise_2_r"].passed and graded.verdicts["exercise_8"].passed, graded.verdicts
