"""Linear regression three ways: slides "Example: OLS", "Regression with Gradient
Descent" and "Regression with SGD".

All three minimise the mean squared error ``L(beta) = mean((y - X beta)^2)`` with
no intercept, as the slides do (the simulated data have none).
"""

from __future__ import annotations

import numpy as np

from . import divergence, minibatch, training
from .divergence import Watch
from ..validation import as_matrix, as_vector, boolean


def ols(X, y, *, intercept: bool = False) -> np.ndarray:
    """OLS by the normal equations, ``np.linalg.inv(X.T @ X) @ X.T @ y`` (slide "Example: OLS").

    The slide's formula as written, so its digits are the slide's. With
    ``intercept=True`` a column of ones is put first, as R's ``lm`` does, and the
    intercept is returned first. Where ``X.T @ X`` would leave the normal range of
    doubles (columns of size 1e200 or 1e-160), the same formula runs on ``X`` and ``y``
    scaled to unit size and the betas are scaled back.
    """
    X, y = _design(X, y)
    if boolean("intercept", intercept):
        X = np.column_stack([np.ones(len(y)), X])
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError(f"X: expected full column rank {X.shape[1]} for the normal equations, got a rank-deficient design")
    scale = np.abs(X).max(axis=0)
    y_scale = np.abs(y).max() or 1.0
    if _normal_range(scale) and _normal_range([y_scale]):
        return _normal_equations(X, y)
    return _normal_equations(X / scale, y / y_scale) / scale * y_scale


def _normal_range(sizes) -> bool:
    """Whether products and sums of squares of numbers this size stay normal doubles."""
    return all(1e-140 < s < 1e140 for s in sizes)


def _normal_equations(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(X.T @ X) @ X.T @ y
    except np.linalg.LinAlgError:
        raise ValueError(f"X: expected X.T @ X to be invertible, got a numerically singular design (condition number {np.linalg.cond(X):.3g})") from None


def mse_gradient(X: np.ndarray, y: np.ndarray, betas: np.ndarray) -> np.ndarray:
    """Gradient of the MSE, ``-2 X^T (y - X beta) / N`` (slide "Regression with Gradient Descent").

    Bracketed as ``-2 * (X.T @ residuals)``: the slide's ``-2 * X.T @ residuals`` first
    scales all of X (a copy of the data); scaling by 2 is exact, so both give the same bits.
    ``ndarray.dot`` is the same BLAS product as ``@`` with less call overhead (SGD's step
    is a few such calls on 20 rows).
    """
    return _gradient(X, y, betas, np.array(float(len(y))))


# A NumPy number as a 0-d array: NumPy converts a Python number afresh at every operation,
# which costs as much again as the operation itself on a minibatch's few values.
_MINUS_TWO = np.array(-2.0)


def _gradient(X: np.ndarray, y: np.ndarray, betas: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """:func:`mse_gradient` with ``len(y)`` given as a 0-d float array (``rows``): the same
    operations on the same numbers, so the same bits, for a loop whose batches all have that size."""
    residuals = y - X.dot(betas)
    return _MINUS_TWO * X.T.dot(residuals) / rows


def mse(X: np.ndarray, y: np.ndarray, betas: np.ndarray) -> float:
    """The loss of slide "Regression with Gradient Descent", ``mean((y - X beta)^2)``.

    ``np.mean``'s own sum and division (the same bits) without its Python-level set-up:
    SGD's divergence watch asks for it every few steps."""
    residuals = y - X.dot(betas)
    return float(np.add.reduce(residuals * residuals) / len(y))


def gradient_descent(X, y, *, lr: float = 0.01, epochs: int = 1000, init=None) -> np.ndarray:
    """Full-batch gradient descent on the MSE (slide "Regression with Gradient Descent").

    Starts from ``init`` (zeros, as the slide) and takes ``epochs`` steps of size ``lr``.
    """
    X, y, lr, epochs, _ = training.inputs(X, y, lr=lr, epochs=epochs)
    betas = _initial(init, X.shape[1])
    watch = Watch("gradient descent", lr, epochs, start_loss=mse(X, y, betas))
    with np.errstate(over="ignore", invalid="ignore"):  # a run-away is said once, by the watch
        for epoch in range(1, epochs + 1):
            betas = betas - lr * mse_gradient(X, y, betas)
            if watch.due(epoch, last=epoch == epochs):
                watch.look(epoch, [betas], loss=mse(X, y, betas))
        watch.ended(epochs, mse(X, y, betas))
    return betas


def sgd(X, y, *, lr: float = 0.01, epochs: int = 1000, batch_size: int = 20, rng=None, init=None) -> np.ndarray:
    """Minibatch stochastic gradient descent on the MSE (slide "Regression with SGD").

    Each step draws ``batch_size`` rows without replacement and steps against
    their gradient. ``rng`` picks the sampler (:mod:`nncourse.algorithms.minibatch`): a
    ``Generator`` or seed costs O(batch_size) per step; a ``RandomState`` replays
    the slide's ``np.random.choice`` draw for draw. The data are read once, to check
    them; the divergence watch looks at minibatches only (its start and end loss on the
    rows of the first batches, :func:`nncourse.algorithms.divergence.sample_steps`), so the
    whole call costs O(N) once. The rows of 256 steps are gathered at once: the same
    numbers, a step's batch a view.
    """
    X, y, lr, epochs, batch_size = training.inputs(X, y, lr=lr, epochs=epochs, batch_size=batch_size)
    rng = minibatch.as_rng(rng)
    betas = _initial(init, X.shape[1])
    watch = Watch("SGD", lr, epochs, ended_above=divergence.ENDED_ABOVE)
    rate, rows = np.array(lr), np.array(float(batch_size))  # 0-d: see _MINUS_TWO
    step = 0
    with np.errstate(over="ignore", invalid="ignore"):  # a run-away is said once, by the watch
        for X_chunk, y_chunk in _gathered(X, y, minibatch.chunks(rng, len(y), batch_size, epochs, replace=False)):
            if step == 0:
                first = divergence.sample_steps(batch_size, epochs)
                sample = X_chunk[:first].reshape(-1, X.shape[1]).copy(), y_chunk[:first].ravel().copy()
                watch.start_loss = mse(*sample, betas)
            for X_batch, y_batch in zip(X_chunk, y_chunk):
                step += 1
                betas = betas - rate * _gradient(X_batch, y_batch, betas, rows)
                if watch.due(step, last=step == epochs):
                    watch.look(step, [betas], loss=mse(X_batch, y_batch, betas))
        watch.ended(epochs, mse(*sample, betas))
    return betas


def _gathered(X: np.ndarray, y: np.ndarray, chunks):
    """Each chunk's rows of ``X`` and ``y``, gathered into the same two buffers (fresh pages
    for every chunk cost more than the gathering); read each before asking for the next."""
    X_buffer = y_buffer = None
    for indices in chunks:
        if X_buffer is None or len(X_buffer) < len(indices):
            X_buffer, y_buffer = np.empty(indices.shape + X.shape[1:]), np.empty(indices.shape)
        X_chunk, y_chunk = X_buffer[: len(indices)], y_buffer[: len(indices)]
        # mode="clip": the row numbers are drawn in range; "raise" would gather into a copy first
        yield X.take(indices, axis=0, out=X_chunk, mode="clip"), y.take(indices, out=y_chunk, mode="clip")


def _design(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = as_matrix("X", X)
    return X, as_vector("y", y, length=X.shape[0])


def _initial(init, p: int) -> np.ndarray:
    if init is None:
        return np.zeros(p)
    return as_vector("init", init, length=p, length_of="one per column of X").copy()
