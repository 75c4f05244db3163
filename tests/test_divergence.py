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


def test_sgd_looks_at_minibatches_only(monkeypatch):
    # issue 21: the call pays O(N) once (the one read of the data), so every loss the
    # divergence watch asks for is on minibatch rows: a batch's, or the first batches'
    # (divergence.SAMPLE_ROWS = 200 rows at least: 29 batches of 7 = 203 rows), whatever N
    X = np.random.default_rng(0).normal(size=(50_000, 2))
    y = X @ [1.5, -2.0]
    rows = []
    real_mse = linear.mse
    monkeypatch.setattr(linear, "mse", lambda X, y, b: rows.append(len(y)) or real_mse(X, y, b))
    _, seen = caught(lambda: linear.sgd(X, y, lr=30.0, rng=0, batch_size=7))
    assert len(seen) == 1 and rows and set(rows) == {7, 203}
    rows.clear()
    linear.sgd(X, y, rng=0, batch_size=7, epochs=50)
    assert rows and set(rows) == {7, 203}
    rows.clear()
    linear.sgd(X, y, rng=0, batch_size=7, epochs=3)  # fewer steps than the sample: all of them
    assert rows and set(rows) == {7, 21}


def test_minibatch_noise_is_no_divergence(regression):
    # The tutorial's exercise 5: batch sizes 5, 20, 80 and 30 seeds each, from zeros and from
    # the OLS minimum itself (where SGD's constant learning rate leaves it a little above the
    # start: noise around the minimum, not a run-away). One batch of 5 rows ended "higher
    # than it started" in 5 of these 90 runs (0.8049 -> 0.8204) although each converged.
    X, y = regression
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for batch in (5, 20, 80):
            for seed in range(30):
                assert linear.mse(X, y, linear.sgd(X, y, batch_size=batch, rng=seed)) < 1.5  # from 6.81: converged
                linear.sgd(X, y, batch_size=batch, rng=seed, init=linear.ols(X, y))


def test_sgd_that_slowly_runs_away_says_so(regression):
    # A batch of every row is gradient descent in another order: 2% past the stable learning
    # rate the loss grows slowly (6.8 to some 600 in 60 steps, far from EXPLODED), and SGD says so
    X, y = regression
    lr = 1.02 / np.linalg.eigvalsh(X.T @ X / len(y)).max()
    _, seen = caught(lambda: linear.sgd(X, y, lr=lr, epochs=60, batch_size=len(y), rng=0))
    assert len(seen) == 1 and "SGD diverged by step 60" in str(seen[0].message)
    assert "the loss ended over 2 times as high as it started (6.811 -> " in str(seen[0].message)
    _, seen = caught(lambda: linear.sgd(X, y, lr=0.98 * lr / 1.02, epochs=60, batch_size=len(y), rng=0))
    assert seen == []  # 2% under it, quiet
    # and small batches whose noise throws the betas far out: lr 1 with batches of 5
    betas, seen = caught(lambda: linear.sgd(X, y, lr=1.0, batch_size=5, rng=1))
    assert linear.mse(X, y, betas) > 1e5 and len(seen) == 1 and "the loss ended over 2 times as high" in str(seen[0].message)


def test_seeded_runs_that_run_away_say_so_as_the_single_runs_do(regression, xor_xy):
    from nncourse.algorithms import studies

    _, seen = caught(lambda: studies.sgd_runs(*regression, range(4), lr=1e308, epochs=20))
    assert [type(w.message) for w in seen] == [DivergenceWarning]
    assert str(seen[0].message).startswith("SGD diverged in 4 of 4 seeded runs (20 steps, learning rate 1e+308): the parameters became infinite or NaN")
    weights, seen = caught(lambda: studies.mlp_runs(*xor_xy, range(3), lr=1e308, epochs=20))
    assert [type(w.message) for w in seen] == [DivergenceWarning]
    assert "the MLP diverged in 3 of 3 seeded runs" in str(seen[0].message) and "every output is exactly 0 or 1" in str(seen[0].message)
    _, seen = caught(lambda: studies.sgd_runs(*regression, range(4), epochs=20))
    assert seen == []


def test_a_run_that_would_take_years_says_how_long(monkeypatch, regression):
    from nncourse.algorithms import divergence

    monkeypatch.setattr(divergence, "PACE_AFTER", 0.0)  # say it at the first look, not after 2 s
    with warnings.catch_warnings():
        warnings.simplefilter("error", divergence.LongTrainingWarning)  # and stop the run there
        with pytest.raises(divergence.LongTrainingWarning, match=r"^gradient descent: step 10 of 1,000,000,000,000 after 0 s; at this pace the whole run takes about [\d,.]+ (years|days)"):
            linear.gradient_descent(*regression, epochs=10**12)
