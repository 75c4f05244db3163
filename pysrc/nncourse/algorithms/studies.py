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
# each, are kept for up to KEPT_ROWS rows per buffer (two buffers of 32 MiB at most,
# whatever K and the epochs); a block is drawn BLOCK_ROWS rows at a time (a slab of runs:
# their candidates and Floyd's check fit in the cache; on this machine's shared memory bus
# the same work on blocks ten times larger took three to eight times longer).
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
        self._rngs = default_rngs(self.seeds)
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


def default_rngs(seeds: np.ndarray) -> list[np.random.Generator]:
    """``[default_rng(seed) for seed in seeds]`` (non-negative seeds below 2**64), made at once:
    NumPy's ``SeedSequence(seed).generate_state(4, np.uint64)``, the words ``default_rng`` seeds
    its PCG64 with, computed for all seeds together (:func:`seed_words`) and handed to ``PCG64``
    ready: a seventh of the CPU (2000 generators: 48-60 ms one by one against 7 ms, side by
    side on a busy night), on the study's critical path. Should a NumPy seed otherwise, the
    first seed says so and the generators are made one by one."""
    rngs = [np.random.Generator(np.random.PCG64(_Words(words))) for words in seed_words(seeds)]
    if rngs and rngs[0].bit_generator.state != np.random.default_rng(int(seeds[0])).bit_generator.state:
        return [np.random.default_rng(int(seed)) for seed in seeds]
    return rngs


class _Words(np.random.bit_generator.ISeedSequence):
    """A seed sequence whose state is given: the words :func:`seed_words` computed."""

    def __init__(self, words: np.ndarray):
        self.words = words

    def generate_state(self, n_words: int, dtype=np.uint64) -> np.ndarray:
        return self.words


# numpy.random.SeedSequence's constants: its pool of 4 words, its hash and mixing multipliers
POOL, INIT_A, MULT_A, INIT_B, MULT_B, MIX_L, MIX_R = 4, 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED, 0xCA01F9DD, 0x4973F715


def seed_words(seeds: np.ndarray) -> np.ndarray:
    """``SeedSequence(seed).generate_state(4, np.uint64)`` for each seed below 2**64, one row
    each: the seed as two 32-bit words (a seed below 2**32 is one word, the pool's next
    hashed as 0 either way), hashed into the pool, the pool's words mixed with each other,
    then hashed out into 8 words. The hash's multiplier moves on at each hashing whatever
    the seed, so it is a Python int; the words are arrays over the seeds (uint32 wraps as C's)."""
    seeds = np.asarray(seeds, dtype=np.uint64)
    multiplier = INIT_A

    def hashmix(value):
        nonlocal multiplier
        value = value ^ np.uint32(multiplier)
        multiplier = multiplier * MULT_A & 0xFFFFFFFF
        value = value * np.uint32(multiplier)
        return value ^ (value >> np.uint32(16))

    def mix(x, y):
        result = np.uint32(MIX_L) * x - np.uint32(MIX_R) * y
        return result ^ (result >> np.uint32(16))

    entropy = [(seeds & np.uint64(0xFFFFFFFF)).astype(np.uint32), (seeds >> np.uint64(32)).astype(np.uint32)]
    pool = [hashmix(entropy[i] if i < len(entropy) else np.zeros(len(seeds), dtype=np.uint32)) for i in range(POOL)]
    for source in range(POOL):
        for target in range(POOL):
            if source != target:
                pool[target] = mix(pool[target], hashmix(pool[source]))
    state, multiplier = np.empty((len(seeds), 2 * POOL), dtype=np.uint32), INIT_B
    for i in range(2 * POOL):
        value = pool[i % POOL] ^ np.uint32(multiplier)
        multiplier = multiplier * MULT_B & 0xFFFFFFFF
        value = value * np.uint32(multiplier)
        state[:, i] = value ^ (value >> np.uint32(16))
    return state.astype("<u4").view("<u8").astype(np.uint64)


