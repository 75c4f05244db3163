"""The tutorial's exercises as data: one :class:`Exercise` per check, in the tutorial's order.

Each entry names the gradebook's column, the verdict's label, the exercise's title, the
notebook's function (``tutorial.check_exercise_1``), its points (the key may change them)
and the check itself: ``check(args, cases)`` gets the student's arguments (functions
that run in the student's sandboxed process, or plain values) and :class:`Cases` (the
generator its cases are drawn from: the public seed in a notebook without a key, the
key's hidden seed when grading), returns what to tell a student who passed, or raises
:class:`~.language.Problem`. Adding an exercise is one entry and its check, here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..algorithms import data, linear, mlp
from ..algorithms.activations import relu, relu_derivative, sigmoid, sigmoid_derivative, step
from ..repro.computed import lm_fitted
from .language import FreshGenerator, Problem, as_array, call, call_chain, call_many, diagnose
from .weights import as_weights

QUIZ_CHOICES = {  # the quiz's questions and choices; the right answers are the lecturer's key's
    "1": {"a": "it learns XOR like AND", "b": "it never settles", "c": "it raises an error"},
    "8": {"a": "floating point cannot represent 0.14", "b": "the printed values are rounded", "c": "step() is random at 0"},
}


@dataclass(frozen=True)
class Cases:
    """Where a check draws its cases from: ``rng`` seeded by the public seed (feedback in the
    notebook) or by the key's hidden seed (the grade); ``quiz``: the key's answers, if any."""

    rng: np.random.Generator
    hidden: bool
    quiz: dict | None = None  # question -> (answer, why)


@dataclass(frozen=True)
class Exercise:
    """One check of the tutorial (see the module docstring)."""

    column: str  # the gradebook's column, and the check's id: "exercise_1", "quiz_1"
    label: str  # how its verdict names it: "1", "2 (R)", "1 (question)"
    title: str
    function: str  # the notebook's function: "check_exercise_1", "check_answer"
    points: float
    public_seed: int
    check: Callable[[list, Cases], str]
    question: str | None = None  # for check_answer: which question (its first argument)
    starts_r: bool = False  # whether a right answer starts R (in its sandbox)

    def matches(self, function: str, args: tuple) -> bool:
        """Whether a call ``function(*args)`` in a notebook is a call of this check."""
        return function == self.function and (self.question is None or (bool(args) and str(args[0]) == self.question))


EXERCISES: list[Exercise] = []


def exercise(column: str, label: str, title: str, *, points: float = 1.0, seed: int, function: str | None = None, question: str | None = None,
             starts_r: bool = False):
    """Register the decorated check as the next exercise of the tutorial."""

    def register(check):
        EXERCISES.append(Exercise(column, label, title, function or f"check_{column}", points, seed, check, question, starts_r))
        return check

    return register


def by_column(column: str) -> Exercise:
    """The exercise of a gradebook column (KeyError naming the known ones otherwise)."""
    for entry in EXERCISES:
        if entry.column == column:
            return entry
    raise KeyError(f"check: expected one of {[e.column for e in EXERCISES]}, got {column!r}")


def of_call(function: str, args: tuple) -> Exercise | None:
    """The exercise a notebook's call ``function(*args)`` checks, or None."""
    return next((e for e in EXERCISES if e.matches(function, args)), None)


def notebook_functions() -> list[str]:
    """The check functions the notebook's ``tutorial`` module offers, in order."""
    return list(dict.fromkeys(e.function for e in EXERCISES))


def _arity(args: list, n: int) -> None:
    if len(args) != n:
        raise Problem(f"expected {n} argument{'s' * (n > 1)}, got {len(args)}")


# ---------------------------------------------------------------- exercise 1: OR and NAND

