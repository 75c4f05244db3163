"""The tutorial's checks: the solutions pass, typical mistakes get their own hint, and
nothing a student writes crashes a check. The checks run as a student's kernel runs them:
the student's function in a sandboxed process, the check in a checker process."""

import json
import math
import re
import subprocess
import sys
import time

import numpy as np
import pytest

from nncourse.algorithms import perceptron
from nncourse.deck import execute, render
from nncourse.course import tutorial
from nncourse.algorithms.activations import relu, sigmoid, step
from nncourse.course import key as keys
from nncourse.paths import ROOT

SOLUTIONS = ROOT / "lecturer" / "week10" / "solutions.qmd"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("key") / "key.toml"
    keys.new(path)
    return path


def exits(params, x):
    import os

    os._exit(3)


@pytest.fixture(scope="module")
def short_budget():
    """A budget for the endless loops: three times what a quick check takes here in a fresh
    sandbox, as the check after a hang does (measured: the checker process started first,
    its sandbox then ended by an answer that exits), and a second more."""
    margin = lambda p, x: x @ p[:-1] + p[-1]  # noqa: E731
    assert tutorial.check_exercise_8(margin).passed
    assert "ended its process" in tutorial.check_exercise_8(exits).message
    began = time.monotonic()
    assert tutorial.check_exercise_8(margin).passed
    return 3 * (time.monotonic() - began) + 1.0


def hint(verdict):
    assert not verdict.passed, verdict
    return verdict.message


# ---------------------------------------------------------------- the solutions


@pytest.mark.r
def test_every_solution_passes_its_check(r, key_file, monkeypatch):
    monkeypatch.setenv("NNCOURSE_KEY", str(key_file))  # the lecturer's view: hidden cases, the quiz marked
    _, cells = execute.execute(SOLUTIONS)
    shown = "\n".join(o["data"]["text/plain"] for c in cells if c.kind == "code" for o in c.outputs if o["output_type"] == "display_data" and "text/plain" in o["data"])
    verdicts = re.findall(r"^Exercise (\S+(?: \([^)]*\))?): (PASSED|NOT YET)", shown, flags=re.M)
    assert len(verdicts) == 12  # every check call of the tutorial
    assert all(status == "PASSED" for _, status in verdicts), verdicts


def test_solutions_answer_every_stub_of_the_tutorial():
    tutorial_text = tutorial.TUTORIAL.read_text()
    solutions_text = SOLUTIONS.read_text()
    assert tutorial_text.count("raise NotImplementedError") == 10
    assert "NotImplementedError" not in solutions_text
    assert tutorial_text.count("tutorial.check_") == solutions_text.count("tutorial.check_") == 12


# ---------------------------------------------------------------- what no student code may do


BAD_BEHAVIOUR = [
    (lambda *a: 1 / 0, "your function raised ZeroDivisionError: division by zero"),
    (lambda *a: None, "your function returned None: did you forget `return`?"),
    (lambda *a: "0.5", "expected numbers, got str"),
]


def endless(*args):
    while True:
        pass


def endless_wait(*args):
    import time

    while True:
        time.sleep(1)


def nan_answer(*args):
    return np.full(3, np.nan)


ALL_CHECKS = [
    (tutorial.check_exercise_1, 1), (tutorial.check_exercise_2, 1), (tutorial.check_exercise_3, 2), (tutorial.check_exercise_4, 1),
    (tutorial.check_exercise_5, 1), (tutorial.check_exercise_6, 1), (tutorial.check_exercise_7, 1), (tutorial.check_exercise_8, 1),
]


@pytest.mark.parametrize("check, args", ALL_CHECKS)
def test_raising_none_and_strings_give_clear_messages(check, args):
    for student, message in BAD_BEHAVIOUR:
        assert message in hint(check(*[student] * args))


@pytest.mark.parametrize("check, args", ALL_CHECKS)
def test_endless_loops_are_stopped_and_named(check, args, short_budget, monkeypatch):
    """The budget is wall-clock time: a loop that waits is stopped as one that spins (one
    check spins its budget out; test_check_sandbox's hostile answers spin in every way)."""
    monkeypatch.setattr(tutorial, "BUDGET", short_budget)
    start = time.perf_counter()
    verdict = check(*[endless if check is tutorial.check_exercise_8 else endless_wait] * args)
    assert re.search(r"the check's time budget ran out \([\d.]+ s used\): is there a loop that never ends\?", hint(verdict))
    assert verdict.seconds <= short_budget + 1 and time.perf_counter() - start < short_budget + 30


