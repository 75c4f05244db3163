"""Training that runs away says so: one DivergenceWarning naming the step and the learning rate."""

import warnings

import numpy as np
import pytest

from nncourse.algorithms import data
from nncourse.repro import computed as lecture
from nncourse.algorithms import linear
from nncourse.algorithms import mlp
from nncourse.algorithms import perceptron
from nncourse.algorithms.divergence import DivergenceWarning


def caught(call):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = call()
    return result, [w for w in seen]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda X, y: linear.gradient_descent(X, y, lr=1.5), r"^gradient descent diverged by step \d+ with learning rate 1.5: the loss grew from 6.81 to"),
        (lambda X, y: linear.sgd(X, y, lr=3.0, rng=0), r"^SGD diverged by step \d+ with learning rate 3: "),
        (lambda X, y: linear.gradient_descent(X * 1e200, y, lr=0.01, epochs=5), r"^gradient descent diverged by step \d with learning rate 0.01: the (parameters|loss) became infinite or NaN"),
    ],
)
def test_regression_that_runs_away_says_so_once(regression, call, message):
    result, seen = caught(lambda: call(*regression))
    assert [type(w.message) for w in seen] == [DivergenceWarning]  # NumPy's own overflow chatter is not repeated
    assert __import__("re").match(message, str(seen[0].message)), str(seen[0].message)
    assert str(seen[0].message).endswith("try a smaller learning rate")


def test_training_that_ends_worse_than_it_started_says_so(regression):
    # Gradient descent on the MSE is stable for lr < 1 / (largest eigenvalue of X'X / N):
    # 2% past it, the loss grows slowly (far from exploding) and ends above where it began.
    X, y = regression
    lr = 1.02 / np.linalg.eigvalsh(X.T @ X / len(y)).max()
    _, seen = caught(lambda: linear.gradient_descent(X, y, lr=lr, epochs=60))
    assert len(seen) == 1 and "the loss ended higher than it started (6.811 -> " in str(seen[0].message)
    _, seen = caught(lambda: linear.gradient_descent(X, y, lr=0.98 * lr / 1.02, epochs=60))
    assert seen == []  # 2% under it, quiet


def test_an_mlp_whose_outputs_saturate_says_so(xor_xy):
    weights, seen = caught(lambda: mlp.train_mlp(*xor_xy, lr=1e6, rng=0))
    assert len(seen) == 1 and type(seen[0].message) is DivergenceWarning
    assert "the MLP diverged by step 10 with learning rate 1e+06: every output is exactly 0 or 1" in str(seen[0].message)
    out = mlp.forward(weights, xor_xy[0])
    assert ((out == 0) | (out == 1)).all()  # what the warning said


def test_a_perceptron_that_overflows_stops_and_says_so():
    X = np.array([[1e308, 1e308], [0.0, 0.0]])
    params, seen = caught(lambda: perceptron.train_perceptron(X, [1, 0], rng=0))
    assert len(seen) == 1 and type(seen[0].message) is DivergenceWarning
    assert "the perceptron diverged by step 1 with learning rate 0.1: the parameters became infinite or NaN" in str(seen[0].message)


def test_the_lectures_settings_train_quietly(regression, and_xy, xor_xy):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lecture.gd_betas()
        for seed in range(5):
            lecture.sgd_betas(seed)
            lecture.and_perceptron_params(seed)
            lecture.mlp_outputs(seed)
        linear.gradient_descent(*regression, lr=0.4)  # fast but stable