GATES = {  # name -> (X, y, whether a line through the origin cannot separate it under either step convention)
    "OR": ([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 1], False),
    "NAND": ([[0, 0], [0, 1], [1, 0], [1, 1]], [1, 1, 1, 0], True),
    "X1 AND NOT X2": ([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 1, 0], False),
    "a threshold in one variable": ([[0.0], [0.5], [1.0], [2.0], [2.5], [3.0]], [0, 0, 0, 1, 1, 1], True),
    "3-input AND": ([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)], [0, 0, 0, 0, 0, 0, 0, 1], True),
}


def _separable_cases(rng: np.random.Generator, count: int = 2):
    """Boolean functions of 3 inputs that a line separates with a margin of 0.5 (drawn)."""
    X = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)], dtype=float)
    while count:
        w, b = rng.choice([-2.0, -1.0, 1.0, 2.0], size=3), rng.choice([-2.5, -1.5, -0.5, 0.5, 1.5])
        y = (X @ w + b > 0).astype(float)
        if 0 < y.sum() < len(y):
            count -= 1
            yield f"the check's own case {list(y.astype(int))}", (X, y, False)


@exercise("exercise_1", "1", "OR and NAND", points=2, seed=1)
def check_exercise_1(args: list, cases: Cases) -> str:
    """``train(X, y)`` returns perceptron params ``(w_1, ..., w_p, b)`` that separate OR,
    NAND and the check's own linearly separable cases (slide "Back to Boolean AND")."""
    _arity(args, 1)
    (train,) = args
    for name, (X, y, needs_bias) in [*GATES.items(), *_separable_cases(cases.rng)]:
        X, y = np.array(X, dtype=float), np.array(y, dtype=float)
        p = X.shape[1]
        params = as_array(call(train, X.copy(), y.copy()), f"on {name}")
        if params.shape == (p,):
            raise Problem(f"on {name}: got {p} values for {p} inputs: forgot the bias? Return (w_1, ..., w_{p}, b).")
        if params.shape != (p + 1,):
            raise Problem(f"on {name}: expected {p + 1} values (a weight per input, then the bias), got shape {params.shape}"
                          + (": is the number of inputs hard-coded to 2?" if params.shape == (3,) else ""))
        z = X @ params[:-1] + params[-1]
        if np.array_equal(step(z), y) or np.array_equal((z > 0).astype(float), y):  # step(0) = 1 (the slides) or 0 (the textbook)
            continue
        if params[-1] == 0 and needs_bias:
            raise Problem(f"on {name}: the bias is still 0, and no line through the origin separates these points: update params[-1] too.")
        if np.mean(step(z) == 1 - y) >= 0.75:
            raise Problem(f"on {name}: the predictions are mostly flipped: a sign error? Step against the gradient: params - lr * gradient.")
        raise Problem(f"on {name}: step(X @ w + b) gives {step(z).astype(int).tolist()}, expected {y.astype(int).tolist()}.")
    return f"your perceptron separates all {len(GATES) + 2} cases, OR and NAND among them."


def _quiz(question: str):
    def check(args: list, cases: Cases) -> str | None:
        _arity(args, 2)
        asked, answer = args
        if str(asked) != question:
            raise Problem(f"question: expected {question!r}, got {asked!r}")
        choices = QUIZ_CHOICES[question]
        given = str(answer).strip().strip("().").strip().lower()  # "(b)", "b)" and "B." are b
        if given not in choices:
            raise Problem(f"answer: expected one of {sorted(choices)}, got {answer!r}")
        if cases.quiz is None:
            return None  # no key here: the answer is recorded, the lecturer's key marks it
        right, why = cases.quiz[question]
        if given != right:
            raise Problem(f"not '{choices[given]}'. Think again, or run the code and look.")
        return why

    check.__doc__ = f"The tutorial's multiple-choice question {question}, marked with the key's answer."
    return check


exercise("quiz_1", "1 (question)", "What will the perceptron do on XOR?", seed=0, function="check_answer", question="1")(_quiz("1"))


# ---------------------------------------------------------------- exercise 2: XOR is not separable


