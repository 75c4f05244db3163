"""The multi-layer perceptron of slide "MLP for XOR": inputs -> ReLU hidden layer -> sigmoid output.

Erratum: the slide's listing stops after ``W1 -= ...; b1 -= ...``: the output
layer's update is cut off, although the printed results need it (``b2`` is 0 at
the start and -1.44 at the end). :func:`train_mlp` runs the complete algorithm,
updating ``w2`` and ``b2`` with the gradients the listing computes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import minibatch, training
from .divergence import Watch
from ..validation import as_matrix, as_vector, fits_in_memory, positive_int
from .activations import relu, relu_derivative, sigmoid


class MLPWeights(NamedTuple):
    """The network's parameters, named as on the slide."""

    W1: np.ndarray  # hidden weights (inputs x hidden)
    b1: np.ndarray  # hidden biases
    w2: np.ndarray  # output weights
    b2: float  # output bias


class Layers(NamedTuple):
    """Every stage of the forward pass that the slide prints."""

    z1: np.ndarray  # X @ W1 + b1, hidden pre-activation
    h: np.ndarray  # relu(z1), hidden layer
    z2: np.ndarray  # h @ w2 + b2, output pre-activation
    output: np.ndarray  # sigmoid(z2)


def init_weights(rng=1, *, inputs: int = 2, hidden: int = 2) -> MLPWeights:
    """The slide's initialisation: ``default_rng(1)``, normal with scale 0.5, zero biases.

    Draws ``W1`` first, then ``w2``, as the slide does, so ``init_weights()`` is the
    slide's starting point.
    """
    inputs, hidden = positive_int("inputs", inputs), positive_int("hidden", hidden)
    fits_in_memory("hidden", inputs * hidden + 2 * hidden)
    rng = minibatch.as_rng(rng)
    W1 = rng.normal(scale=0.5, size=(inputs, hidden))
    b1 = np.zeros(hidden)
    w2 = rng.normal(scale=0.5, size=hidden)
    return MLPWeights(W1, b1, w2, 0.0)


def layers(weights: MLPWeights, X) -> Layers:
    """The forward pass, stage by stage, as printed on the second "MLP for XOR" slide."""
    weights = check_weights(weights)
    return _layers(weights, as_matrix("X", X, ncols=weights.W1.shape[0]))


def _layers(weights: MLPWeights, X: np.ndarray) -> Layers:
    """:func:`layers` on weights and inputs already checked."""
    z1 = X @ weights.W1 + weights.b1
    h = relu(z1)
    z2 = h @ weights.w2 + weights.b2
    return Layers(z1, h, z2, sigmoid(z2))


def forward(weights: MLPWeights, X) -> np.ndarray:
    """The network's output ``sigmoid(relu(X @ W1 + b1) @ w2 + b2)``."""
    return layers(weights, X).output


def train_mlp(
    X, y, *, lr: float = 0.1, epochs: int = 1000, batch_size: int = 10, rng=None, init: MLPWeights | None = None
) -> MLPWeights:
    """Train the network by minibatch SGD with backpropagation (slide "MLP for XOR").

    The slide's loop line for line, completed with the output layer's update the
    listing cuts off. Batches are drawn with replacement; ``rng`` as in
    :mod:`nncourse.algorithms.minibatch`. ``init`` defaults to :func:`init_weights` (the slide's
    ``default_rng(1)`` start). Returns new weights; ``init`` is not modified.
    """
    X, y, lr, epochs, batch_size = training.inputs(X, y, lr=lr, epochs=epochs, batch_size=batch_size, replace=True, binary=True)
    rng = minibatch.as_rng(rng)
    weights = init_weights(inputs=X.shape[1]) if init is None else check_weights(init)
    if weights.W1.shape[0] != X.shape[1]:
        raise ValueError(f"init: expected weights for {X.shape[1]} inputs (the columns of X), got W1 of shape {weights.W1.shape}")
    weights = MLPWeights(weights.W1.copy(), weights.b1.copy(), weights.w2.copy(), float(weights.b2))
    watch = Watch("the MLP", lr, epochs)
    with np.errstate(over="ignore", invalid="ignore"):  # a run-away is said once, by the watch
        for step, indices in enumerate(minibatch.batches(rng, len(y), batch_size, epochs, replace=True), 1):
            X_batch = X.take(indices, axis=0)
            weights = sgd_step(weights, X_batch, y.take(indices), lr)
            if watch.due(step, last=step == epochs):
                output = _layers(weights, X_batch).output  # the weights are the loop's own: checked at the start
                watch.look(step, weights, saturated=bool(np.all(output * (1 - output) == 0)))
    return weights


