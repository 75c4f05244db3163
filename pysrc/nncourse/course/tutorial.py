"""The checks a student calls from the tutorial "Working with Neural Networks".

Each ``check_exercise_N`` runs the student's function on cases of its own (not only the
lecture's four points, so hard-coding the lecture's answer does not pass), prints a
short verdict and returns it. The check runs in a process of its own and the student's
code in another (:mod:`nncourse.course.checking`): a check never hangs or kills the notebook,
and nothing done in the notebook (monkeypatching numpy, editing these tables) changes a
verdict. An exception in the student's code, a wrong return type, NaN, an exit, or a
function that runs past the check's budget each give a clear message; a wrong answer
that matches a typical mistake gets the hint for that mistake.
"""

from __future__ import annotations

import functools
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..algorithms import data, linear, mlp
from .. import paths
from ..algorithms.activations import relu, relu_derivative, sigmoid, sigmoid_derivative, step
from ..algorithms.logistic import fit_logistic

BUDGET = 60.0  # seconds one check may take in all, the student's calls included (1 to 600)
EXERCISE_OF: dict[str, str] = {}  # check function -> the exercise its verdict names
TUTORIAL = paths.WEEK10.tutorial  # the package's own; start() copies the project's


def start(folder) -> list[tuple[str, str]]:
    """Copy the project's tutorial (:func:`nncourse.paths.project`) into ``folder`` as
    ``tutorial.qmd`` and ``tutorial.ipynb`` (for Jupyter, without Quarto). A file already there is never overwritten: the
    student's work is kept. Returns (file, "written" or "kept") pairs."""
    import nbformat

    from ..deck.document import to_notebook

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"folder: expected a folder to put the tutorial in, got the file {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    tutorial = paths.project().tutorial
    done = []
    for name, write in (
        ("tutorial.qmd", lambda path: path.write_text(tutorial.read_text())),
        ("tutorial.ipynb", lambda path: nbformat.write(to_notebook(tutorial), str(path))),
    ):
        path = folder / name
        if path.exists() or path.is_symlink():  # a link, even a dangling one, is never written through
            done.append((str(path), "kept"))
        else:
            write(path)
            done.append((str(path), "written"))
    return done


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: passed or not, and what to do about it."""

    exercise: str
    passed: bool
    message: str
    seconds: float = 0.0  # how long the check took, in its own process

    def __str__(self) -> str:
        mark = "PASSED" if self.passed else "NOT YET"
        return f"Exercise {self.exercise}: {mark}. {self.message}"

    def _ipython_display_(self) -> None:
        """Shown once: the check has shown the verdict already, so a notebook cell
        ending in a check call does not show it a second time."""

    def html(self) -> str:
        """The verdict for a notebook or a rendered page: PASSED green, NOT YET amber, wrapped."""
        import html as markup

        colour, mark = ("#d8f0e3;color:#0b5d33", "PASSED") if self.passed else ("#fde9c8;color:#7a4a00", "NOT YET")
        return (f'<div style="white-space:normal;overflow-wrap:anywhere;margin:0.3em 0;line-height:1.4">'
                f'<span style="background:{colour};border-radius:0.8em;padding:0.1em 0.6em;font-weight:600">'
                f"Exercise {markup.escape(self.exercise)}: {mark}</span> {markup.escape(self.message)}</div>")


def show(verdict: Verdict) -> None:
    """Print the verdict, or display it styled where a notebook shows HTML (text alongside)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None and type(get_ipython()).__name__ != "TerminalInteractiveShell":
        display({"text/plain": str(verdict), "text/html": verdict.html()}, raw=True)
    else:
        print(verdict)


class _Problem(Exception):
    """A student's answer is not right; the message says why and what to try."""


def _call(function: Callable, *args, **kwargs):
    """Run the student's function (in its own process, see :mod:`nncourse.course.checking`); turn
    every failure into a :class:`_Problem` with a readable message."""
    from .checking import StudentProcessError, StudentRaised

    if not callable(function):
        raise _Problem(f"expected a function, got {type(function).__name__}: pass the function itself, without ()")
    try:
        return function(*args, **kwargs)
    except StudentRaised as exc:
        if exc.stub:
            raise _Problem("the function is still the stub: write its body, then run the cell again.") from None
        if exc.kind == "SystemExit":
            raise _Problem("your function called sys.exit(): return a value instead.") from None
        if exc.kind == "MemoryError":
            raise _Problem("your function ran out of memory: does it build something as large as N?") from None
        raise _Problem(f"your function raised {exc.kind}: {exc} ({exc.line})") from None
    except StudentProcessError as exc:
        raise _Problem(str(exc)) from None