@exercise("exercise_2", "2", "XOR is not linearly separable", seed=2)
def check_exercise_2(args: list, cases: Cases) -> str:
    """``misclassified(params, X, y)`` counts the points a perceptron gets wrong (slide "Limitations of SLP")."""
    _arity(args, 1)
    (misclassified,) = args
    rng = cases.rng
    tests = [(np.array([0.14, 0.1, -0.14]), *data.features(data.and_data()))]
    for _ in range(5):
        X = rng.integers(0, 2, size=(9, 3)).astype(float)
        tests.append((rng.normal(size=4), X, rng.integers(0, 2, size=9).astype(float)))
    got, wrong, variants = [], [], {}
    for params, X, y in tests:
        value = call(misclassified, params.copy(), X.copy(), y.copy())
        if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0:
            raise Problem(f"expected one number (a count), got {type(value).__name__} of shape {np.shape(value)}")
        got.append(float(as_array(value, "the count")))
        errors = step(X @ params[:-1] + params[-1]) != y
        wrong.append(float(errors.sum()))
        for hint, variant in (
            ("that is the share of points: count them instead (np.sum, not np.mean).", errors.mean()),
            ("that counts the points it gets right: count the ones it gets wrong.", len(y) - errors.sum()),
            ("that ignores the bias: use z = X @ params[:-1] + params[-1].", np.sum(step(X @ params[:-1]) != y)),
        ):
            variants.setdefault(hint, []).append(variant)
    diagnose(np.array(got), np.array(wrong), variants, f"expected {[int(w) for w in wrong]} misclassified points on the check's cases, got {got}.")
    return "your count is right, also on cases of the check's own."


@exercise("exercise_2_r", "2 (R)", "XOR with R's lm", seed=22, starts_r=True)
def check_exercise_2_r(args: list, cases: Cases) -> str:
    """``lm_predictions(frame)`` fits ``lm(Y ~ X1 + X2)`` in R and returns the fitted values
    as a NumPy array (slide "Learning XOR Function with LM")."""
    _arity(args, 1)
    (lm_predictions,) = args
    frames = [data.xor_data(), data.and_data()]
    for _ in range(2):
        frame = data.and_data().iloc[[0, 1, 2, 3, 0, 3]].reset_index(drop=True)
        frame["X1"] = cases.rng.normal(size=6)
        frame["Y"] = cases.rng.normal(size=6)
        frames.append(frame)
    for frame in frames:
        got = as_array(call(lm_predictions, frame.copy()), "the predictions", (len(frame),))
        expected = lm_fitted(frame)
        variants = {"those are the data's Y, not lm's fitted values: use predict() or fitted().": frame["Y"].to_numpy(dtype=float)}
        diagnose(got, expected, variants, f"expected lm's fitted values {np.round(expected, 4).tolist()}, got {np.round(got, 4).tolist()}.")
    return "R's lm predicts 0.5 at every XOR point: no plane through the four points does better."


# ---------------------------------------------------------------- exercise 3: derivatives