NAN_ANSWERS = [
    (tutorial.check_exercise_1, [lambda X, y: np.full(X.shape[1] + 1, np.nan)]),
    (tutorial.check_exercise_3, [lambda z: np.full(np.shape(z), np.nan), lambda z: np.zeros(np.shape(z))]),
    (tutorial.check_exercise_4, [lambda X, y, lr, epochs: np.full(X.shape[1], np.inf)]),
    (tutorial.check_exercise_7, [lambda X, y, lr, epochs: np.full(X.shape[1] + 1, np.nan)]),
    (tutorial.check_exercise_8, [lambda params, x: float("nan")]),
    (tutorial.check_exercise_2, [lambda params, X, y: float("nan")]),
    (tutorial.check_exercise_5, [lambda rng, n, k: np.full(k, np.nan)]),
    (tutorial.check_exercise_6, [lambda w, X, y, lr: (w[0] * np.nan, w[1], w[2], w[3])]),
]


@pytest.mark.parametrize("check, answers", NAN_ANSWERS)
def test_nan_answers_are_named(check, answers):
    assert "NaN or infinite" in hint(check(*answers))


def test_stubs_and_non_functions_are_named():
    def stub(X, y):
        raise NotImplementedError("your code here")

    assert "still the stub" in hint(tutorial.check_exercise_1(stub))
    assert "expected a function, got ndarray: pass the function itself, without ()" in hint(tutorial.check_exercise_1(np.zeros(3)))


# ---------------------------------------------------------------- typical mistakes, one hint each


def test_exercise_1_mistakes():
    def train_ok(X, y):
        return perceptron.train_perceptron(X, y, rng=0)

    assert tutorial.check_exercise_1(train_ok).passed
    assert "forgot the bias?" in hint(tutorial.check_exercise_1(lambda X, y: train_ok(X, y)[:-1]))
    assert "the bias is still 0" in hint(tutorial.check_exercise_1(lambda X, y: np.append(train_ok(X, y)[:-1], 0.0)))
    assert "the bias is still 0" in hint(tutorial.check_exercise_1(lambda X, y: np.append(np.ones(X.shape[1]), 0.0)))
    assert "a sign error?" in hint(tutorial.check_exercise_1(lambda X, y: -train_ok(X, y) - np.r_[np.zeros(X.shape[1]), 1e-9]))
    assert "is the number of inputs hard-coded to 2?" in hint(tutorial.check_exercise_1(lambda X, y: train_ok(np.column_stack([X, X])[:, :2], y)))
    # hard-coding the lecture's kind of answer for OR does not pass the check's own cases
    assert not tutorial.check_exercise_1(lambda X, y: np.array([1.0, 1.0, -0.5])).passed


def textbook_perceptron(X, y):
    """The perceptron of the textbooks: one point at a time, lr 1, predicting with z > 0."""
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(100):
        for xi, yi in zip(X, y):
            error = yi - float(xi @ w + b > 0)
            w, b = w + error * xi, b + error
    return np.append(w, b)


def test_the_textbook_perceptron_passes():
    verdict = tutorial.check_exercise_1(textbook_perceptron)
    assert verdict.passed, verdict.message


def test_quiz_without_a_key_is_recorded_not_marked():
    for answer in ("a", "b"):
        verdict = tutorial.check_answer("1", answer)
        assert verdict.passed is None and verdict.mark == "RECORDED" and "the lecturer's key marks it" in verdict.message
    assert "answer: expected one of ['a', 'b', 'c'], got 'd'" in hint(tutorial.check_answer("8", "d"))
    assert "question: expected one of ['1', '8'], got '3'" in hint(tutorial.check_answer("3", "a"))


