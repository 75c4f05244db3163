"""Activation functions and the derivatives backprop uses."""

import warnings

import numpy as np
import pytest

from nncourse.algorithms.activations import relu, relu_derivative, sigmoid, sigmoid_derivative, step


def test_step_fires_at_the_threshold():
    np.testing.assert_array_equal(step([-1e-300, 0.0, 1e-300, 3.0]), [0.0, 1.0, 1.0, 1.0])


def test_relu_and_sigmoid_values():
    np.testing.assert_array_equal(relu([-2.0, 0.0, 1.5]), [0.0, 0.0, 1.5])
    assert sigmoid(0.0) == 0.5
    assert sigmoid(np.log(3.0)) == pytest.approx(0.75, rel=1e-15)


def test_activations_keep_shape():
    z = np.arange(-6.0, 6.0).reshape(3, 2, 2)
    for f in (step, relu, sigmoid, relu_derivative, sigmoid_derivative):
        assert f(z).shape == z.shape


def test_sigmoid_saturates_without_overflow_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])


@pytest.mark.parametrize("f, df", [(sigmoid, sigmoid_derivative), (relu, relu_derivative)])
def test_derivatives_match_central_differences(f, df):
    z = np.array([-3.0, -0.7, 0.4, 2.5])  # away from ReLU's kink
    h = 1e-6
    np.testing.assert_allclose(df(z), (f(z + h) - f(z - h)) / (2 * h), rtol=1e-7, atol=1e-9)


def test_relu_derivative_at_zero_is_one_as_the_slides_backprop_uses():
    assert relu_derivative(0.0) == 1.0