def _isolated(exercise: str):
    """Make a check run in the checker process: the public function sends its arguments
    there; ``.checked`` is the check itself, which the checker calls."""

    def wrap(check):
        @functools.wraps(check)
        def public(*args):
            return _checked_elsewhere(check.__name__, args)

        public.checked = check
        EXERCISE_OF[check.__name__] = exercise
        return public

    return wrap


_CHECKER = None


def new_checker(name: str = "the tutorial's checker"):
    """A checker process (:mod:`nncourse.course.checking`), started on its first request."""
    from ..workers import Worker

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}  # it forks: no thread pools
    return Worker([sys.executable, "-m", "nncourse.course.checking"], name=name, env=env)


def _checker():
    """The checker process of this kernel (started once; restarted if it died)."""
    global _CHECKER
    if _CHECKER is None:
        _CHECKER = new_checker()
    return _CHECKER


def _pickled_by_value(args: tuple) -> bytes:
    """The student's arguments as bytes the student process can open: functions by value,
    also those defined in a file of the student's (not only in the notebook)."""
    import cloudpickle

    installed = (os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix))
    by_value = []
    for value in args:
        module = sys.modules.get(getattr(value, "__module__", None) or "")
        file = getattr(module, "__file__", None)
        if module is None or not file or module.__name__ == "__main__":  # __main__ goes by value anyway
            continue
        if module not in by_value and not os.path.realpath(file).startswith(installed) and not module.__name__.startswith("nncourse"):
            cloudpickle.register_pickle_by_value(module)
            by_value.append(module)
    try:
        return cloudpickle.dumps(tuple(args))
    finally:
        for module in by_value:
            cloudpickle.unregister_pickle_by_value(module)


def _sources(args: tuple) -> list[list[str]]:
    """The source lines of each argument's file (a notebook keeps its cells in linecache),
    so that an error in the student's process can quote the student's own line (cloudpickle
    rebuilds a function under the file name "<dynamic-code>")."""
    import linecache

    return [linecache.getlines(a.__code__.co_filename) if hasattr(a, "__code__") else [] for a in args]


def ask_checker(worker, check: str, payload: bytes, budget: float) -> Verdict:
    """Run ``check`` in a checker process (``worker``, see :func:`new_checker`) on the
    student's objects in ``payload`` (see :mod:`nncourse.course.checking`): its verdict, or one
    saying that the checker stopped or failed."""
    from ..workers import WorkerError

    exercise = EXERCISE_OF[check]
    try:
        result = pickle.loads(worker.request(pickle.dumps({"check": check, "payload": payload, "budget": budget}), budget + 60))
    except WorkerError as exc:
        return Verdict(exercise, False, f"the checker stopped ({exc}); run the check again")
    if "error" in result:
        return Verdict(exercise, False, f"the check itself failed ({result['error']}); please tell your lecturer")
    return Verdict(result["exercise"], result["passed"], result["message"], result["seconds"])


def _checked_elsewhere(check: str, args: tuple) -> Verdict:
    budget = min(max(float(BUDGET), 1.0), 600.0)
    try:
        payload = pickle.dumps(("objects", _pickled_by_value(args), _sources(args)))
    except Exception as exc:  # noqa: BLE001 -- whatever stops the answer from travelling is said
        verdict = Verdict(EXERCISE_OF[check], False, f"your answer could not be sent to the checker ({type(exc).__name__}: {exc}): pass a function or plain values")
    else:
        verdict = ask_checker(_checker(), check, payload, budget)
    show(verdict)
    return verdict