def seeded(seeds) -> Seeded:
    """``seeds`` as :class:`Seeded` (already one, or a sequence of seeds: :func:`as_seeds`)."""
    return seeds if isinstance(seeds, Seeded) else Seeded(seeds)


def batches_of_runs(seeds: Seeded, n: int, batch_size: int, steps: int, *, replace: bool):
    """Each step's minibatches for all runs, shape ``(K, batch_size)``: row ``k`` is what
    ``default_rng(seeds.seeds[k])`` gives a single run at that step. Each array is a buffer
    the next step refills: read it before asking for the next.

    The row numbers are drawn a block of steps at a time (:class:`Blocks`), a few runs (a
    slab) at a time, by two threads: a drawing thread of its own (:func:`draw_blocks`), a
    block ahead of the training, and the training itself, which draws what is left of the
    block it needs rather than wait for it. NumPy lets go of Python's lock while it draws
    and while it trains, so with a core free for each the two share the drawing and the
    training waits for neither; with one core, the training draws it all in turn."""
    blocks = Blocks(seeds.generators(), n, batch_size, steps, replace=replace)
    drawer = threading.Thread(target=draw_blocks, args=(blocks,), name="minibatches", daemon=True)
    drawer.start()
    indices = np.empty((len(blocks.rngs), batch_size), dtype=np.intp)
    try:
        for number in range(len(blocks.sizes)):
            for step_rows in blocks.drawn(number):
                np.copyto(indices, step_rows)  # NumPy's index type: take() needs no conversion
                yield indices
            blocks.trained(number)
    finally:
        blocks.stop()  # stops the drawing thread, also when the training stopped early
        drawer.join()


def block_sizes(steps: int, first: int, span: int) -> list[int]:
    """How many steps each block of :func:`batches_of_runs` has: ``first``, then ``span`` each, the rest last."""
    first = min(first, steps)
    return [first] + [min(span, steps - start) for start in range(first, steps, span)]