@exercise("exercise_3", "3", "Derivatives", seed=3)
def check_exercise_3(args: list, cases: Cases) -> str:
    """The derivatives of sigmoid and ReLU, on arrays of any shape (slide "Derivative Recap")."""
    _arity(args, 2)
    sigmoid_grad, relu_grad = args
    z = np.round(cases.rng.uniform(-6, 6, size=(2, 3)), 2)
    got = sigmoid_got = as_array(call(sigmoid_grad, z.copy()), "sigmoid'(z)", z.shape)
    s = sigmoid(z)
    diagnose(got, sigmoid_derivative(z), {
        "that is sigmoid itself: the derivative is sigmoid(z) * (1 - sigmoid(z)).": s,
        "sign error: sigmoid(z) * (1 - sigmoid(z)), not (1 + sigmoid(z)).": s * (1 + s),
        "that is the derivative of -sigmoid: drop the minus.": -s * (1 - s),
        "that is z * (1 - z): apply it to sigmoid(z), not to z.": z * (1 - z),
    }, "sigmoid'(z) is off; compare it with (sigmoid(z + h) - sigmoid(z - h)) / (2 h).")
    at_zero = np.array([-2.0, 0.0, 3.0])
    got = as_array(call(relu_grad, z.copy()), "relu'(z)", z.shape)
    diagnose(got, relu_derivative(z), {"that is relu itself: its derivative is 1 where z >= 0 and 0 elsewhere.": relu(z)},
             "relu'(z) should be 1 for z > 0 and 0 for z < 0.")
    got = as_array(call(relu_grad, at_zero.copy()), "relu'(z)", at_zero.shape)
    diagnose(got, relu_derivative(at_zero), {"at z = 0 the slides' backprop takes 1: use z >= 0, as in (z1 >= 0).": (at_zero > 0).astype(float)},
             "relu'(z) at [-2, 0, 3] should be [0, 1, 1] (the slides' convention at 0).")
    h = 1e-6
    finite = (sigmoid(z + h) - sigmoid(z - h)) / (2 * h)
    return f"both derivatives are right; your sigmoid' is within {np.abs(sigmoid_got - finite).max():.1e} of the finite differences."


# ---------------------------------------------------------------- exercise 4: gradient descent


