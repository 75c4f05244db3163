"""The cases of the R track's checks, computed from the package's own algorithms.

The R checks (``course/week10/r/checks.R``) hold no solution: each compares the student's
value with the expected value and with the values the typical mistakes give, all of which
come from here, computed by the same NumPy code that reproduces the lecture. ``public_cases()``
are the ones shipped to students (the Python checks' own fixed seeds); ``hidden_cases(seed)``
are drawn from the grading key's seed when a class is graded, never shipped.
"""

from __future__ import annotations

import copy
from functools import cache

import numpy as np

from ..algorithms import data, linear, mlp
from ..algorithms.activations import relu, relu_derivative, sigmoid, sigmoid_derivative, step

PRINTED_AND = np.array([0.14, 0.1, -0.14])  # slide "Back to Boolean AND"
_CORNERS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]


# The cases take some 0.4 s of CPU to compute (exercise 7's squared-error fit: 20000 steps):
# the public ones are computed once per process, a key's hidden ones once per key (a class's
# R downloads are graded with one key); each caller gets a copy of its own.
def public_cases() -> dict:
    """The cases students see: the lecture's points and the Python checks' fixed draws."""
    return copy.deepcopy(_public_cases())


@cache
def _public_cases() -> dict:
    gates = [("OR", _CORNERS, [0, 1, 1, 1]), ("NAND", _CORNERS, [1, 1, 1, 0]), ("X1 AND NOT X2", _CORNERS, [0, 0, 1, 0]),
             ("a threshold in one variable", [[0.0], [0.5], [1.0], [2.0], [2.5], [3.0]], [0, 0, 0, 1, 1, 1]),
             ("3-input AND", [[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)], [0, 0, 0, 0, 0, 0, 0, 1])]
    return _cases(np.random.default_rng, gates=[_gate(n, X, y) for n, X, y in gates], seeds=dict(ex2=2, ex2_lm=22, ex3=3, ex4=4, ex5=5, ex6=6, ex7=7, ex8=8), public=True)


COLUMN_OF = {"ex1": "exercise_1", "ex2": "exercise_2", "ex2_lm": "exercise_2_r", "ex3": "exercise_3", "ex4": "exercise_4",
             "ex5": "exercise_5", "ex6": "exercise_6", "ex7": "exercise_7", "ex8": "exercise_8"}  # the rates use the lecture's data


def hidden_cases(seeds: dict[str, int]) -> dict:
    """Cases drawn from the grading key's seeds (one per gradebook column): other points,
    other data, other weights than the public cases."""
    for case, column in COLUMN_OF.items():
        seed = seeds.get(column) if isinstance(seeds, dict) else None
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"seeds[{column!r}]: expected a whole number >= 0 from the grading key, got {seed!r}")
    return copy.deepcopy(_hidden_cases(tuple(int(seeds[column]) for column in COLUMN_OF.values())))


@cache
def _hidden_cases(drawn: tuple[int, ...]) -> dict:
    seeds = dict(zip(COLUMN_OF.values(), drawn))
    rng = np.random.default_rng([seeds["exercise_1"], 1])
    gates = []
    while len(gates) < 5:  # threshold functions of 2 or 3 inputs with integer weights: separable, with margin
        p = int(rng.integers(2, 4))
        X = np.array([[(k >> j) & 1 for j in range(p)] for k in range(2**p)], dtype=float)
        y = step(X @ rng.integers(-2, 3, size=p) + rng.integers(-3, 3) + 0.5)
        if 0 < y.sum() < len(y):
            gates.append(_gate(f"a hidden {p}-input case", X, y))
    return _cases(lambda case: np.random.default_rng([seeds[COLUMN_OF[case]], 2]), gates=gates,
                  seeds={case: case for case in COLUMN_OF if case != "ex1"}, public=False)


def _gate(name, X, y) -> dict:
    return {"name": name, "X": np.array(X, dtype=float), "y": np.array(y, dtype=float)}