def _array(value, what: str, shape: tuple | None = None) -> np.ndarray:
    """The student's return value as a finite float array of ``shape``."""
    if value is None:
        raise _Problem(f"{what}: your function returned None: did you forget `return`?")
    if isinstance(value, (str, bytes)):
        raise _Problem(f"{what}: expected numbers, got {type(value).__name__} {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise _Problem(f"{what}: expected numbers, got {type(value).__name__}") from None
    if shape is not None and arr.shape != shape:
        raise _Problem(f"{what}: expected shape {shape}, got {arr.shape}")
    if not np.isfinite(arr).all():
        raise _Problem(f"{what}: the result contains NaN or infinite values: {np.round(arr, 4).tolist()}")
    return arr


def _diagnose(got: np.ndarray, expected: np.ndarray, variants: dict[str, np.ndarray], fallback: str, rtol=1e-6, atol=1e-9) -> None:
    """Raise the hint of the typical mistake ``got`` matches, else ``fallback``."""
    if got.shape == expected.shape and np.allclose(got, expected, rtol=rtol, atol=atol):
        return
    for hint, value in variants.items():
        value = np.asarray(value, dtype=float)
        if value.shape == got.shape and np.all(np.isfinite(value)) and np.allclose(got, value, rtol=rtol, atol=atol):
            raise _Problem(hint)
    raise _Problem(fallback)


def _check(exercise: str, run: Callable[[], str]) -> Verdict:
    try:
        verdict = Verdict(exercise, True, run())
    except _Problem as problem:
        verdict = Verdict(exercise, False, str(problem))
    except Exception as exc:  # a check must never crash the notebook, whatever it is given
        verdict = Verdict(exercise, False, f"the check could not use what you gave it ({type(exc).__name__}: {exc}); read the exercise's instructions again.")
    print(verdict)
    return verdict


# ---------------------------------------------------------------- exercise 1: OR and NAND


GATES = {
    "OR": ([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 1]),
    "NAND": ([[0, 0], [0, 1], [1, 0], [1, 1]], [1, 1, 1, 0]),
    "X1 AND NOT X2": ([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 1, 0]),
    "a threshold in one variable": ([[0.0], [0.5], [1.0], [2.0], [2.5], [3.0]], [0, 0, 0, 1, 1, 1]),
    "3-input AND": ([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)], [0, 0, 0, 0, 0, 0, 0, 1]),
}


@_isolated("1")
def check_exercise_1(train: Callable) -> Verdict:
    """Exercise 1: ``train(X, y)`` returns perceptron params ``(w_1, ..., w_p, b)`` that
    separate OR, NAND and the check's own linearly separable cases."""

    def run():
        for name, (X, y) in GATES.items():
            X, y = np.array(X, dtype=float), np.array(y, dtype=float)
            p = X.shape[1]
            params = _array(_call(train, X.copy(), y.copy()), f"on {name}")
            if params.shape == (p,):
                raise _Problem(f"on {name}: got {p} values for {p} inputs: forgot the bias? Return (w_1, ..., w_{p}, b).")
            if params.shape != (p + 1,):
                raise _Problem(f"on {name}: expected {p + 1} values (a weight per input, then the bias), got shape {params.shape}"
                               + (": is the number of inputs hard-coded to 2?" if params.shape == (3,) else ""))
            predicted = step(X @ params[:-1] + params[-1])
            if np.array_equal(predicted, y):
                continue
            if params[-1] == 0:
                raise _Problem(f"on {name}: the bias is still 0: update params[-1] too, with -2 * sum(residuals) / batch_size.")
            if np.mean(predicted == 1 - y) >= 0.75:
                raise _Problem(f"on {name}: the predictions are mostly flipped: a sign error? Step against the gradient: params - lr * gradient.")
            raise _Problem(f"on {name}: step(X @ w + b) gives {predicted.astype(int).tolist()}, expected {y.astype(int).tolist()}.")
        return f"your perceptron separates all {len(GATES)} cases, OR and NAND among them."

    return _check("1", run)


QUIZ = {
    "1": ("b", "On XOR the perceptron never settles: every line leaves a point on the wrong side, so some minibatch always moves the weights."),
    "8": ("b", "The printed 0.14 and -0.14 are rounded: the trained floats were a hair apart (w1 + b < 0), so the run classified (1, 0) correctly, while the printed values put it exactly on the boundary, where step(0) = 1."),
}
QUIZ_CHOICES = {
    "1": {"a": "it learns XOR like AND", "b": "it never settles", "c": "it raises an error"},
    "8": {"a": "floating point cannot represent 0.14", "b": "the printed values are rounded", "c": "step() is random at 0"},
}


