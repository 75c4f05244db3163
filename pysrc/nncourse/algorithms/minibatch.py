"""Drawing the minibatch of slides "Regression with SGD", "Back to Boolean AND" and "MLP for XOR".

The lecture draws each batch with the global ``np.random.choice(len(y),
size=batch_size, replace=...)``. Without replacement, that legacy sampler permutes
all N rows to keep ``batch_size`` of them: O(N) per step, against the slide's own
claim that an SGD step costs O(N'). Ours costs O(batch_size) whatever N
(``benchmarks/sgd_sampler.py`` measures both).

``rng`` chooses the sampler:

- a :class:`numpy.random.Generator` (or an ``int`` seed, or ``None`` for fresh
  entropy): ours. Every row number costs exactly one double of ``rng.random``:
  ``floor(u * n)`` with replacement; Floyd's algorithm without (the k-th of the
  batch is ``floor(u * (j + 1))`` for ``j = n - batch_size + k``, or ``j`` itself
  if that row is already in the batch), a uniformly random subset. So a run's
  batches are the same whether its steps are drawn one at a time or a thousand at
  once, which is what lets :mod:`nncourse.algorithms.studies` train thousands of seeded runs
  side by side and get, for each, exactly the batches it gets alone.
- a :class:`numpy.random.RandomState`: the lecture's legacy sampler, draw for draw.
  ``np.random.RandomState(s)`` replays ``np.random.seed(s)`` followed by the
  slide's code exactly.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..validation import boolean, fits_in_memory, positive_int, real_array

def as_rng(rng) -> np.random.Generator | np.random.RandomState:
    """Return the random source named by ``rng`` (see the module docstring)."""
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng: expected a non-negative int seed, got {rng}")
        return np.random.default_rng(int(rng))
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
    return draw_steps(rng, n, batch_size, 1, replace=replace)[0]


def draw_steps(rng, n: int, batch_size: int, steps: int, *, replace: bool) -> np.ndarray:
    """The minibatches of ``steps`` consecutive steps, one row each: shape ``(steps, batch_size)``."""
    n, steps = positive_int("n", n), positive_int("steps", steps)
    batch_size = batch_size_for(n, batch_size, replace=boolean("replace", replace))
    fits_in_memory("batch_size", steps * batch_size, 16)
    rng = as_rng(rng)
    if isinstance(rng, np.random.RandomState):
        return np.array([rng.choice(n, size=batch_size, replace=replace) for _ in range(steps)]).reshape(steps, batch_size)
    return rows_from_uniforms(rng.random((steps, batch_size)), n, replace=replace)


def rows_from_uniforms(u: np.ndarray, n: int, *, replace: bool) -> np.ndarray:
    """Row numbers from uniform doubles, one per row drawn; the last axis of ``u`` is a batch.
    Returned in the smallest signed integer type that holds ``n`` (any integer indexes).

    Any leading axes (steps, runs) are batches of their own: each row of ``u`` gives the
    batch a single draw would give from the same doubles."""
    u = real_array("u", u)
    if u.ndim == 0 or u.size == 0:
        raise ValueError(f"u: expected at least one batch of uniform doubles (last axis a batch), got shape {u.shape}")
    n = positive_int("n", n)
    low, high = float(u.min()), float(u.max())
    if not (0.0 <= low and high < 1.0):  # NaN fails this too
        raise ValueError(f"u: expected uniform doubles in [0, 1) (what Generator.random draws), got values from {low} to {high}")
    if not replace and u.shape[-1] > n:
        raise ValueError(f"u: expected at most n = {n} draws per batch without replacement, got {u.shape[-1]}")
    small = np.min_scalar_type(-n)
    if replace:
        return np.minimum((u * n).astype(small), n - 1)
    batch_size = u.shape[-1]
    if u.size <= SCALAR_FLOYD:  # one batch or a few: plain Python beats ~20 NumPy calls, same numbers
        rows = [_floyd_row(row, n) for row in u.reshape(-1, batch_size).tolist()]
        return np.array(rows, dtype=small).reshape(u.shape)
    top = n - batch_size + np.arange(batch_size)  # draw k picks among rows 0..top[k]
    picks = np.minimum((u * (top + 1)).astype(small), top.astype(small))  # in u's layout: one pass, no transposed doubles
    draws = np.ascontiguousarray(np.moveaxis(picks, -1, 0))  # the batch axis first: one slab per draw
    rows = np.empty(draws.shape, dtype=small)  # int16 up to 32767 rows: a quarter of intp's memory traffic
    same, taken = np.empty(draws.shape, dtype=bool), np.empty(draws.shape[1:], dtype=bool)
    rows[0] = draws[0]
    for k in range(1, batch_size):  # Floyd: O(batch_size) per batch, whatever n; two calls per draw
        np.equal(rows[:k], draws[k], out=same[:k])  # draw k against every row before it
        np.logical_or.reduce(same[:k], axis=0, out=taken)
        rows[k] = np.where(taken, top[k], draws[k])
    return np.moveaxis(rows, 0, -1)


SCALAR_FLOYD = 256  # up to this many doubles, Floyd's loop runs in plain Python


def _floyd_row(doubles: list[float], n: int) -> list[int]:
    """Floyd's algorithm on one batch's doubles: the vectorised loop's arithmetic, one value at a time."""
    batch_size, rows = len(doubles), []
    for k, u in enumerate(doubles):
        j = n - batch_size + k
        pick = min(int(u * (j + 1)), j)
        rows.append(j if pick in rows else pick)
    return rows


def chunks(rng, n: int, batch_size: int, steps: int, *, replace: bool, chunk: int = 256):
    """The minibatches of a single run, ``chunk`` steps at a time: arrays of shape
    ``(steps in the chunk, batch_size)`` in NumPy's index type, ready to gather rows with."""
    for start in range(0, steps, chunk):
        yield draw_steps(rng, n, batch_size, min(chunk, steps - start), replace=replace).astype(np.intp, copy=False)


def batches(rng, n: int, batch_size: int, steps: int, *, replace: bool, chunk: int = 256):
    """Each step's minibatch in turn (the loop of a single run), drawn ``chunk`` steps at a time."""
    for indices in chunks(rng, n, batch_size, steps, replace=replace, chunk=chunk):
        yield from indices
