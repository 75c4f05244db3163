"""Drawing the minibatch of slides "Regression with SGD", "Back to Boolean AND" and "MLP for XOR".

The lecture draws each batch with the global ``np.random.choice(len(y),
size=batch_size, replace=...)``. Without replacement, that legacy sampler permutes
all N rows to keep ``batch_size`` of them: O(N) per step, against the slide's own
claim that an SGD step costs O(N'). Our default, :meth:`numpy.random.Generator.choice`,
draws without replacement by Floyd's algorithm in O(batch_size) once N is large
(``benchmarks/sgd_sampler.py`` measures both).

``rng`` chooses the sampler:

- a :class:`numpy.random.Generator` (or an ``int`` seed, or ``None`` for fresh
  entropy): the O(batch_size) sampler;
- a :class:`numpy.random.RandomState`: the lecture's legacy sampler, draw for draw.
  ``np.random.RandomState(s)`` replays ``np.random.seed(s)`` followed by the
  slide's code exactly.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validate import positive_int

def as_rng(rng) -> np.random.Generator | np.random.RandomState:
    """Return the random source named by ``rng`` (see the module docstring)."""
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng: expected a numpy Generator, a RandomState (lecture replay), an int seed or None, "
        f"got {type(rng).__name__}"
    )


def batch_size_for(n: int, batch_size, *, replace: bool) -> int:
    """Validate ``batch_size`` against ``n`` rows: without replacement it cannot exceed ``n``."""
    batch_size = positive_int("batch_size", batch_size)
    if not replace and batch_size > n:
        raise ValueError(
            f"batch_size: expected at most {n} (the number of rows) when sampling without "
            f"replacement, got {batch_size}"
        )
    return batch_size


def draw_batch(rng, n: int, batch_size: int, *, replace: bool) -> np.ndarray:
    """Indices of one minibatch: ``batch_size`` rows out of ``n``, as the slides draw them."""
    return rng.choice(n, size=batch_size, replace=replace)