@_isolated("question")
def check_answer(question: str, answer: str) -> Verdict:
    """A multiple-choice question of the tutorial (``"1"``: XOR prediction, ``"8"``: rounding)."""

    def run():
        if question not in QUIZ:
            raise _Problem(f"question: expected one of {sorted(QUIZ)}, got {question!r}")
        choices = QUIZ_CHOICES[question]
        given = str(answer).strip().strip("().").strip().lower()  # "(b)", "b)" and "B." are b
        if given not in choices:
            raise _Problem(f"answer: expected one of {sorted(choices)}, got {answer!r}")
        right, why = QUIZ[question]
        if given != right:
            raise _Problem(f"not '{choices[given]}'. Think again, or run the code and look.")
        return why

    return _check(f"{question} (question)", run)


# ---------------------------------------------------------------- exercise 2: XOR is not separable


@_isolated("2")
def check_exercise_2(misclassified: Callable) -> Verdict:
    """Exercise 2: ``misclassified(params, X, y)`` counts the points a perceptron gets wrong."""
    rng = np.random.default_rng(2)

    def run():
        cases = [(np.array([0.14, 0.1, -0.14]), *data.features(data.and_data()))]
        for _ in range(5):
            X = rng.integers(0, 2, size=(9, 3)).astype(float)
            cases.append((rng.normal(size=4), X, rng.integers(0, 2, size=9).astype(float)))
        got, wrong, variants = [], [], {}
        for params, X, y in cases:
            value = _call(misclassified, params.copy(), X.copy(), y.copy())
            if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0:
                raise _Problem(f"expected one number (a count), got {type(value).__name__} of shape {np.shape(value)}")
            got.append(float(_array(value, "the count")))
            errors = step(X @ params[:-1] + params[-1]) != y
            wrong.append(float(errors.sum()))
            for hint, variant in (
                ("that is the share of points: count them instead (np.sum, not np.mean).", errors.mean()),
                ("that counts the points it gets right: count the ones it gets wrong.", len(y) - errors.sum()),
                ("that ignores the bias: use z = X @ params[:-1] + params[-1].", np.sum(step(X @ params[:-1]) != y)),
            ):
                variants.setdefault(hint, []).append(variant)
        _diagnose(np.array(got), np.array(wrong), variants, f"expected {[int(w) for w in wrong]} misclassified points on the check's cases, got {got}.")
        return "your count is right, also on cases of the check's own."

    return _check("2", run)


@_isolated("2 (R)")
def check_exercise_2_r(lm_predictions: Callable) -> Verdict:
    """Exercise 2 (R): ``lm_predictions(frame)`` fits ``lm(Y ~ X1 + X2)`` in R through rpy2
    and returns the fitted values as a NumPy array."""
    from ..r import bridge as rbridge

    def run():
        try:
            rbridge.session()
        except rbridge.RUnavailable as exc:
            raise _Problem(f"R is not available here, so this part cannot be checked: {exc}") from None
        rng = np.random.default_rng(22)
        frames = [data.xor_data(), data.and_data()]
        for _ in range(2):
            frame = data.and_data().iloc[[0, 1, 2, 3, 0, 3]].reset_index(drop=True)
            frame["X1"] = rng.normal(size=6)
            frame["Y"] = rng.normal(size=6)
            frames.append(frame)
        for frame in frames:
            value = _call(lm_predictions, frame.copy())
            got = _array(value, "the predictions", (len(frame),))
            X, y = data.features(frame)
            expected = np.column_stack([np.ones(len(y)), X]) @ linear.ols(X, y, intercept=True)
            variants = {"those are the data's Y, not lm's fitted values: use predict() or fitted().": y}
            _diagnose(got, expected, variants, f"expected lm's fitted values {np.round(expected, 4).tolist()}, got {np.round(got, 4).tolist()}.")
        return "R's lm predicts 0.5 at every XOR point: no plane through the four points does better."

    return _check("2 (R)", run)


# ---------------------------------------------------------------- exercise 3: derivatives