def _gd_variant(X, y, lr, epochs, *, sign=-1.0, factor=2.0, mean=True):
    betas = np.zeros(X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            gradient = -factor * X.T @ (y - X @ betas) / (len(y) if mean else 1)
            betas = betas + sign * lr * gradient
    return betas


def _vector(value, what: str, length: int) -> np.ndarray:
    """A vector of ``length`` numbers, also written as a column or a row (``(3, 1)``, ``(1, 3)``)."""
    arr = as_array(value, what)
    if arr.ndim == 2 and 1 in arr.shape and arr.size == length:
        arr = arr.reshape(length)
    if arr.shape != (length,):
        raise Problem(f"{what}: expected shape ({length},) (or a column ({length}, 1)), got {arr.shape}")
    return arr


@exercise("exercise_4", "4", "Gradient descent for linear regression", points=2, seed=4)
def check_exercise_4(args: list, cases: Cases) -> str:
    """``gradient_descent(X, y, lr, epochs)`` from zeros, on the MSE (slide "Regression with Gradient Descent")."""
    _arity(args, 1)
    (gradient_descent,) = args
    X = cases.rng.normal(size=(200, 3))
    y = X @ np.round(cases.rng.uniform(-2, 2, size=3), 1) + cases.rng.normal(scale=0.3, size=200)
    for lr, epochs in ((0.05, 20), (0.1, 300)):
        got = _vector(call(gradient_descent, X.copy(), y.copy(), lr, epochs), f"with lr={lr}, epochs={epochs}", 3)
        expected = _gd_variant(X, y, lr, epochs)
        variants = {
            "you returned the OLS solution: take `epochs` steps of gradient descent instead.": linear.ols(X, y),
            "the factor 2 from the derivative of the square is missing.": _gd_variant(X, y, lr, epochs, factor=1.0),
            "the gradient is not divided by N: it is N times too large.": _gd_variant(X, y, lr, epochs, mean=False),
            "sign error: step against the gradient, betas - lr * gradient.": _gd_variant(X, y, lr, epochs, sign=1.0),
        }
        diagnose(got, expected, variants, f"after {epochs} epochs at lr={lr} expected {np.round(expected, 6).tolist()}, got {np.round(got, 6).tolist()}.", rtol=1e-8)
    return "your gradient descent takes the same steps as the slide's, on the check's own data."


@exercise("exercise_4_rates", "4 (learning rates)", "Learning rates: too small, about right, divergent", seed=0)
def check_exercise_4_rates(args: list, cases: Cases) -> str:
    """Learning rates that are ``"too small"``, ``"about right"`` and ``"divergent"`` for 1000
    epochs on the lecture's regression data."""
    _arity(args, 1)
    (rates,) = args
    keys = ("too small", "about right", "divergent")
    if not isinstance(rates, dict) or set(rates) != set(keys):
        raise Problem(f"expected a dict with keys {list(keys)}, got {rates!r}")
    for key in keys:
        value = rates[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
            raise Problem(f"rates[{key!r}]: expected a positive learning rate, got {value!r}")
    X, y = data.regression_data()
    ols = linear.ols(X, y)
    with np.errstate(over="ignore", invalid="ignore"):
        distance = {k: float(np.abs(_gd_variant(X, y, float(rates[k]), 1000) - ols).max()) for k in keys}
    for key in ("too small", "about right"):
        if not np.isfinite(distance[key]) or distance[key] > 1e3:
            raise Problem(f"lr = {rates[key]} diverges in 1000 epochs: that is not {key!r}. Try smaller.")
    if distance["too small"] <= 1e-2:
        raise Problem(f"lr = {rates['too small']} gets within {distance['too small']:.1e} of OLS in 1000 epochs: not too small. Try smaller.")
    if distance["about right"] >= 1e-6:
        raise Problem(f"lr = {rates['about right']} ends {distance['about right']:.1e} from OLS: not there yet.")
    if np.isfinite(distance["divergent"]) and distance["divergent"] < 1e3:
        raise Problem(f"lr = {rates['divergent']} does not diverge (ends {distance['divergent']:.1e} from OLS). Try larger.")
    return "too small creeps, about right lands on OLS, divergent blows up: " + ", ".join(f"{k}: {rates[k]}" for k in keys) + "."


# ---------------------------------------------------------------- exercise 5: drawing a minibatch


def _batches(draw_batch, draws: list[tuple[int, int, int]], what: str):
    """The student's batches for ``draws`` ((seed, n, k): a fresh generator of that seed each),
    asked in one round trip, each read as k row numbers."""
    calls = [((FreshGenerator(seed), n, k), {}) for seed, n, k in draws]
    for (seed, n, k), value in zip(draws, call_many(draw_batch, calls)):
        yield as_array(value, what.format(n=n), (k,))


@exercise("exercise_5", "5", "The cost of a minibatch", points=2, seed=5)
def check_exercise_5(args: list, cases: Cases) -> str:
    """``draw_batch(rng, n, batch_size)`` draws distinct rows in O(batch_size) (slide "Stochastic Gradient Descent")."""
    _arity(args, 1)
    (draw_batch,) = args
    base = int(cases.rng.integers(0, 2**40))
    sizes = ((10, 10), (100, 20), (10**6, 32))
    for (n, k), idx in zip(sizes, _batches(draw_batch, [(base, n, k) for n, k in sizes], "for n={n}")):
        if not np.array_equal(idx, np.round(idx)) or idx.min() < 0 or idx.max() >= n:
            raise Problem(f"for n={n}: expected whole row numbers from 0 to {n - 1}, got values from {idx.min()} to {idx.max()}")
        if len(np.unique(idx)) != k:
            raise Problem(f"for n={n}: some rows come twice: draw without replacement.")
    if not np.array_equal(*_batches(draw_batch, [(base + 1, 1000, 10)] * 2, "a")):
        raise Problem("two generators with the same seed gave different batches: draw from the rng you are given.")
    counts = np.zeros(20)
    for idx in _batches(draw_batch, [(base + 7000 + seed, 20, 5) for seed in range(400)], "a batch"):  # a generator each: the student's copy of one would not advance here
        counts[idx.astype(int)] += 1
    if np.abs(counts - 100).max() > 5 * np.sqrt(100):  # over 5 standard deviations from uniform
        raise Problem(f"some rows are drawn far more often than others (counts {counts.astype(int).tolist()}): every row should be equally likely.")
    # every pair of rows as likely as every other: a block of neighbours or a stride is not a random subset
    pairs = np.zeros((6, 6))
    for idx in _batches(draw_batch, [(base + 90_000 + seed, 6, 2) for seed in range(600)], "a batch of 2"):
        a, b = np.sort(idx.astype(int))
        pairs[a, b] += 1
    seen = pairs[np.triu_indices(6, 1)]
    if np.abs(seen - 40).max() > 5 * np.sqrt(40):
        raise Problem(f"some pairs of rows never or rarely come together (pair counts {seen.astype(int).tolist()}, each expected near 40): draw a random subset, not a block or a stride.")
    try:
        (huge,) = _batches(draw_batch, [(base + 1, 10**12, 20)], "for n=10**12")
    except Problem as problem:
        raise Problem(f"with n = 10**12 rows: {problem} A draw that costs O(N) builds or shuffles all N rows; draw only the batch.") from None
    if len(np.unique(huge)) != 20:
        raise Problem("with n = 10**12 rows some rows came twice: draw without replacement.")
    return "distinct, uniform, repeatable, and instant even for 10**12 rows: O(batch size)."


# ---------------------------------------------------------------- exercise 6: completing the MLP


def _copy(w: mlp.MLPWeights) -> mlp.MLPWeights:
    return mlp.MLPWeights(w.W1.copy(), w.b1.copy(), w.w2.copy(), float(w.b2))


def _flat(w: mlp.MLPWeights) -> np.ndarray:
    return np.concatenate([w.W1.ravel(), w.b1, w.w2, [w.b2]])


def _strict_relu_step(start: mlp.MLPWeights, X, y, lr) -> mlp.MLPWeights:
    """One step with ReLU's derivative 0 at 0 (``z1 > 0``): the mistake the slides' ``>=`` avoids."""
    W1, b1, w2, b2 = _copy(start)
    z1 = X @ W1 + b1
    s = sigmoid(relu(z1) @ w2 + b2)
    delta = np.outer((y - s) * s * (1 - s), w2) * (z1 > 0)
    expected = mlp.sgd_step(_copy(start), X, y, lr)
    return mlp.MLPWeights(W1 + lr * 2 * X.T @ delta / len(y), b1 + lr * 2 * delta.sum(axis=0) / len(y), expected.w2, expected.b2)


@exercise("exercise_6", "6", "Completing the MLP", points=2, seed=6)
def check_exercise_6(args: list, cases: Cases) -> str:
    """``train_step(weights, X_batch, y_batch, lr)`` is one complete step of the slide's MLP
    loop, output layer included; returns the new ``(W1, b1, w2, b2)`` (slide "MLP for XOR")."""
    _arity(args, 1)
    (train_step,) = args
    rng = cases.rng
    tests = []
    for _ in range(4):
        start = mlp.MLPWeights(rng.normal(size=(2, 2)), rng.normal(scale=0.3, size=2), rng.normal(size=2), float(rng.normal()))
        tests.append((start, rng.integers(0, 2, size=(10, 2)).astype(float), rng.integers(0, 2, size=10).astype(float)))
    # A hidden unit exactly at 0: where (z1 >= 0) and (z1 > 0) part ways.
    tests.append((mlp.MLPWeights(np.array([[1.0, 0.5], [-1.0, 0.5]]), np.array([0.0, -0.5]), np.array([1.0, -1.0]), 0.1),
                  np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]]), np.array([0.0, 1.0, 1.0])))
    steps = call_many(train_step, [((_copy(start), X.copy(), y.copy(), 0.1), {}) for start, X, y in tests])
    for (start, X, y), value in zip(tests, steps):
        got = as_weights(value)
        expected = mlp.sgd_step(_copy(start), X, y, 0.1)
        diagnose(_flat(got), _flat(expected), {
            "w2 and b2 did not change: that is the slide's cut-off listing. Add w2 -= lr * gradient_w2 and b2 -= lr * gradient_b2.":
                _flat(mlp.MLPWeights(expected.W1, expected.b1, start.w2, start.b2)),
            "the ReLU derivative at exactly 0: the slides use (z1 >= 0), which counts 0 as active.": _flat(_strict_relu_step(start, X, y, 0.1)),
        }, "one step gives other weights than the slide's loop: compare your gradients with the slide's line by line.", rtol=1e-9)
    X, y = data.features(data.xor_data())
    batches = np.random.default_rng(1).choice(4, size=(1000, 10), replace=True)  # the draws of 1000 calls of size 10, in one (50 ms less)
    # the slide's loop of 1000 steps, each fed the step before's weights as read here, in one round trip
    chain = [((mlp.init_weights(), X[batches[0]], y[batches[0]], 0.1), {})] + [((X[idx], y[idx], 0.1), {}) for idx in batches[1:]]
    weights = as_weights(call_chain(train_step, chain, feed=as_weights))
    learned = mlp.forward(weights, X)
    if not np.array_equal(np.round(learned), y):
        raise Problem(f"your step trains, but the network did not learn XOR: outputs {np.round(learned, 3).tolist()}.")
    return f"one step is the slide's, output layer included; 1000 of them learn XOR: {np.round(learned, 3).tolist()}."


