"""Seeded studies: the lecture's three stochastic trainings run for many seeds at once.

The lecture printed SGD's betas, the AND perceptron's params and the MLP's outputs from
unseeded runs, so the report places them among thousands of seeded runs. Trained one
seed after another, each step is a handful of NumPy calls on arrays of 10 or 20 rows:
the time goes to call overhead, not arithmetic. Here K runs train side by side, one
array axis per run, so one Python step advances all of them.

Run ``k`` of a batch is ``seeds[k]`` trained alone: its minibatches come from its own
``default_rng(seeds[k])``, drawn as the single run draws them (each row number one
double, :func:`nncourse.algorithms.minibatch.rows_from_uniforms`, so drawing many steps at once
changes nothing), and its updates are the single run's formulas with a run axis in
front. The single-run functions (:func:`nncourse.algorithms.linear.sgd`,
:func:`nncourse.algorithms.perceptron.train_perceptron`, :func:`nncourse.algorithms.mlp.train_mlp`) stay the
slides' code line for line; ``tests/test_studies.py`` holds the two to each other for
hundreds of seeds: bit for bit for SGD and the perceptron, to 1e-12 for the MLP, whose
sums over a batch NumPy may add in another order when a run axis is in front.
"""

from __future__ import annotations

import numbers
import queue
import threading

import numpy as np

from . import minibatch, mlp, training
from .divergence import check_runs
from ..validation import as_matrix, free_memory
from .activations import relu, relu_derivative, sigmoid, step

# How the minibatches of K runs are drawn (:func:`batches_of_runs`): in blocks of at most
# HANDED_STEPS steps, the first of FIRST_STEPS (the training waits for the first block only;
# blocks of 256 steps cost the drawing no more calls than one block of 1000, blocks of 64 a
# tenth more CPU); each run draws the doubles of up to DRAWN_ROWS rows in one call (256 KiB:
# they stay in the cache while they become row numbers); the runs' row numbers, one byte
# each, are kept for up to KEPT_ROWS rows per buffer (three buffers of 32 MiB at most,
# whatever K and the epochs); Floyd's check goes BLOCK_ROWS rows at a time, a block that
# fits in the cache (on this machine's shared memory bus the same work on blocks ten times
# larger took three to eight times longer).
FIRST_STEPS, HANDED_STEPS, DRAWN_ROWS, KEPT_ROWS, BLOCK_ROWS = 32, 256, 2**15, 2**25, 2**18
# Seeds trained together at most (a study of more goes block by block: its memory is the
# block's, some 80 MB at 10,000 seeds, plus the results); and what one run's results keep (33 numbers).
BLOCK = 10_000
RESULT_BYTES = 8 * 40