@_isolated("3")
def check_exercise_3(sigmoid_grad: Callable, relu_grad: Callable) -> Verdict:
    """Exercise 3: the derivatives of sigmoid and ReLU, on arrays of any shape."""
    z = np.array([[-6.0, -1.5, -0.2], [0.3, 1.1, 5.0]])

    def run():
        got = sigmoid_got = _array(_call(sigmoid_grad, z.copy()), "sigmoid'(z)", z.shape)
        s = sigmoid(z)
        _diagnose(got, sigmoid_derivative(z), {
            "that is sigmoid itself: the derivative is sigmoid(z) * (1 - sigmoid(z)).": s,
            "sign error: sigmoid(z) * (1 - sigmoid(z)), not (1 + sigmoid(z)).": s * (1 + s),
            "that is the derivative of -sigmoid: drop the minus.": -s * (1 - s),
            "that is z * (1 - z): apply it to sigmoid(z), not to z.": z * (1 - z),
        }, "sigmoid'(z) is off; compare it with (sigmoid(z + h) - sigmoid(z - h)) / (2 h).")
        at_zero = np.array([-2.0, 0.0, 3.0])
        got = _array(_call(relu_grad, z.copy()), "relu'(z)", z.shape)
        _diagnose(got, relu_derivative(z), {"that is relu itself: its derivative is 1 where z >= 0 and 0 elsewhere.": relu(z)},
                  "relu'(z) should be 1 for z > 0 and 0 for z < 0.")
        got = _array(_call(relu_grad, at_zero.copy()), "relu'(z)", at_zero.shape)
        _diagnose(got, relu_derivative(at_zero), {"at z = 0 the slides' backprop takes 1: use z >= 0, as in (z1 >= 0).": (at_zero > 0).astype(float)},
                  "relu'(z) at [-2, 0, 3] should be [0, 1, 1] (the slides' convention at 0).")
        h = 1e-6
        finite = (sigmoid(z + h) - sigmoid(z - h)) / (2 * h)
        return f"both derivatives are right; your sigmoid' is within {np.abs(sigmoid_got - finite).max():.1e} of the finite differences."

    return _check("3", run)


# ---------------------------------------------------------------- exercise 4: gradient descent