def test_the_package_holds_no_quiz_answers_nor_solutions():
    import importlib.util

    assert not hasattr(tutorial, "QUIZ")  # tutorial.check_answer("1", tutorial.QUIZ["1"][0]) cannot be written
    package = ROOT / "pysrc" / "nncourse"
    shipped = "\n".join(p.read_text(errors="replace") for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".qmd", ".toml", ".json"))
    assert "every line leaves a point on the wrong side" not in shipped and "the printed values put it exactly on the boundary" not in shipped
    assert not (ROOT / "course" / "week10" / "solutions.qmd").exists() and importlib.util.find_spec("nncourse.solutions") is None


def test_quiz_with_the_key(key_file):
    tutorial.use_key(key_file)
    try:
        assert tutorial.check_answer("1", "b").passed and tutorial.check_answer("8", " B ").passed
        assert "not 'it learns XOR like AND'" in hint(tutorial.check_answer("1", "a"))
        verdict = tutorial.check_exercise_8(lambda p, x: x @ p[:-1] + p[-1])
        assert verdict.passed and verdict.cases == "hidden" and "public cases" not in verdict.message
    finally:
        tutorial.use_key(None)


def correct_count(params, X, y):
    return int(np.sum(step(X @ params[:-1] + params[-1]) != y))


def test_exercise_2_mistakes():
    assert tutorial.check_exercise_2(correct_count).passed
    assert "that is the share of points" in hint(tutorial.check_exercise_2(lambda p, X, y: np.mean(step(X @ p[:-1] + p[-1]) != y)))
    assert "counts the points it gets right" in hint(tutorial.check_exercise_2(lambda p, X, y: np.sum(step(X @ p[:-1] + p[-1]) == y)))
    assert "that ignores the bias" in hint(tutorial.check_exercise_2(lambda p, X, y: np.sum(step(X @ p[:-1]) != y)))
    assert "expected one number (a count)" in hint(tutorial.check_exercise_2(lambda p, X, y: step(X @ p[:-1] + p[-1]) != y))


@pytest.mark.r
def test_exercise_2_r_mistakes(r):
    def lm_predictions(frame, code="p <- unname(fitted(lm(Y ~ X1 + X2, data = d)))"):
        from nncourse.r import bridge as rbridge

        r = rbridge.session()  # as a student writes it: the check runs it in a process of its own
        env = r.new_env()
        r.assign("d", frame, env)
        r.evaluate(code, env)
        return r.get("p", env)

    assert tutorial.check_exercise_2_r(lm_predictions).passed
    assert "those are the data's Y" in hint(tutorial.check_exercise_2_r(lambda f: f["Y"].to_numpy()))
    assert "expected lm's fitted values" in hint(tutorial.check_exercise_2_r(lambda f: lm_predictions(f, "p <- unname(fitted(lm(Y ~ X1, data = d)))")))
    assert "expected shape (4,)" in hint(tutorial.check_exercise_2_r(lambda f: lm_predictions(f, "p <- coef(lm(Y ~ X1 + X2, data = d))")))


def test_exercise_3_mistakes():
    good_relu = lambda z: (np.asarray(z) >= 0).astype(float)  # noqa: E731
    good_sigmoid = lambda z: sigmoid(z) * (1 - sigmoid(z))  # noqa: E731
    assert tutorial.check_exercise_3(good_sigmoid, good_relu).passed
    assert "that is sigmoid itself" in hint(tutorial.check_exercise_3(sigmoid, good_relu))
    assert "sign error" in hint(tutorial.check_exercise_3(lambda z: sigmoid(z) * (1 + sigmoid(z)), good_relu))
    assert "apply it to sigmoid(z), not to z" in hint(tutorial.check_exercise_3(lambda z: z * (1 - z), good_relu))
    assert "that is relu itself" in hint(tutorial.check_exercise_3(good_sigmoid, relu))
    assert "use z >= 0" in hint(tutorial.check_exercise_3(good_sigmoid, lambda z: (np.asarray(z) > 0).astype(float)))

    def scalar_only(z):
        return 1.0 if z >= 0 else 0.0

    assert "truth value of an array" in hint(tutorial.check_exercise_3(good_sigmoid, scalar_only))


def gd(X, y, lr, epochs, *, sign=-1, factor=2, mean=True):
    betas = np.zeros(X.shape[1])
    for _ in range(epochs):
        gradient = -factor * X.T @ (y - X @ betas) / (len(y) if mean else 1)
        betas = betas + sign * lr * gradient
    return betas