def _cases(generator, *, gates, seeds, public: bool) -> dict:
    return {
        "ex1": gates,
        "ex2": _misclassified(generator(seeds["ex2"])),
        "ex2_lm": _lm(generator(seeds["ex2_lm"])),
        "ex3": _derivatives(generator(seeds["ex3"]), public=public),
        "ex4": _descent(generator(seeds["ex4"])),
        "ex4_rates": _rates(),
        "ex5": {"sizes": [[10.0, 10.0], [100.0, 20.0], [1e6, 32.0]], "seed": int(generator(seeds["ex5"]).integers(1, 10**6))},
        "ex6": _mlp(generator(seeds["ex6"])),
        "ex7": _logistic(generator(seeds["ex7"])),
        "ex8": _margins(generator(seeds["ex8"])),
    }


def _misclassified(rng) -> dict:
    cases = [(PRINTED_AND, *data.features(data.and_data()))]
    for _ in range(5):
        cases.append((rng.normal(size=4), rng.integers(0, 2, size=(9, 3)).astype(float), rng.integers(0, 2, size=9).astype(float)))
    wrong = [step(X @ p[:-1] + p[-1]) != y for p, X, y in cases]
    return {"cases": [{"params": p, "X": X, "y": y} for p, X, y in cases],
            "expected": np.array([w.sum() for w in wrong], dtype=float),
            "variants": {"share": np.array([w.mean() for w in wrong]),
                         "right": np.array([len(w) - w.sum() for w in wrong], dtype=float),
                         "no_bias": np.array([np.sum(step(X @ p[:-1]) != y) for p, X, y in cases], dtype=float)}}


def _lm(rng) -> list[dict]:
    frames = [data.xor_data(), data.and_data()]
    for _ in range(2):
        frame = data.and_data().iloc[[0, 1, 2, 3, 0, 3]].reset_index(drop=True)
        frame["X1"], frame["Y"] = rng.normal(size=6), rng.normal(size=6)
        frames.append(frame)
    out = []
    for frame in frames:
        X, y = data.features(frame)
        out.append({"frame": frame, "expected": np.column_stack([np.ones(len(y)), X]) @ linear.ols(X, y, intercept=True)})
    return out


def _derivatives(rng, *, public: bool) -> dict:
    z = np.array([[-6.0, -1.5, -0.2], [0.3, 1.1, 5.0]]) if public else np.round(rng.normal(scale=3, size=(2, 3)), 3)
    s = sigmoid(z)
    at_zero = np.array([-2.0, 0.0, 3.0])
    return {"z": z, "sigmoid": sigmoid_derivative(z),
            "sigmoid_variants": {"itself": s, "plus": s * (1 + s), "minus": -s * (1 - s), "of_z": z * (1 - z)},
            "relu": relu_derivative(z), "relu_variants": {"itself": relu(z)},
            "at_zero": at_zero, "relu_at_zero": relu_derivative(at_zero), "relu_strict": (at_zero > 0).astype(float)}