def _gd_variant(X, y, lr, epochs, *, sign=-1.0, factor=2.0, mean=True):
    betas = np.zeros(X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            gradient = -factor * X.T @ (y - X @ betas) / (len(y) if mean else 1)
            betas = betas + sign * lr * gradient
    return betas


@_isolated("4")
def check_exercise_4(gradient_descent: Callable) -> Verdict:
    """Exercise 4: ``gradient_descent(X, y, lr, epochs)`` from zeros, on the MSE."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([1.0, -0.5, 2.0]) + rng.normal(scale=0.3, size=200)

    def run():
        for lr, epochs in ((0.05, 20), (0.1, 300)):
            got = _array(_call(gradient_descent, X.copy(), y.copy(), lr, epochs), f"with lr={lr}, epochs={epochs}", (3,))
            variants = {
                "you returned the OLS solution: take `epochs` steps of gradient descent instead.": linear.ols(X, y),
                "the factor 2 from the derivative of the square is missing.": _gd_variant(X, y, lr, epochs, factor=1.0),
                "the gradient is not divided by N: it is N times too large.": _gd_variant(X, y, lr, epochs, mean=False),
                "sign error: step against the gradient, betas - lr * gradient.": _gd_variant(X, y, lr, epochs, sign=1.0),
            }
            _diagnose(got, _gd_variant(X, y, lr, epochs), variants, f"after {epochs} epochs at lr={lr} expected {np.round(_gd_variant(X, y, lr, epochs), 6).tolist()}, got {np.round(got, 6).tolist()}.", rtol=1e-8)
        return "your gradient descent takes the same steps as the slide's, on the check's own data."

    return _check("4", run)


@_isolated("4 (learning rates)")
def check_exercise_4_rates(rates: dict) -> Verdict:
    """Exercise 4 (sweep): learning rates that are ``"too small"``, ``"about right"`` and
    ``"divergent"`` for 1000 epochs on the lecture's regression data."""

    def run():
        keys = ("too small", "about right", "divergent")
        if not isinstance(rates, dict) or set(rates) != set(keys):
            raise _Problem(f"expected a dict with keys {list(keys)}, got {rates!r}")
        for key in keys:
            value = rates[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
                raise _Problem(f"rates[{key!r}]: expected a positive learning rate, got {value!r}")
        X, y = data.regression_data()
        ols = linear.ols(X, y)
        with np.errstate(over="ignore", invalid="ignore"):
            distance = {k: float(np.abs(_gd_variant(X, y, float(rates[k]), 1000) - ols).max()) for k in keys}
        if not distance["too small"] > 1e-2:
            raise _Problem(f"lr = {rates['too small']} gets within {distance['too small']:.1e} of OLS in 1000 epochs: not too small. Try smaller.")
        if not distance["about right"] < 1e-6:
            raise _Problem(f"lr = {rates['about right']} ends {distance['about right']:.1e} from OLS: not there yet (or diverging).")
        if np.isfinite(distance["divergent"]) and distance["divergent"] < 1e3:
            raise _Problem(f"lr = {rates['divergent']} does not diverge (ends {distance['divergent']:.1e} from OLS). Try larger.")
        return "too small creeps, about right lands on OLS, divergent blows up: " + ", ".join(f"{k}: {rates[k]}" for k in keys) + "."

    return _check("4 (learning rates)", run)


# ---------------------------------------------------------------- exercise 5: drawing a minibatch


@_isolated("5")
def check_exercise_5(draw_batch: Callable) -> Verdict:
    """Exercise 5: ``draw_batch(rng, n, batch_size)`` draws distinct rows in O(batch_size)."""

    def run():
        for n, k in ((10, 10), (100, 20), (10**6, 32)):
            got = _call(draw_batch, np.random.default_rng(0), n, k)
            idx = _array(got, f"for n={n}", (k,))
            if not np.array_equal(idx, np.round(idx)) or idx.min() < 0 or idx.max() >= n:
                raise _Problem(f"for n={n}: expected whole row numbers from 0 to {n - 1}, got values from {idx.min()} to {idx.max()}")
            if len(np.unique(idx)) != k:
                raise _Problem(f"for n={n}: some rows come twice: draw without replacement.")
        a = _array(_call(draw_batch, np.random.default_rng(5), 1000, 10), "a")
        b = _array(_call(draw_batch, np.random.default_rng(5), 1000, 10), "b")
        if not np.array_equal(a, b):
            raise _Problem("two generators with the same seed gave different batches: draw from the rng you are given.")
        counts = np.zeros(20)
        for seed in range(2000):  # a generator each: the student's copy of one would not advance here
            counts[_array(_call(draw_batch, np.random.default_rng(7000 + seed), 20, 5), "a batch").astype(int)] += 1
        if np.abs(counts - 500).max() > 5 * np.sqrt(500):
            raise _Problem(f"some rows are drawn far more often than others (counts {counts.astype(int).tolist()}): every row should be equally likely.")
        # every pair of rows as likely as every other: a block of neighbours or a stride is not a random subset
        pairs = np.zeros((6, 6))
        for seed in range(3000):
            a, b = np.sort(_array(_call(draw_batch, np.random.default_rng(90_000 + seed), 6, 2), "a batch of 2", (2,)).astype(int))
            pairs[a, b] += 1
        seen = pairs[np.triu_indices(6, 1)]
        if np.abs(seen - 200).max() > 5 * np.sqrt(200):
            raise _Problem(f"some pairs of rows never or rarely come together (pair counts {seen.astype(int).tolist()}, each expected near 200): draw a random subset, not a block or a stride.")
        try:
            huge = _array(_call(draw_batch, np.random.default_rng(1), 10**12, 20), "for n=10**12", (20,))
        except _Problem as problem:
            raise _Problem(f"with n = 10**12 rows: {problem} A draw that costs O(N) builds or shuffles all N rows; draw only the batch.") from None
        if len(np.unique(huge)) != 20:
            raise _Problem("with n = 10**12 rows some rows came twice: draw without replacement.")
        return "distinct, uniform, repeatable, and instant even for 10**12 rows: O(batch size)."

    return _check("5", run)


# ---------------------------------------------------------------- exercise 6: completing the MLP


def _weights(value) -> mlp.MLPWeights:
    if value is None or isinstance(value, (str, bytes)):
        _array(value, "the weights")  # the same messages as for any other answer
    try:
        W1, b1, w2, b2 = value
    except (TypeError, ValueError):
        raise _Problem(f"expected the four weights (W1, b1, w2, b2), got {type(value).__name__}") from None
    return mlp.MLPWeights(_array(W1, "W1", (2, 2)), _array(b1, "b1", (2,)), _array(w2, "w2", (2,)), float(_array(b2, "b2").reshape(-1)[0]))


def _copy(w: mlp.MLPWeights) -> mlp.MLPWeights:
    return mlp.MLPWeights(w.W1.copy(), w.b1.copy(), w.w2.copy(), float(w.b2))


@_isolated("6")
def check_exercise_6(train_step: Callable) -> Verdict:
    """Exercise 6: ``train_step(weights, X_batch, y_batch, lr)`` is one complete step of the
    slide's MLP loop, output layer included; returns the new ``(W1, b1, w2, b2)``."""
    rng = np.random.default_rng(6)

    def run():
        cases = []
        for _ in range(4):
            start = mlp.MLPWeights(rng.normal(size=(2, 2)), rng.normal(scale=0.3, size=2), rng.normal(size=2), float(rng.normal()))
            X = rng.integers(0, 2, size=(10, 2)).astype(float)
            cases.append((start, X, rng.integers(0, 2, size=10).astype(float)))
        # A hidden unit exactly at 0: where (z1 >= 0) and (z1 > 0) part ways.
        cases.append((mlp.MLPWeights(np.array([[1.0, 0.5], [-1.0, 0.5]]), np.array([0.0, -0.5]), np.array([1.0, -1.0]), 0.1),
                      np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]]), np.array([0.0, 1.0, 1.0])))
        for start, X, y in cases:
            got = _weights(_call(train_step, _copy(start), X.copy(), y.copy(), 0.1))
            expected = mlp.sgd_step(_copy(start), X, y, 0.1)
            cut = mlp.MLPWeights(expected.W1, expected.b1, start.w2, start.b2)
            flat = lambda w: np.concatenate([w.W1.ravel(), w.b1, w.w2, [w.b2]])  # noqa: E731
            W1, b1, w2, b2 = _copy(start)
            z1 = X @ W1 + b1
            s = sigmoid(relu(z1) @ w2 + b2)
            r = (y - s) * s * (1 - s)
            strict = mlp.MLPWeights(W1 + 0.1 * 2 * X.T @ (np.outer(r, w2) * (z1 > 0)) / len(y),
                                    b1 + 0.1 * 2 * np.sum(np.outer(r, w2) * (z1 > 0), axis=0) / len(y), expected.w2, expected.b2)
            _diagnose(flat(got), flat(expected), {
                "w2 and b2 did not change: that is the slide's cut-off listing. Add w2 -= lr * gradient_w2 and b2 -= lr * gradient_b2.": flat(cut),
                "the ReLU derivative at exactly 0: the slides use (z1 >= 0), which counts 0 as active.": flat(strict),
            }, "one step gives other weights than the slide's loop: compare your gradients with the slide's line by line.", rtol=1e-9)
        X, y = data.features(data.xor_data())
        weights = mlp.init_weights()
        draws = np.random.default_rng(1)
        for _ in range(1000):
            idx = draws.choice(4, size=10, replace=True)
            weights = _weights(_call(train_step, weights, X[idx], y[idx], 0.1))
        learned = mlp.forward(weights, X)
        if not np.array_equal(np.round(learned), y):
            raise _Problem(f"your step trains, but the network did not learn XOR: outputs {np.round(learned, 3).tolist()}.")
        return f"one step is the slide's, output layer included; 1000 of them learn XOR: {np.round(learned, 3).tolist()}."

    return _check("6", run)