def test_exercise_4_mistakes():
    assert tutorial.check_exercise_4(gd).passed
    assert tutorial.check_exercise_4(lambda X, y, lr, e: gd(X, y, lr, e).reshape(3, 1)).passed  # a column vector is a vector
    assert "the factor 2" in hint(tutorial.check_exercise_4(lambda X, y, lr, e: gd(X, y, lr, e, factor=1)))
    assert "not divided by N" in hint(tutorial.check_exercise_4(lambda X, y, lr, e: np.nan_to_num(gd(X, y, lr, e, mean=False))))
    assert "sign error" in hint(tutorial.check_exercise_4(lambda X, y, lr, e: np.nan_to_num(gd(X, y, lr, e, sign=1))))
    assert "you returned the OLS solution" in hint(tutorial.check_exercise_4(lambda X, y, lr, e: np.linalg.lstsq(X, y, rcond=None)[0]))


def test_exercise_4_rates():
    assert tutorial.check_exercise_4_rates({"too small": 1e-4, "about right": 0.05, "divergent": 1.5}).passed
    assert "not too small" in hint(tutorial.check_exercise_4_rates({"too small": 0.05, "about right": 0.05, "divergent": 1.5}))
    assert "not there yet" in hint(tutorial.check_exercise_4_rates({"too small": 1e-4, "about right": 1e-3, "divergent": 1.5}))
    assert "does not diverge" in hint(tutorial.check_exercise_4_rates({"too small": 1e-4, "about right": 0.05, "divergent": 0.1}))
    assert "expected a dict with keys" in hint(tutorial.check_exercise_4_rates([0.1]))
    message = hint(tutorial.check_exercise_4_rates({"too small": 3, "about right": 0.05, "divergent": 1.5}))
    assert message == "lr = 3 diverges in 1000 epochs: that is not 'too small'. Try smaller." and "nan" not in message


def test_exercise_5_mistakes():
    assert tutorial.check_exercise_5(lambda rng, n, k: rng.choice(n, size=k, replace=False)).passed
    assert "some rows come twice" in hint(tutorial.check_exercise_5(lambda rng, n, k: rng.integers(0, n, size=k)))
    assert "A draw that costs O(N)" in hint(tutorial.check_exercise_5(lambda rng, n, k: rng.permutation(n)[:k]))
    assert "draw from the rng you are given" in hint(tutorial.check_exercise_5(lambda rng, n, k: np.random.choice(n, size=k, replace=False)))
    assert "equally likely" in hint(tutorial.check_exercise_5(lambda rng, n, k: np.arange(k) if n < 100 else rng.choice(n, size=k, replace=False)))
    assert "whole row numbers" in hint(tutorial.check_exercise_5(lambda rng, n, k: rng.choice(n, size=k, replace=False) + 1.0 * (n == 10)))


def mlp_step(weights, X, y, lr, *, output=True, strict=False):
    W1, b1, w2, b2 = weights
    z1 = X @ W1 + b1
    h = relu(z1)
    p = sigmoid(h @ w2 + b2)
    r = (y - p) * p * (1 - p)
    delta = np.outer(r, w2) * ((z1 > 0) if strict else (z1 >= 0))
    W1 = W1 + lr * 2 * X.T @ delta / len(y)
    b1 = b1 + lr * 2 * delta.sum(axis=0) / len(y)
    if output:
        w2, b2 = w2 + lr * 2 * h.T @ r / len(y), b2 + lr * 2 * r.sum() / len(y)
    return W1, b1, w2, b2


def test_exercise_6_mistakes():
    assert tutorial.check_exercise_6(mlp_step).passed
    assert "that is the slide's cut-off listing" in hint(tutorial.check_exercise_6(lambda *a: mlp_step(*a, output=False)))
    assert "(z1 >= 0)" in hint(tutorial.check_exercise_6(lambda *a: mlp_step(*a, strict=True)))
    assert "compare your gradients with the slide's line by line" in hint(tutorial.check_exercise_6(lambda w, X, y, lr: mlp_step(w, X, y, -lr)))
    assert "expected the four weights" in hint(tutorial.check_exercise_6(lambda w, X, y, lr: mlp_step(w, X, y, lr)[:3]))