def _steps(X, y, lr, epochs, *, sign=-1.0, factor=2.0, mean=True) -> np.ndarray:
    """Gradient descent on the MSE as a typical mistake takes it (the defaults: the slide's)."""
    betas = np.zeros(X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            betas = betas + sign * lr * (-factor * X.T @ (y - X @ betas) / (len(y) if mean else 1))
    return betas


def _descent(rng) -> dict:
    X = rng.normal(size=(200, 3))
    y = X @ np.array([1.0, -0.5, 2.0]) + rng.normal(scale=0.3, size=200)
    runs = [{"lr": lr, "epochs": epochs, "expected": linear.gradient_descent(X, y, lr=lr, epochs=epochs),
             "variants": {"ols": linear.ols(X, y), "no_factor": _steps(X, y, lr, epochs, factor=1.0),
                          "no_mean": _steps(X, y, lr, epochs, mean=False), "sign": _steps(X, y, lr, epochs, sign=1.0)}}
            for lr, epochs in ((0.05, 20), (0.1, 300))]
    return {"X": X, "y": y, "runs": runs}


def _rates() -> dict:
    """The lecture's regression (slide "Example: OLS") as the rates check needs it: OLS and
    the eigen-decomposition of the MSE's Hessian 2 X'X / N."""
    X, y = data.regression_data()
    values, vectors = np.linalg.eigh(2 * X.T @ X / len(y))
    return {"ols": linear.ols(X, y), "eigenvalues": values, "eigenvectors": vectors}


def _mlp_step(w: mlp.MLPWeights, X, y, lr, *, strict=False, recycled=False) -> dict:
    """One step of slide "MLP for XOR"'s loop, or a typical mistake's: ``(z1 > 0)`` for the
    slides' ``(z1 >= 0)``; ``b1`` added as R's ``X %*% W1 + b1`` recycles it, down the columns."""
    if not (strict or recycled):
        return _named(mlp.sgd_step(_copy(w), X, y, lr))
    n = len(y)
    bias = w.b1[(np.arange(n)[:, None] + n * np.arange(2)[None, :]) % 2] if recycled else w.b1
    z1 = X @ w.W1 + bias
    h = relu(z1)
    s = sigmoid(h @ w.w2 + w.b2)
    r = (y - s) * s * (1 - s)
    delta = np.outer(r, w.w2) * ((z1 > 0) if strict else (z1 >= 0))
    return {"W1": w.W1 + lr * 2 * X.T @ delta / n, "b1": w.b1 + lr * 2 * delta.sum(axis=0) / n,
            "w2": w.w2 + lr * 2 * h.T @ r / n, "b2": w.b2 + lr * 2 * r.sum() / n}


def _copy(w: mlp.MLPWeights) -> mlp.MLPWeights:
    return mlp.MLPWeights(np.array(w.W1, dtype=float), np.array(w.b1, dtype=float), np.array(w.w2, dtype=float), float(w.b2))


def _named(w: mlp.MLPWeights) -> dict:
    return {"W1": w.W1, "b1": w.b1, "w2": w.w2, "b2": float(w.b2)}


def _mlp(rng) -> dict:
    cases = []
    for _ in range(4):
        start = mlp.MLPWeights(rng.normal(size=(2, 2)), rng.normal(scale=0.3, size=2), rng.normal(size=2), float(rng.normal()))
        cases.append((start, rng.integers(0, 2, size=(10, 2)).astype(float), rng.integers(0, 2, size=10).astype(float)))
    # A hidden unit exactly at 0: where (z1 >= 0) and (z1 > 0) part ways.
    cases.append((mlp.MLPWeights(np.array([[1.0, 0.5], [-1.0, 0.5]]), np.array([0.0, -0.5]), np.array([1.0, -1.0]), 0.1),
                  np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]]), np.array([0.0, 1.0, 1.0])))
    out = []
    for start, X, y in cases:
        expected = _mlp_step(start, X, y, 0.1)
        out.append({"start": _named(start), "X": X, "y": y, "lr": 0.1, "expected": expected,
                    "variants": {"cut": {**expected, "w2": start.w2, "b2": start.b2},
                                 "strict": {**_mlp_step(start, X, y, 0.1, strict=True), "w2": expected["w2"], "b2": expected["b2"]},
                                 "recycled": _mlp_step(start, X, y, 0.1, recycled=True)}})
    X, y = data.features(data.xor_data())
    draws = np.random.default_rng(1)
    batches = np.array([draws.choice(4, size=10, replace=True) for _ in range(1000)]) + 1  # R counts rows from 1
    return {"cases": out, "xor": {"X": X, "y": y, "start": _named(mlp.init_weights()), "batches": batches.astype(float)}}


def _logistic(rng) -> dict:
    X = rng.normal(size=(60, 2))
    y = (X @ np.array([1.0, -1.0]) + 0.3 + rng.logistic(size=60) > 0).astype(float)
    Xb = np.column_stack([np.ones(len(y)), X])
    squared, path = np.zeros(3), np.zeros(3)
    for _ in range(20000):
        s = sigmoid(Xb @ squared)
        squared += 0.5 * 2 * Xb.T @ ((y - s) * s * (1 - s)) / len(y)
    for _ in range(3):
        path = path - 0.5 * Xb.T @ (sigmoid(Xb @ path) - y) / len(y)
    return {"X": X, "y": y, "lr": 0.5, "epochs": 20000.0, "squared": squared, "path3": path}


def _margins(rng) -> list[dict]:
    cases = [(PRINTED_AND, np.array([1.0, 0.0]))] + [(rng.normal(size=4), rng.normal(size=3)) for _ in range(4)]
    out = []
    for params, x in cases:
        margin = float(x @ params[:-1] + params[-1])
        out.append({"params": params, "x": x, "expected": margin,
                    "variants": {"no_bias": float(x @ params[:-1]), "step": float(step(margin)), "minus": float(x @ params[:-1] - params[-1])}})
    return out