# ---------------------------------------------------------------- exercise 7: logistic regression by GD


@_isolated("7")
def check_exercise_7(logistic_gd: Callable) -> Verdict:
    """Exercise 7: ``logistic_gd(X, y, lr, epochs)`` fits logistic regression (intercept
    first) by gradient descent on the mean log-loss; held against ``glm``'s estimates."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 2))
    y = (X @ np.array([1.0, -1.0]) + 0.3 + rng.logistic(size=60) > 0).astype(float)

    def run():
        reference = fit_logistic(X, y).coef
        got = _array(_call(logistic_gd, X.copy(), y.copy(), 0.5, 20000), "the coefficients")
        if got.shape == (2,):
            raise _Problem("two coefficients for two inputs: the intercept is missing. Put a column of ones first.")
        got = _array(got, "the coefficients", (3,))
        if np.abs(got - reference).max() > 1e-3:
            Xb = np.column_stack([np.ones(len(y)), X])
            squared = np.zeros(3)
            for _ in range(20000):
                s = sigmoid(Xb @ squared)
                squared += 0.5 * 2 * Xb.T @ ((y - s) * s * (1 - s)) / len(y)
            _diagnose(got, reference, {
                "that minimises the squared error of sigmoid(X b): the log-loss gradient is X.T @ (sigmoid(X b) - y) / N.": squared,
                "sign error: with the log-loss gradient X.T @ (p - y) / N, step b - lr * gradient.": -reference,
            }, f"expected the maximum-likelihood estimates {np.round(reference, 4).tolist()} (what glm finds), got {np.round(got, 4).tolist()}.", rtol=0, atol=5e-2)
        # the path, not only the end: three steps from zeros are gradient descent's three steps
        Xb, path = np.column_stack([np.ones(len(y)), X]), np.zeros(3)
        for _ in range(3):
            path = path - 0.5 * Xb.T @ (sigmoid(Xb @ path) - y) / len(y)
        early = _array(_call(logistic_gd, X.copy(), y.copy(), 0.5, 3), "after 3 epochs", (3,))
        if np.abs(early - got).max() < 1e-6:
            raise _Problem("3 epochs give the same answer as 20000: that is a finished fit, not gradient descent. Take `epochs` steps of b - lr * gradient from zeros.")
        if np.abs(early - path).max() > 1e-6:
            raise _Problem(f"after 3 epochs from zeros, gradient descent is at {np.round(path, 6).tolist()}, yours at {np.round(early, 6).tolist()}: start from zeros and take exactly `epochs` steps.")
        from ..r import bridge as rbridge

        try:
            session = rbridge.session()
            env = session.new_env()
            session.assign("X", X, env)
            session.assign("y", y, env)
            session.evaluate("b <- unname(coef(glm(y ~ X, family = binomial)))", env)
            against = f" R's glm: {np.round(session.get('b', env), 4).tolist()}."
        except (rbridge.RUnavailable, rbridge.RError) as exc:
            against = f" (R could not show glm's numbers here: {exc})"
        return f"your estimates {np.round(got, 4).tolist()} agree with the maximum-likelihood fit to 1e-3.{against}"

    return _check("7", run)


# ---------------------------------------------------------------- exercise 8: the AND boundary


@_isolated("8")
def check_exercise_8(margin: Callable) -> Verdict:
    """Exercise 8: ``margin(params, x)`` is ``w . x + b`` for one point ``x``: where the
    point falls relative to the boundary (negative: 0, zero or positive: 1)."""

    def run():
        rng = np.random.default_rng(8)
        cases = [(np.array([0.14, 0.1, -0.14]), np.array([1.0, 0.0]))]
        cases += [(rng.normal(size=4), rng.normal(size=3)) for _ in range(4)]
        for params, x in cases:
            value = _array(_call(margin, params.copy(), x.copy()), "the margin")
            if value.size != 1:
                raise _Problem(f"the margin: expected one number, got {value.size} values of shape {value.shape}")
            got = float(value.reshape(-1)[0])  # a number, or an array holding one
            expected = float(x @ params[:-1] + params[-1])
            _diagnose(np.array(got), np.array(expected), {
                "that leaves out the bias: add params[-1].": np.array(x @ params[:-1]),
                "that is step(margin): return the margin itself, w . x + b.": step(expected),
                "the bias is subtracted: the margin is w . x + b, with b = params[-1] added.": np.array(x @ params[:-1] - params[-1]),
            }, f"expected {expected:.6g} for params {np.round(params, 3).tolist()} and x {np.round(x, 3).tolist()}, got {got:.6g}.")
        return "at (1, 0) the printed parameters give a margin of exactly 0.0, and step(0) = 1: the rounded model says 1 AND 0 = 1."

    return _check("8", run)