def test_exercise_6_trains_as_if_called_step_by_step():
    """The 1000 steps run in the student's process in one round trip, each fed the weights the
    check read from the step before: by name (weights.W1) and updated in place (the slide's -=)
    as when each step was its own call, and a step that goes wrong midway is told as such."""
    from nncourse.algorithms import mlp

    assert tutorial.check_exercise_6(lambda w, X, y, lr: mlp_step((w.W1, w.b1, w.w2, w.b2), X, y, lr)).passed
    assert tutorial.check_exercise_6(mlp.sgd_step).passed
    steps = []

    def tires(weights, X, y, lr):
        steps.append(1)
        W1, b1, w2, b2 = mlp_step(weights, X, y, lr)
        return (W1[:1] if len(steps) == 500 else W1), b1, w2, b2

    assert hint(tutorial.check_exercise_6(tires)) == "W1: expected shape (2, 2), got (1, 2)"
    steps.clear()

    def raises(weights, X, y, lr):
        steps.append(1)
        if len(steps) == 700:
            raise ArithmeticError("step 700")
        return mlp_step(weights, X, y, lr)

    assert hint(tutorial.check_exercise_6(raises)).startswith("your function raised ArithmeticError: step 700 (line ")


def logistic(X, y, lr, epochs, *, intercept=True, loss="log", sign=-1):
    Xb = np.column_stack([np.ones(len(y)), X]) if intercept else X
    b = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        p = sigmoid(Xb @ b)
        gradient = Xb.T @ (p - y) / len(y) if loss == "log" else -2 * Xb.T @ ((y - p) * p * (1 - p)) / len(y)
        b = b + sign * lr * gradient
    return b


def test_exercise_7_mistakes():
    assert tutorial.check_exercise_7(logistic).passed
    assert "the intercept is missing" in hint(tutorial.check_exercise_7(lambda *a: logistic(*a, intercept=False)))
    assert "squared error of sigmoid" in hint(tutorial.check_exercise_7(lambda *a: logistic(*a, loss="squared")))
    with np.errstate(over="ignore"):
        assert "sign error" in hint(tutorial.check_exercise_7(lambda X, y, lr, e: -logistic(X, y, lr, e)))
        # the sign error as students make it: gradient ascent, b + lr * gradient
        assert "sign error: the gradient of the log-loss" in hint(tutorial.check_exercise_7(lambda *a: logistic(*a, sign=+1)))
        assert "NaN or infinite" in hint(tutorial.check_exercise_7(lambda *a: logistic(*a, sign=+1) * np.inf))


def test_exercise_8_mistakes():
    assert tutorial.check_exercise_8(lambda p, x: x @ p[:-1] + p[-1]).passed
    assert "leaves out the bias" in hint(tutorial.check_exercise_8(lambda p, x: x @ p[:-1]))
    assert "return the margin itself" in hint(tutorial.check_exercise_8(lambda p, x: step(x @ p[:-1] + p[-1])))
    assert "the bias is subtracted" in hint(tutorial.check_exercise_8(lambda p, x: x @ p[:-1] - p[-1]))


# ---------------------------------------------------------------- starting and rendering


def test_nncourse_tutorial_copies_and_never_overwrites(tmp_path):
    folder = tmp_path / "mine"
    command = [sys.executable, "-m", "nncourse.cli", "tutorial", str(folder)]
    first = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert "written" in first and (folder / "tutorial.qmd").read_text() == tutorial.TUTORIAL.read_text()
    notebook = json.loads((folder / "tutorial.ipynb").read_text())
    assert sum("".join(c["source"]).count("tutorial.check_") for c in notebook["cells"]) == 12
    (folder / "tutorial.qmd").write_text("my work")
    second = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert [line.split()[0] for line in second.splitlines()[:2]] == ["kept", "kept"] and "your work is kept" in second
    assert (folder / "tutorial.qmd").read_text() == "my work"