# ---------------------------------------------------------------- exercise 7: logistic regression by GD


EPOCHS_CAP = 20_000  # the most epochs exercise 7 asks for (a case needing more is nearly separable)


def _logistic_steps(X, y, lr, sign=-1.0):
    """Gradient descent (sign -1) or ascent (+1) on the mean log-loss, from zeros: b after each epoch."""
    Xb, b = np.column_stack([np.ones(len(y)), X]), np.zeros(X.shape[1] + 1)
    while True:
        b = b + sign * lr * Xb.T @ (sigmoid(Xb @ b) - y) / len(y)
        yield b


def _logistic_path(X, y, lr, epochs, sign=-1.0) -> np.ndarray:
    """``epochs`` steps of :func:`_logistic_steps`."""
    return next(itertools.islice(_logistic_steps(X, y, lr, sign), epochs - 1, None))


def _epochs_to_fit(X, y, reference, lr) -> int:
    """The epochs (a multiple of 1000, at most :data:`EPOCHS_CAP`) after which the slide's
    gradient descent from zeros is within 1e-5 of glm's fit on this case, a hundredth of the
    check's tolerance: what the check asks of the student's. 1000 on most cases (of 3000
    draws, 4 needed more than 2000 to come within 1e-4), where a fixed 20000 made every
    student's function run 20000; not fewer than 1000, by which the squared-error variant
    has left glm's fit on every case tried (a few hundred can pass right through it)."""
    for epochs, b in enumerate(_logistic_steps(X, y, lr), 1):
        if epochs % 1000 == 0 and (np.abs(b - reference).max() < 1e-5 or epochs == EPOCHS_CAP):
            return epochs


