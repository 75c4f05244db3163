"""Activation functions of slides "Activation Function", "Back to Boolean AND" and "MLP for XOR".

Each works elementwise on any shape of real numbers, like a NumPy ufunc, and says
clearly what it cannot take (None, text, complex). Where the input decides a class
(``step``, ``relu_derivative``), NaN is refused: it is neither side of the threshold.
"""

from __future__ import annotations

import math

import numpy as np

from ..validation import real_array


def _deciding(z):
    z = real_array("z", z)
    # the largest z is NaN exactly where some z is: one reduction, cheaper than isnan's
    # array and its any() (a trainer asks at every step)
    if z.size and math.isnan(np.maximum.reduce(z, axis=None)):
        raise ValueError("z: expected numbers, got NaN, which is on neither side of the threshold")
    return z


def step(z):
    """Step activation: 1 where ``z >= 0``, else 0 (slide "Back to Boolean AND").

    Note the ``>=``: an input exactly on the threshold fires.
    """
    return np.where(_deciding(z) >= 0, 1.0, 0.0)


def relu(z):
    """Rectified Linear Unit ``max(0, z)`` (slide "MLP for XOR")."""
    return np.maximum(0.0, real_array("z", z))


def sigmoid(z):
    """Logistic sigmoid ``1 / (1 + exp(-z))`` (slide "MLP for XOR").

    The slide's formula, kept as written; ``exp`` overflowing to ``inf`` for very
    negative ``z`` gives the correct limit 0, so that warning is silenced.
    """
    z = real_array("z", z)
    if z.size and np.fmin.reduce(z, axis=None) < -700:  # exp(-z) may overflow (past -709.78): silence it there only (fmin: past NaN)
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-z))
    return 1 / (1 + np.exp(-z))


def relu_derivative(z):
    """Derivative of ReLU as the slide's backprop uses it: ``(z1 >= 0)``, so 1 at ``z = 0``."""
    return (_deciding(z) >= 0).astype(float)


def sigmoid_derivative(z):
    """Derivative of the sigmoid, ``s (1 - s)`` with ``s = sigmoid(z)`` (the slide's ``sig_d``)."""
    s = sigmoid(z)
    return s * (1 - s)