@pytest.mark.r
def test_tutorial_renders_with_the_built_in_path(r, tmp_path):
    done = render.render("html", tmp_path, use_quarto=False, document=tutorial.TUTORIAL)
    page = done.path.read_text()
    assert done.engine == "built-in"
    assert page.count("Exercise 1: NOT YET</span> the function is still the stub") == 1  # styled: a badge
    assert all(f"Exercise {n}:" in page for n in range(1, 9))
    assert re.search(r'<img[^>]* src="data:image/png;base64,', page)  # the XOR plane, embedded


def test_tutorial_renders_with_quarto_where_installed(quarto, tmp_path):
    assert render.render("html", tmp_path, use_quarto=True, document=tutorial.TUTORIAL).path.exists()


def test_a_block_or_a_stride_is_not_a_random_batch():
    block = lambda rng, n, k: (rng.integers(0, n) + np.arange(k)) % n  # noqa: E731
    stride = lambda rng, n, k: (rng.integers(0, n) + np.arange(k) * 3) % n  # noqa: E731
    for answer in (block, stride):
        verdict = tutorial.check_exercise_5(answer)
        assert not verdict.passed and "draw a random subset, not a block or a stride" in verdict.message, verdict.message


def test_glms_answer_is_not_gradient_descent():
    from nncourse.algorithms.logistic import fit_logistic

    verdict = tutorial.check_exercise_7(lambda X, y, lr, epochs: fit_logistic(X, y).coef)
    assert not verdict.passed and "that is a finished fit, not gradient descent" in verdict.message
    def from_ones(X, y, lr, epochs):
        Xb = np.column_stack([np.ones(len(y)), X])
        b = np.ones(3)
        for _ in range(epochs):
            b = b - lr * Xb.T @ (1 / (1 + np.exp(-(Xb @ b))) - y) / len(y)
        return b

    verdict = tutorial.check_exercise_7(from_ones)
    assert not verdict.passed and "start from zeros and take exactly `epochs` steps" in verdict.message



@pytest.mark.r
def test_exercise_2_r_accepts_plain_rpy2_in_a_conversion_context(r):
    def lm_predictions(frame):
        import numpy as np
        import rpy2.robjects as ro
        from rpy2.robjects import default_converter, pandas2ri
        from rpy2.robjects.conversion import localconverter

        with localconverter(default_converter + pandas2ri.converter):
            ro.globalenv["d"] = frame
            return np.asarray(ro.r("unname(fitted(lm(Y ~ X1 + X2, data = d)))"))

    assert tutorial.check_exercise_2_r(lm_predictions).passed


def test_the_quiz_takes_an_answer_as_people_write_it(key_file):
    tutorial.use_key(key_file)
    try:
        for written in ("b", "(b)", "b)", " B. "):
            assert tutorial.check_answer("1", written).passed, written
        assert tutorial.check_answer("1", "(a)").passed is False
    finally:
        tutorial.use_key(None)


def test_exercise_8_takes_a_number_in_an_array_and_exercise_4_a_float32():
    assert tutorial.check_exercise_8(lambda params, x: np.array([x @ params[:-1] + params[-1]])).passed
    assert tutorial.check_exercise_4_rates({"too small": np.float32(1e-4), "about right": 0.05, "divergent": 1.5}).passed


def test_an_error_deep_inside_is_not_called_the_stub():
    def draw_batch(rng, n, k):
        def helper():
            raise NotImplementedError("a library's missing feature")

        return helper()

    verdict = tutorial.check_exercise_5(draw_batch)
    assert "still the stub" not in verdict.message and "NotImplementedError: a library's missing feature" in verdict.message


@pytest.mark.r
def test_the_tutorial_notebook_renders(r, tmp_path, capsys):
    from nncourse.cli import main

    tutorial.start(tmp_path / "work")
    assert main(["render", str(tmp_path / "work" / "tutorial.ipynb"), "--built-in", "--output", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "tutorial.html").read_text()
    assert page.count("NOT YET</span>") == 12 and "Jupyter kernel + Pandoc; Quarto not found" in capsys.readouterr().err


def test_an_error_quotes_the_students_own_line():
    def draw_batch(rng, n, k):
        rows = list(range(n))
        return rows[k * 10**9]

    verdict = tutorial.check_exercise_5(draw_batch)
    assert "your function raised IndexError: list index out of range" in verdict.message
    assert "return rows[k * 10**9])" in verdict.message