def sgd_step(weights: MLPWeights, X_batch: np.ndarray, y_batch: np.ndarray, lr: float) -> MLPWeights:
    """One step of the loop of slide "MLP for XOR": forward pass, backpropagation, update.

    Line for line the slide's loop body, with the output layer's update the listing
    cuts off. Updates ``W1``, ``b1`` and ``w2`` in place (as the slide's ``-=``) and
    returns the weights.
    """
    W1, b1, w2, b2 = weights
    batch_size = len(y_batch)
    z1 = X_batch @ W1 + b1  # hidden pre-activation
    h = relu(z1)  # hidden layer (ReLU)
    y_pred = sigmoid(h @ w2 + b2)  # output (sigmoid)
    residuals = y_batch - y_pred
    sig_d = y_pred * (1 - y_pred)  # sigmoid derivative
    delta = np.outer(residuals * sig_d, w2) * relu_derivative(z1)  # backpropagation
    gradient_w1 = -2 * X_batch.T @ delta / batch_size
    gradient_b1 = -2 * np.sum(delta, axis=0) / batch_size
    gradient_w2 = -2 * h.T @ (residuals * sig_d) / batch_size
    gradient_b2 = -2 * np.sum(residuals * sig_d) / batch_size
    W1 -= lr * gradient_w1
    b1 -= lr * gradient_b1
    w2 -= lr * gradient_w2  # the update the slide's listing cuts off
    b2 -= lr * gradient_b2  # the update the slide's listing cuts off
    return MLPWeights(W1, b1, w2, b2)


def recover_weights(z1, z2) -> MLPWeights:
    """Weights of a 2-2-1 network recovered from its printed forward pass on the XOR inputs.

    ``z1`` is the printed ``X @ W1 + b1`` and ``z2`` the printed output pre-activation,
    rows in the order (0,0), (0,1), (1,0), (1,1). Row (0,0) gives ``b1``; rows (0,1)
    and (1,0) give the rows of ``W1``; row (1,1) is left over as a check. ``b2`` is
    ``z2`` at (0,0), which needs both ReLUs off there, and ``w2`` solves the two
    equations at (0,1) and (1,0).
    """
    z1 = as_matrix("z1", z1, ncols=2)
    z2 = as_vector("z2", z2, length=4, length_of="one per XOR input")
    if z1.shape[0] != 4:
        raise ValueError(f"z1: expected 4 rows (the XOR inputs), got {z1.shape[0]}")
    b1 = z1[0].copy()  # the caller's z1 stays theirs: no view into it goes out
    W1 = np.vstack([z1[2] - b1, z1[1] - b1])
    h = relu(z1)
    if (h[0] != 0).any():
        raise ValueError(f"z1: expected both hidden units off (negative) at (0,0) so that z2 there is b2, got {z1[0]}")
    if abs(np.linalg.det(h[1:3])) < 1e-12:
        raise ValueError("z1: expected the hidden layer at (0,1) and (1,0) to determine w2, got a singular pair")
    b2 = float(z2[0])
    w2 = np.linalg.solve(h[1:3], z2[1:3] - b2)
    return MLPWeights(W1, b1, w2, b2)


def check_weights(weights) -> MLPWeights:
    if not isinstance(weights, MLPWeights):
        raise TypeError(f"weights: expected nncourse.mlp.MLPWeights, got {type(weights).__name__}")
    W1 = as_matrix("weights.W1", weights.W1)
    b1 = as_vector("weights.b1", weights.b1, length=W1.shape[1], length_of="one per hidden unit")
    w2 = as_vector("weights.w2", weights.w2, length=W1.shape[1], length_of="one per hidden unit")
    b2 = as_vector("weights.b2", [weights.b2])[0]
    return MLPWeights(W1, b1, w2, float(b2))
