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
    n, batch_size, steps = _checked(n, batch_size, steps, replace)
    rng = as_rng(rng)
    if isinstance(rng, np.random.RandomState):
        return np.array([rng.choice(n, size=batch_size, replace=replace) for _ in range(steps)]).reshape(steps, batch_size)
    return rows_from_uniforms(rng.random((steps, batch_size)), n, replace=replace)


def _checked(n, batch_size, steps, replace) -> tuple[int, int, int]:
    """``n``, ``batch_size`` and ``steps`` checked for :func:`draw_steps` (``steps`` batches at once in memory)."""
    n, steps = positive_int("n", n), positive_int("steps", steps)
    batch_size = batch_size_for(n, batch_size, replace=boolean("replace", replace))
    fits_in_memory("batch_size", steps * batch_size, 16)
    return n, batch_size, steps


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
    if replace or u.shape[-1] == 1:
        return candidates(u, n, replace=replace)
    if u.size <= SCALAR_FLOYD:  # one batch or a few: plain Python beats ~80 NumPy calls, same numbers
        rows = [_floyd_row(row, n) for row in u.reshape(-1, u.shape[-1]).tolist()]
        return np.array(rows, dtype=np.min_scalar_type(-n)).reshape(u.shape)
    draws = np.ascontiguousarray(np.moveaxis(candidates(u, n, replace=False), -1, 0))  # one slab per draw
    return np.moveaxis(floyd(draws, n), 0, -1)


def candidates(u: np.ndarray, n: int, *, replace: bool, out: np.ndarray | None = None) -> np.ndarray:
    """Each double's row number before Floyd's check, in ``u``'s layout (the last axis a batch):
    ``floor(u * scale)``, at most ``top`` (:func:`scale_and_top`). Into ``out`` if given, else the
    smallest signed integer type that holds ``n`` (int8 up to 127 rows: an eighth of intp's
    memory traffic). Unchecked: :func:`rows_from_uniforms` checks ``u`` and ``n``."""
    scale, top = scale_and_top(n, u.shape[-1], replace=replace)
    out = np.empty(u.shape, dtype=top.dtype) if out is None else out
    np.multiply(u, scale, out=out, casting="unsafe")  # the product's double, truncated: its floor
    return np.minimum(out, top, out=out)


def scale_and_top(n: int, batch_size: int, *, replace: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per draw of a batch, what its double is multiplied by and the largest row it may give:
    ``n`` and ``n - 1`` with replacement; ``j + 1`` and ``j`` for draw ``k``'s ``j = n -
    batch_size + k`` without (``u * (j + 1)`` can round up to ``j + 1``). ``top`` in the
    smallest signed integer type that holds ``n``."""
    top = np.arange(batch_size, dtype=np.min_scalar_type(-n))
    if replace:
        top[:] = n - 1
    else:
        top += n - batch_size
    return top + 1.0, top


def floyd(draws: np.ndarray, n: int, *, scratch: np.ndarray | None = None) -> np.ndarray:
    """Floyd's algorithm, in place, on candidates (:func:`candidates`) with the batch axis first:
    ``draws[k]`` holds draw ``k`` of every batch and becomes its row, ``j = n - batch_size + k``
    where the candidate is already a row of the batch. O(batch_size) per batch, whatever n;
    four calls per draw. ``scratch``: bytes to work in, ``(2 + itemsize) * draws.size`` is
    enough (a caller running Floyd block after block passes the same: fresh pages cost more
    than the work)."""
    top = scale_and_top(n, len(draws), replace=False)[1].astype(draws.dtype)
    batches, size = draws[0].nbytes, draws.size
    scratch = np.empty(batches + size + draws[0].size, dtype=np.uint8) if scratch is None else scratch
    hit = scratch[:batches].view(draws.dtype).reshape(draws.shape[1:])  # first: aligned for its type
    same = scratch[batches : batches + size].view(bool).reshape(draws.shape)
    taken = scratch[batches + size : batches + size + draws[0].size].view(bool).reshape(draws.shape[1:])
    for k in range(1, len(draws)):
        np.equal(draws[:k], draws[k], out=same[:k])  # draw k against every row before it
        np.logical_or.reduce(same[:k], axis=0, out=taken)
        np.multiply(taken.view(np.int8), top[k], out=hit)  # j where taken, else 0; the candidate is at most j
        np.maximum(draws[k], hit, out=draws[k])  # (np.where is 15x slower here: a cast per element)
    return draws


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
    ``(steps in the chunk, batch_size)`` in NumPy's index type, ready to gather rows with.
    Each is a buffer the next chunk refills (fresh pages for every chunk cost more than
    drawing into them): read it before asking for the next."""
    steps, chunk = positive_int("steps", steps), positive_int("chunk", chunk)
    n, batch_size, size = _checked(n, batch_size, min(chunk, steps), replace)
    rng = as_rng(rng)
    legacy = isinstance(rng, np.random.RandomState)
    doubles = None if legacy else np.empty((size, batch_size))
    rows = np.empty((size, batch_size), dtype=np.intp)
    for start in range(0, steps, chunk):
        size = min(chunk, steps - start)
        if legacy:
            drawn = draw_steps(rng, n, batch_size, size, replace=replace)
        else:  # draw_steps' doubles, into the buffer
            drawn = rows_from_uniforms(rng.random(out=doubles[:size]), n, replace=replace)
        np.copyto(rows[:size], drawn)
        yield rows[:size]


def batches(rng, n: int, batch_size: int, steps: int, *, replace: bool, chunk: int = 256):
    """Each step's minibatch in turn (the loop of a single run), drawn ``chunk`` steps at a time."""
    for indices in chunks(rng, n, batch_size, steps, replace=replace, chunk=chunk):
        yield from indices