class Blocks:
    """The row numbers of K runs, block after block of steps, each block a buffer of shape
    (steps, K, b) (two buffers: one trained on while the other is drawn), drawn slab by slab
    (the runs whose doubles and Floyd's check fit in the cache together) by whichever thread
    takes the next slab. Each run draws its blocks in order, as a single run does: no slab of
    a block is taken before the block before it is drawn whole."""

    def __init__(self, rngs, n: int, b: int, steps: int, *, replace: bool):
        self.rngs, self.n, self.replace = rngs, n, replace
        span = max(1, min(steps, HANDED_STEPS, DRAWN_ROWS // b, KEPT_ROWS // (len(rngs) * b)))  # steps per block
        self.sizes = block_sizes(steps, min(span, FIRST_STEPS), span)
        self.scale, self.top = minibatch.scale_and_top(n, b, replace=replace)
        self.buffers = [np.empty((span, len(rngs), b), dtype=self.top.dtype) for _ in range(2)]
        self.slabs = [range(0, len(rngs), max(1, BLOCK_ROWS // (size * b))) for size in self.sizes]  # each slab's first run
        self.next, self.done, self.last_trained = (0, 0), [0] * len(self.sizes), -1
        self.stopped, self.error = False, None
        self.changed = threading.Condition()

    def drawn(self, number: int) -> np.ndarray:
        """Block ``number`` once drawn, its steps first; the calling thread draws its slabs left meanwhile."""
        with self.changed:
            self._work(number, lambda: self.done[number] == len(self.slabs[number]))
        return self.buffers[number % 2][: self.sizes[number]]

    def trained(self, number: int) -> None:
        """The training is done with block ``number``: its buffer may take block ``number + 2``."""
        with self.changed:
            self.last_trained = number
            self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.stopped = True
            self.changed.notify_all()

    def ahead(self) -> None:
        """The drawing thread: every slab it may take, to the last block or :meth:`stop`."""
        with self.changed:
            self._work(len(self.sizes), lambda: self.stopped or self.next[0] == len(self.sizes))

    def _work(self, last: int, finished) -> None:
        """Take and draw slabs of blocks up to ``last``, or wait, until ``finished()``; holding
        ``self.changed`` but while drawing. A drawing thread's error is raised in the training."""
        work = None
        while not finished():
            if self.error is not None:
                raise self.error
            job = self._take(last)
            if job is None:
                self.changed.wait()
                continue
            work = work or self._work_space()
            self.changed.release()
            try:
                self._draw(*job, work)
            finally:
                self.changed.acquire()
            self.done[job[0]] += 1
            self.changed.notify_all()

    def _take(self, last: int) -> tuple[int, int] | None:
        """The next slab (block, first run) if it is in a block up to ``last`` and may be drawn now."""
        block, slab = self.next
        if self.stopped or block > last or block == len(self.sizes):
            return None
        if block and self.done[block - 1] < len(self.slabs[block - 1]):  # each run's blocks in order
            return None
        if block - 2 > self.last_trained:  # its buffer still holds a block being trained on
            return None
        self.next = (block, slab + 1) if slab + 1 < len(self.slabs[block]) else (block + 1, 0)
        return block, self.slabs[block][slab]

    def _work_space(self):
        """One thread's buffers for drawing a slab: its doubles per run, and the slab's candidates."""
        b = self.buffers[0].shape[2]
        most = b * max(min(runs.step, len(self.rngs)) * size for runs, size in zip(self.slabs, self.sizes))  # a slab's rows
        return np.empty((max(self.sizes), b)), np.empty(most, dtype=self.top.dtype), np.empty((3 + 2 * self.top.itemsize) * most, dtype=np.uint8)

    def _draw(self, block: int, first: int, work) -> None:
        """Block ``block``'s rows for the slab of runs from ``first``, into its buffer."""
        size, runs = self.sizes[block], self.slabs[block].step
        rngs = self.rngs[first : first + runs]
        doubles = work[0][:size]
        picks = work[1][: len(rngs) * doubles.size].reshape(len(rngs), size, -1)
        for rng, run in zip(rngs, picks):
            rng.random(out=doubles)  # the doubles a single run draws for these steps
            np.multiply(doubles, self.scale, out=run, casting="unsafe")  # minibatch.candidates, clamped below
        rows = self.buffers[block % 2][:size, first : first + len(rngs)]
        if self.replace:
            np.minimum(picks, self.top, out=rows.transpose(1, 0, 2))
        else:
            floyd_runs(picks, self.n, self.top, out=rows, work=work[2])


def draw_blocks(blocks: Blocks) -> None:
    """:func:`batches_of_runs`'s drawing thread (:meth:`Blocks.ahead`); an error goes to the training, which raises it."""
    try:
        blocks.ahead()
    except BaseException as error:  # noqa: BLE001 - handed to the training thread, which raises it
        with blocks.changed:
            blocks.error = error
            blocks.changed.notify_all()


def floyd_runs(picks: np.ndarray, n: int, top: np.ndarray, *, out: np.ndarray, work: np.ndarray | None = None) -> None:
    """Clamped to ``top`` and through Floyd's check, ``picks`` (K, steps, b) into ``out``
    (steps, K, b), a few runs at a time: one contiguous slab per draw, in the cache.
    ``work``: bytes to work in, ``(3 + 2 * itemsize)`` per row of a slab (a caller running
    slab after slab passes the same: fresh pages cost more than the work)."""
    runs = max(1, BLOCK_ROWS // (picks.shape[1] * picks.shape[2]))
    size = min(runs, len(picks)) * picks[0].size
    work = np.empty((3 + 2 * picks.itemsize) * size, dtype=np.uint8) if work is None else work
    slabs = work[: size * picks.itemsize].view(picks.dtype)
    scratch = work[size * picks.itemsize :]
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
