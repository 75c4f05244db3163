"""Bad input gets a clear error naming the argument, what was expected and what came."""

import numpy as np
import pytest

from nncourse.algorithms import linear
from nncourse.algorithms import mlp
from nncourse.algorithms import perceptron
from nncourse.algorithms.logistic import fit_logistic

X4 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_AND = np.array([0.0, 0.0, 0.0, 1.0])

ALL = [linear.ols, linear.gradient_descent, linear.sgd, perceptron.train_perceptron, mlp.train_mlp, fit_logistic]
BINARY = [perceptron.train_perceptron, mlp.train_mlp, fit_logistic]


@pytest.mark.parametrize("f", ALL)
def test_wrong_shapes(f):
    with pytest.raises(ValueError, match=r"X: expected a 2-D array \(rows x features\), got 1-D with shape \(4,\)"):
        f(np.zeros(4), Y_AND)
    with pytest.raises(ValueError, match=r"y: expected a 1-D array, got 2-D"):
        f(X4, Y_AND[:, None])


@pytest.mark.parametrize("f", ALL)
def test_mismatched_lengths(f):
    with pytest.raises(ValueError, match=r"y: expected 4 values \(one per row of X\), got 3"):
        f(X4, Y_AND[:3])


@pytest.mark.parametrize("f", ALL)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_infinite(f, bad):
    X = X4.copy()
    X[1, 1] = bad
    with pytest.raises(ValueError, match=r"X: expected finite values, got 1 NaN or infinite"):
        f(X, Y_AND)


@pytest.mark.parametrize("f", ALL)
def test_empty_data(f):
    with pytest.raises(ValueError, match=r"X: expected at least one row, got shape \(0, 2\)"):
        f(np.zeros((0, 2)), np.zeros(0))


@pytest.mark.parametrize("f", ALL)
def test_not_numbers(f):
    with pytest.raises(TypeError, match=r"X: expected an array of numbers, got str"):
        f("X", Y_AND)
    with pytest.raises(TypeError, match=r"y: expected numbers, got text such as 'a'"):
        f(X4, ["a", "b", "c", "d"])


@pytest.mark.parametrize("f", BINARY)
def test_non_binary_labels(f):
    with pytest.raises(ValueError, match=r"y: expected binary labels 0/1, got \[0.5, 2.0\]"):
        f(X4, np.array([0.0, 0.5, 2.0, 1.0]))


def test_batch_larger_than_data_without_replacement():
    with pytest.raises(ValueError, match=r"batch_size: expected at most 4 \(the number of rows\) when sampling without replacement, got 20"):
        linear.sgd(X4, Y_AND)


def test_batch_larger_than_data_with_replacement_is_fine():
    assert perceptron.train_perceptron(X4, Y_AND, batch_size=10, epochs=5, rng=0).shape == (3,)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"lr": 0}, ValueError, r"lr: expected a finite positive number, got 0"),
        ({"lr": "fast"}, TypeError, r"lr: expected a positive number, got str 'fast'"),
        ({"epochs": 2.5}, TypeError, r"epochs: expected a positive integer, got float 2.5"),
        ({"epochs": 0}, ValueError, r"epochs: expected a positive integer, got 0"),
        ({"batch_size": True}, TypeError, r"batch_size: expected a positive integer, got bool True"),
        ({"rng": "seed"}, TypeError, r"rng: expected a numpy Generator, a RandomState \(lecture replay\), an int seed or None, got str"),
    ],
)
def test_hyperparameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        perceptron.train_perceptron(X4, Y_AND, **kwargs)


def test_init_and_params_lengths():
    with pytest.raises(ValueError, match=r"init: expected 2 values \(one per column of X\), got 3"):
        linear.gradient_descent(X4, Y_AND, init=[0, 0, 0])
    with pytest.raises(ValueError, match=r"X: expected 2 columns, got shape \(4, 3\)"):
        perceptron.predict([0.1, 0.1, -0.1], np.ones((4, 3)))


def test_mlp_weights_are_checked():
    with pytest.raises(TypeError, match=r"weights: expected nncourse.mlp.MLPWeights, got tuple"):
        mlp.forward((np.eye(2), np.zeros(2), np.ones(2), 0.0), X4)
    with pytest.raises(ValueError, match=r"weights.w2: expected 2 values \(one per hidden unit\), got 3"):
        mlp.forward(mlp.MLPWeights(np.eye(2), np.zeros(2), np.ones(3), 0.0), X4)


def test_rank_deficient_designs():
    X = np.column_stack([X4[:, 0], 2 * X4[:, 0]])
    with pytest.raises(ValueError, match=r"X: expected full column rank 2"):
        linear.ols(X, Y_AND)
    # glm aliases the second copy (NA), as R's glm does, and fits the rest
    fit = fit_logistic(X, Y_AND)
    assert np.isnan(fit.coef[2]) and np.isnan(fit.se[2]) and np.isfinite(fit.coef[:2]).all()
    assert fit.df_residual == 4 - 2