@exercise("exercise_7", "7", "Logistic regression by gradient descent", points=2, seed=7)
def check_exercise_7(args: list, cases: Cases) -> str:
    """``logistic_gd(X, y, lr, epochs)`` fits logistic regression (intercept first) by gradient
    descent on the mean log-loss; held against ``glm``'s estimates (slide "Learning XOR Function with GLM")."""
    from ..algorithms.logistic import fit_logistic  # here, not with the module: it imports pandas, which a sandbox's run need not

    _arity(args, 1)
    (logistic_gd,) = args
    X = cases.rng.normal(size=(60, 2))
    y = (X @ np.array([1.0, -1.0]) + 0.3 + cases.rng.logistic(size=60) > 0).astype(float)
    reference = fit_logistic(X, y).coef
    early = as_array(call(logistic_gd, X.copy(), y.copy(), 0.5, 3), "after 3 epochs")
    if early.shape == (2,):
        raise Problem("two coefficients for two inputs: the intercept is missing. Put a column of ones first.")
    early = as_array(early, "after 3 epochs", (3,))
    if np.abs(early - _logistic_path(X, y, 0.5, 3, sign=1.0)).max() < 1e-6:
        raise Problem("sign error: the gradient of the log-loss is X.T @ (sigmoid(X b) - y) / N; step b - lr * gradient.")
    epochs = _epochs_to_fit(X, y, reference, 0.5)
    got = as_array(call(logistic_gd, X.copy(), y.copy(), 0.5, epochs), "the coefficients", (3,))
    if np.abs(got - reference).max() > 1e-3:
        Xb, squared = np.column_stack([np.ones(len(y)), X]), np.zeros(3)
        for _ in range(epochs):
            s = sigmoid(Xb @ squared)
            squared += 0.5 * 2 * Xb.T @ ((y - s) * s * (1 - s)) / len(y)
        diagnose(got, reference, {
            "that minimises the squared error of sigmoid(X b): the log-loss gradient is X.T @ (sigmoid(X b) - y) / N.": squared,
            "that is minus the maximum-likelihood fit: a sign error? Step b - lr * gradient.": -reference,
        }, f"expected the maximum-likelihood estimates {np.round(reference, 4).tolist()} (what glm finds), got {np.round(got, 4).tolist()}.", rtol=0, atol=5e-2)
    if np.abs(early - got).max() < 1e-6:
        raise Problem(f"3 epochs give the same answer as {epochs}: that is a finished fit, not gradient descent. Take `epochs` steps of b - lr * gradient from zeros.")
    path = _logistic_path(X, y, 0.5, 3)
    if np.abs(early - path).max() > 1e-6:
        raise Problem(f"after 3 epochs from zeros, gradient descent is at {np.round(path, 6).tolist()}, yours at {np.round(early, 6).tolist()}: start from zeros and take exactly `epochs` steps.")
    return f"your estimates {np.round(got, 4).tolist()} agree with the maximum-likelihood fit (glm's) to 1e-3."


