"""The single-layer perceptron of slides "Single-Layer Perceptron (SLP)" and "Back to Boolean AND".

``params`` is the slide's vector: the weights first, the bias last
(``(w1, w2, b)`` for two inputs).
"""

from __future__ import annotations

import numpy as np

from . import minibatch, training
from .divergence import Watch, finite
from ..validation import as_matrix, as_vector
from .activations import step


def train_perceptron(X, y, *, lr: float = 0.1, epochs: int = 1000, batch_size: int = 10, rng=None) -> np.ndarray:
    """Train a step-activation perceptron by minibatch SGD, as slide "Back to Boolean AND".

    Each of ``epochs`` steps draws ``batch_size`` rows *with* replacement, computes the
    perceptron error ``y - step(X w + b)`` (0 or +-1) and moves ``w`` and ``b`` against
    ``-2 X^T r / batch_size`` and ``-2 sum(r) / batch_size``. Starts from zeros.
    ``rng`` as in :mod:`nncourse.algorithms.minibatch`. Returns ``params = (w..., b)``.
    """
    X, y, lr, epochs, batch_size = training.inputs(X, y, lr=lr, epochs=epochs, batch_size=batch_size, replace=True, binary=True)
    rng = minibatch.as_rng(rng)
    p = X.shape[1]
    params = np.zeros(p + 1)
    watch = Watch("the perceptron", lr, epochs)
    # the step's numbers as 0-d arrays: NumPy converts a Python number at every operation,
    # as dear as the operation itself on a batch of 10 rows
    minus_two, rate, rows = np.array(-2.0), np.array(lr), np.array(float(batch_size))
    with np.errstate(over="ignore", invalid="ignore"):  # a run-away is said once, by the watch
        for number, indices in enumerate(minibatch.batches(rng, len(y), batch_size, epochs, replace=True), 1):
            X_batch, y_batch = X.take(indices, axis=0), y.take(indices)
            z = X_batch @ params[:p] + params[p]  # linear step
            if not finite(z):  # step() cannot place infinity - infinity: stop, and say so
                watch.warn(number, "X w + b overflowed to infinite or NaN; the parameters are those before this step")
                break
            residuals = y_batch - step(z)
            gradient_w = minus_two * X_batch.T @ residuals / rows
            gradient_b = -2 * np.add.reduce(residuals) / batch_size  # np.sum's own reduction
            params[:p] = params[:p] - rate * gradient_w
            params[p] = params[p] - lr * gradient_b
            if watch.due(number, last=number == epochs) or not finite(params):
                watch.look(number, [params])
    return params


def predict(params, X) -> np.ndarray:
    """The perceptron's output ``step(X w + b)`` for ``params = (w..., b)``."""
    params = as_vector("params", params)
    X = as_matrix("X", X, ncols=len(params) - 1)
    return step(X @ params[:-1] + params[-1])
