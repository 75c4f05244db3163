"""What every trainer of the lecture checks before its first step, in one place.

Gradient descent, SGD, the perceptron and the MLP (one run, or many seeded runs side by
side in :mod:`nncourse.algorithms.studies`) take the same inputs: the data ``X`` and ``y``,
a learning rate, a number of epochs and, for the stochastic ones, a batch size. The data
are read once here (converted and checked finite in one pass, :func:`nncourse.validation.all_finite`),
so a trainer's O(N) cost is this one read; every step after it is O(batch size).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import minibatch
from ..validation import as_matrix, as_vector, check_binary, positive_float, positive_int


class Inputs(NamedTuple):
    """A trainer's checked inputs."""

    X: np.ndarray  # rows x features, finite floats
    y: np.ndarray  # one finite float per row (0/1 for a classifier)
    lr: float
    epochs: int
    batch_size: int | None  # None for full-batch gradient descent


def inputs(X, y, *, lr, epochs, batch_size=None, replace: bool = False, binary: bool = False) -> Inputs:
    """Check a trainer's inputs, naming the argument at fault; ``binary`` asks for 0/1 labels,
    ``replace`` says how batches are drawn (without replacement a batch fits in the rows)."""
    X = as_matrix("X", X)
    y = as_vector("y", y, length=X.shape[0])
    if binary:
        check_binary("y", y)
    lr, epochs = positive_float("lr", lr), positive_int("epochs", epochs)
    if batch_size is not None:
        batch_size = minibatch.batch_size_for(len(y), batch_size, replace=replace)
    return Inputs(X, y, lr, epochs, batch_size)