# ---------------------------------------------------------------- exercise 8: the AND boundary


@exercise("exercise_8", "8", "Where does (1, 0) fall?", seed=8)
def check_exercise_8(args: list, cases: Cases) -> str:
    """``margin(params, x)`` is ``w . x + b`` for one point ``x``: where the point falls
    relative to the boundary (negative: 0, zero or positive: 1); slide "Back to Boolean AND"."""
    _arity(args, 1)
    (margin,) = args
    tests = [(np.array([0.14, 0.1, -0.14]), np.array([1.0, 0.0]))]
    tests += [(cases.rng.normal(size=4), cases.rng.normal(size=3)) for _ in range(4)]
    for params, x in tests:
        value = as_array(call(margin, params.copy(), x.copy()), "the margin")
        if value.size != 1:
            raise Problem(f"the margin: expected one number, got {value.size} values of shape {value.shape}")
        got = float(value.reshape(-1)[0])  # a number, or an array holding one
        expected = float(x @ params[:-1] + params[-1])
        diagnose(np.array(got), np.array(expected), {
            "that leaves out the bias: add params[-1].": np.array(x @ params[:-1]),
            "that is step(margin): return the margin itself, w . x + b.": step(expected),
            "the bias is subtracted: the margin is w . x + b, with b = params[-1] added.": np.array(x @ params[:-1] - params[-1]),
        }, f"expected {expected:.6g} for params {np.round(params, 3).tolist()} and x {np.round(x, 3).tolist()}, got {got:.6g}.")
    return "at (1, 0) the printed parameters give a margin of exactly 0.0, and step(0) = 1: the rounded model says 1 AND 0 = 1."


exercise("quiz_8", "8 (question)", "Why does the answer depend on rounding?", seed=0, function="check_answer", question="8")(_quiz("8"))