def most_runs() -> int:
    """How many seeded runs a study may have here: their results in half the free memory."""
    free = free_memory() or 2**31
    return max(2, free // 2 // RESULT_BYTES)


def as_seeds(seeds) -> np.ndarray:
    """Seeds as a 1-D array of non-negative ints (what ``default_rng`` takes), or a clear error."""
    if isinstance(seeds, (str, bytes)) or not np.iterable(seeds):
        raise TypeError(f"seeds: expected a sequence of non-negative integers, got {type(seeds).__name__}")
    seeds = list(seeds)
    bad = [s for s in seeds if isinstance(s, bool) or not isinstance(s, numbers.Integral) or not 0 <= s < 2**63]
    if bad or not seeds:
        raise ValueError(f"seeds: expected at least one integer from 0 to 2**63 - 1, got {bad[:3] if bad else 'none'}"[:200])
    return np.array(seeds, dtype=np.int64)


class Seeded:
    """``default_rng(seed)`` for each of a study's seeds, seeded once. Each study that takes
    them (:func:`generators`) starts every generator again from its seed's first draw:
    restoring a state costs a tenth or less of seeding, so the report's three studies of the
    same seeds seed their generators once, not three times."""

    def __init__(self, seeds):
        self.seeds = as_seeds(seeds)
        self._rngs = [np.random.default_rng(int(seed)) for seed in self.seeds]
        self._starts = [rng.bit_generator.state for rng in self._rngs]
        self._fresh = True

    def __len__(self) -> int:
        return len(self.seeds)

    def generators(self) -> list[np.random.Generator]:
        """Every seed's generator, about to give its first draw."""
        if not self._fresh:
            for rng, start in zip(self._rngs, self._starts):
                rng.bit_generator.state = start
        self._fresh = False
        return self._rngs


def seeded(seeds) -> Seeded:
    """``seeds`` as :class:`Seeded` (already one, or a sequence of seeds: :func:`as_seeds`)."""
    return seeds if isinstance(seeds, Seeded) else Seeded(seeds)


def batches_of_runs(seeds: Seeded, n: int, batch_size: int, steps: int, *, replace: bool):
    """Each step's minibatches for all runs, shape ``(K, batch_size)``: row ``k`` is what
    ``default_rng(seeds.seeds[k])`` gives a single run at that step. Each array is a buffer
    the next step refills: read it before asking for the next.

    The row numbers are drawn in a thread of their own (:func:`draw_blocks`), a block of
    steps ahead of the training: NumPy lets go of Python's lock while it draws and while it
    trains, so with a core free for it the drawing costs the training little more than its
    first, short block. On one core the two threads' work adds up to what drawing in turn
    with training costs (the same CPU, within this machine's noise)."""
    rngs, b = seeds.generators(), batch_size
    span = max(1, min(steps, HANDED_STEPS, DRAWN_ROWS // b, KEPT_ROWS // (len(rngs) * b)))  # steps per block
    sizes = block_sizes(steps, min(span, FIRST_STEPS), span)
    dtype = minibatch.scale_and_top(n, b, replace=replace)[1].dtype
    free, ready = queue.SimpleQueue(), queue.SimpleQueue()
    for _ in range(2):  # one block trained on while the other is drawn
        free.put(np.empty((span, len(rngs), b), dtype=dtype))
    drawer = threading.Thread(target=draw_blocks, args=(rngs, n, b, sizes, replace, free, ready), name="minibatches", daemon=True)
    drawer.start()
    indices = np.empty((len(rngs), b), dtype=np.intp)
    try:
        for _ in sizes:
            block = ready.get()
            if isinstance(block, BaseException):
                raise block
            for step_rows in block:
                np.copyto(indices, step_rows)  # NumPy's index type: take() needs no conversion
                yield indices
            free.put(block.base)
    finally:
        free.put(None)  # stops the drawing thread, also when the training stopped early
        drawer.join()


def block_sizes(steps: int, first: int, span: int) -> list[int]:
    """How many steps each block of :func:`batches_of_runs` has: ``first``, then ``span`` each, the rest last."""
    first = min(first, steps)
    return [first] + [min(span, steps - start) for start in range(first, steps, span)]


def draw_blocks(rngs, n: int, b: int, sizes: list[int], replace: bool, free, ready) -> None:
    """:func:`batches_of_runs`'s drawing thread: fills each buffer ``free`` gives, shape (steps
    of a block, K, b), with the row numbers of the next ``sizes[i]`` steps, and puts the part
    filled in ``ready``; stops at ``None`` or after the last block. An error goes to ``ready`` instead."""
    try:
        scale, top = minibatch.scale_and_top(n, b, replace=replace)
        span = max(sizes)
        doubles, picks = np.empty((span, b)), np.empty((len(rngs), span, b), dtype=top.dtype)  # per run, its steps
        for size in sizes:
            rows = free.get()
            if rows is None:
                return
            drawn = doubles[:size]
            for rng, run in zip(rngs, picks[:, :size]):
                rng.random(out=drawn)  # the doubles a single run draws for these steps
                np.multiply(drawn, scale, out=run, casting="unsafe")  # minibatch.candidates, clamped below
            if replace:
                np.minimum(picks[:, :size], top, out=rows[:size].transpose(1, 0, 2))
            else:
                floyd_runs(picks[:, :size], n, top, out=rows[:size])
            ready.put(rows[:size])
    except BaseException as error:  # noqa: BLE001 - handed to the training thread, which raises it
        ready.put(error)


def floyd_runs(picks: np.ndarray, n: int, top: np.ndarray, *, out: np.ndarray) -> None:
    """Clamped to ``top`` and through Floyd's check, ``picks`` (K, steps, b) into ``out``
    (steps, K, b), a few runs at a time: one contiguous slab per draw, in the cache."""
    runs = max(1, BLOCK_ROWS // (picks.shape[1] * picks.shape[2]))
    slabs = np.empty(min(runs, len(picks)) * picks[0].size, dtype=picks.dtype)
    scratch = np.empty((2 + slabs.itemsize) * slabs.size, dtype=np.uint8)
    for first in range(0, len(picks), runs):
        part = picks[first : first + runs]
        draws = slabs[: part.size].reshape(part.shape[2], part.shape[0], part.shape[1])
        np.minimum(part.transpose(2, 0, 1), top[:, None, None], out=draws)
        minibatch.floyd(draws, n, scratch=scratch)
        np.copyto(out[:, first : first + runs], draws.transpose(2, 1, 0))


def sum_rows(a: np.ndarray) -> np.ndarray:
    """``a`` summed over its batch axis (axis 1), row after row: the order in which a single
    run's ``np.sum(delta, axis=0)`` adds them, so the same bits, at a quarter of the time."""
    total = a[:, 0].copy()
    for row in range(1, a.shape[1]):
        total += a[:, row]
    return total


def sgd_runs(X, y, seeds, *, lr: float = 0.01, epochs: int = 1000, batch_size: int = 20) -> np.ndarray:
    """:func:`nncourse.algorithms.linear.sgd` from zeros for each seed (slide "Regression with SGD"):
    the betas of run ``k`` in row ``k``."""
    X, y, lr, epochs, batch_size = training.inputs(X, y, lr=lr, epochs=epochs, batch_size=batch_size)
    seeds = seeded(seeds)
    betas = np.zeros((len(seeds), X.shape[1]))
    with np.errstate(over="ignore", invalid="ignore"):  # a run-away is said once, by check_runs
        for indices in batches_of_runs(seeds, len(y), batch_size, epochs, replace=False):
            betas = sgd_step(betas, X.take(indices, axis=0), y.take(indices), lr)
    check_runs("SGD", lr, epochs, [betas])
    return betas


def sgd_step(betas: np.ndarray, X_batch: np.ndarray, y_batch: np.ndarray, lr: float) -> np.ndarray:
    """One step of every run: ``betas`` (K, p), ``X_batch`` (K, b, p), ``y_batch`` (K, b)."""
    residuals = y_batch - (X_batch @ betas[:, :, None])[:, :, 0]
    gradient = -2 * (X_batch.transpose(0, 2, 1) @ residuals[:, :, None])[:, :, 0] / X_batch.shape[1]
    return betas - lr * gradient


def perceptron_runs(X, y, seeds, *, lr: float = 0.1, epochs: int = 1000, batch_size: int = 10) -> np.ndarray:
    """:func:`nncourse.algorithms.perceptron.train_perceptron` for each seed (slide "Back to Boolean AND"):
    the params ``(w..., b)`` of run ``k`` in row ``k``."""
    X, y, lr, epochs, batch_size = training.inputs(X, y, lr=lr, epochs=epochs, batch_size=batch_size, replace=True, binary=True)
    seeds = seeded(seeds)
    params = np.zeros((len(seeds), X.shape[1] + 1))
    with np.errstate(over="ignore", invalid="ignore"):  # a run-away is said once, by check_runs
        for indices in batches_of_runs(seeds, len(y), batch_size, epochs, replace=True):
            params = perceptron_step(params, X.take(indices, axis=0), y.take(indices), lr)
    check_runs("the perceptron", lr, epochs, [params])
    return params


def perceptron_step(params: np.ndarray, X_batch: np.ndarray, y_batch: np.ndarray, lr: float) -> np.ndarray:
    """One step of every run: ``params`` (K, p + 1), weights then bias; updated in place."""
    batch_size, p = X_batch.shape[1], X_batch.shape[2]
    z = (X_batch @ params[:, :p, None])[:, :, 0] + params[:, p, None]  # linear step
    residuals = y_batch - step(z)  # perceptron error (0 or +-1)
    gradient_w = (-2 * X_batch.transpose(0, 2, 1) @ residuals[:, :, None])[:, :, 0] / batch_size
    gradient_b = -2 * np.sum(residuals, axis=1) / batch_size
    params[:, :p] = params[:, :p] - lr * gradient_w
    params[:, p] = params[:, p] - lr * gradient_b
    return params


def mlp_runs(X, y, seeds, *, lr: float = 0.1, epochs: int = 1000, batch_size: int = 10, init: mlp.MLPWeights | None = None) -> mlp.MLPWeights:
    """:func:`nncourse.algorithms.mlp.train_mlp` for each seed (slide "MLP for XOR"), all from ``init``
    (the slide's ``default_rng(1)`` start by default): weights with the run first,
    ``W1`` of shape ``(K, inputs, hidden)``, ``b1`` and ``w2`` ``(K, hidden)``, ``b2`` ``(K,)``."""
    X, y, lr, epochs, batch_size = training.inputs(X, y, lr=lr, epochs=epochs, batch_size=batch_size, replace=True, binary=True)
    seeds = seeded(seeds)
    start = mlp.init_weights(inputs=X.shape[1]) if init is None else mlp.check_weights(init)
    K = len(seeds)
    weights = mlp.MLPWeights(*(np.repeat(np.asarray(w, dtype=float)[None], K, axis=0) for w in start))
    with np.errstate(over="ignore", invalid="ignore"):  # a run-away is said once, by check_runs
        for indices in batches_of_runs(seeds, len(y), batch_size, epochs, replace=True):
            weights = mlp_step(weights, X.take(indices, axis=0), y.take(indices), lr)
        output = mlp_layers(weights, X).output
    check_runs("the MLP", lr, epochs, list(weights), saturated=np.all(output * (1 - output) == 0, axis=1))
    return weights


def mlp_step(weights: mlp.MLPWeights, X_batch: np.ndarray, y_batch: np.ndarray, lr: float) -> mlp.MLPWeights:
    """One step of every run (:func:`nncourse.algorithms.mlp.sgd_step` with the run first); in place."""
    W1, b1, w2, b2 = weights
    batch_size = X_batch.shape[1]
    z1 = X_batch @ W1 + b1[:, None, :]  # hidden pre-activation (K, b, hidden)
    h = relu(z1)  # hidden layer (ReLU)
    y_pred = sigmoid((h @ w2[:, :, None])[:, :, 0] + b2[:, None])  # output (sigmoid)
    residuals = y_batch - y_pred
    sig_d = y_pred * (1 - y_pred)  # sigmoid derivative
    error = residuals * sig_d
    delta = error[:, :, None] * w2[:, None, :] * relu_derivative(z1)  # backpropagation
    gradient_w1 = -2 * X_batch.transpose(0, 2, 1) @ delta / batch_size
    gradient_b1 = -2 * sum_rows(delta) / batch_size
    gradient_w2 = (-2 * h.transpose(0, 2, 1) @ error[:, :, None])[:, :, 0] / batch_size
    gradient_b2 = -2 * np.sum(error, axis=1) / batch_size
    W1 -= lr * gradient_w1
    b1 -= lr * gradient_b1
    w2 -= lr * gradient_w2
    b2 -= lr * gradient_b2
    return mlp.MLPWeights(W1, b1, w2, b2)


def mlp_layers(weights: mlp.MLPWeights, X) -> mlp.Layers:
    """:func:`nncourse.algorithms.mlp.layers` for each run of :func:`mlp_runs`: every stage with the run first."""
    X = as_matrix("X", X, ncols=weights.W1.shape[1])
    z1 = X @ weights.W1 + weights.b1[:, None, :]
    h = relu(z1)
    z2 = (h @ weights.w2[:, :, None])[:, :, 0] + weights.b2[:, None]
    return mlp.Layers(z1, h, z2, sigmoid(z2))
