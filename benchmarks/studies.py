"""Seeded runs per second: one seed after another against all seeds side by side.

Run: .venv/bin/python benchmarks/studies.py [--k 1 10 100 1000 10000]

For each model of the report's study (SGD, the AND perceptron, the MLP; the lecture's
settings, 1000 steps) and each K, in one run:

- loop: the single-run function, seed after seed (timed on up to 40 seeds: its rate per
  run does not depend on K);
- batched: :mod:`nncourse.studies`, all K seeds at once, and the ratio to the loop;
- floor: 1000 x one step (``studies.*_step``) on arrays of K runs with its inputs ready,
  each step from the one before, best of several whole runs: the NumPy operations a step needs at that size and nothing else (no
  index drawing, no gathering, no loop bookkeeping). Each step needs the one before, so
  1000 of them cannot cost less; batched / floor says what drawing and gathering add.
  (One operation over all K x 1000 run-steps is no floor: at K >= 1000 its arrays fall
  out of the caches and it runs slower than the loop.)
- memory: the peak of NumPy's allocations (tracemalloc) during the batched run at the
  largest K. Goal: under 500 MB at K = 10000.
"""

from __future__ import annotations

import argparse
import threading
import time
import timeit
import tracemalloc

import numpy as np

from nncourse.algorithms import data
from nncourse.repro import computed as lecture
from nncourse.algorithms import mlp
from nncourse.algorithms import studies

EPOCHS = 1000


def models():
    """(name, single run for one seed, batched run for seeds, step, its inputs for M run-steps)."""
    X_r, y_r = data.regression_data()
    X_a, y_a = data.features(data.and_data())
    X_x, y_x = data.features(data.xor_data())
    start = mlp.init_weights()

    def sgd_inputs(m, rng):
        idx = rng.integers(0, len(y_r), (m, lecture.SGD["batch_size"]))
        return (np.zeros((m, 2)), X_r.take(idx, axis=0), y_r.take(idx), lecture.SGD["lr"])

    def perceptron_inputs(m, rng):
        idx = rng.integers(0, 4, (m, lecture.PERCEPTRON["batch_size"]))
        return (np.zeros((m, 3)), X_a.take(idx, axis=0), y_a.take(idx), lecture.PERCEPTRON["lr"])

    def mlp_inputs(m, rng):
        idx = rng.integers(0, 4, (m, lecture.MLP["batch_size"]))
        weights = mlp.MLPWeights(*(np.repeat(np.asarray(w, dtype=float)[None], m, axis=0) for w in start))
        return (weights, X_x.take(idx, axis=0), y_x.take(idx), lecture.MLP["lr"])

    return [
        ("SGD", lecture.sgd_betas, lambda seeds: studies.sgd_runs(X_r, y_r, seeds, **lecture.SGD), studies.sgd_step, sgd_inputs),
        ("perceptron", lecture.and_perceptron_params, lambda seeds: studies.perceptron_runs(X_a, y_a, seeds, **lecture.PERCEPTRON), studies.perceptron_step, perceptron_inputs),
        ("MLP", lecture.mlp_outputs, lambda seeds: studies.mlp_runs(X_x, y_x, seeds, **lecture.MLP), studies.mlp_step, mlp_inputs),
    ]


def floor_seconds(step, inputs, k: int, *, repeat: int = 3) -> float:
    """The best time of ``repeat`` x EPOCHS steps of K runs one after the other, their inputs
    made beforehand: measured as a study is (:func:`floor_ratios`), whole 1000-step runs."""
    return min(timeit.repeat(floor_run(step, inputs, k), number=1, repeat=repeat))


def floor_run(step, inputs, k: int):
    """EPOCHS steps of K runs, each from the one before, their inputs made beforehand."""
    start, *rest = inputs(k, np.random.default_rng(0))

    def run():
        state = type(start)(*(w.copy() for w in start)) if isinstance(start, tuple) else start.copy()  # steps may update in place
        for _ in range(EPOCHS):
            state = step(state, *rest)

    return run


def floor_ratios(k: int = 2000, repeat: int = 5) -> dict[str, tuple[float, float]]:
    """Per model, (the batched study of ``k`` seeds in seconds, its floor in seconds), side by
    side in this run: the report's studies (issue 21: SGD within 2x of its floor). Both sides
    measured alike, so that the machine's other work moves both the same: whole runs, one
    study then one floor, ``repeat`` times in turn, the best of each."""
    out = {}
    for name, _alone, batched, step, inputs in models():
        batched(range(min(k, 50)))  # warm
        floor = floor_run(step, inputs, k)
        times = [(timeit.timeit(lambda: batched(range(k)), number=1), timeit.timeit(floor, number=1)) for _ in range(repeat)]
        out[name] = (min(t[0] for t in times), min(t[1] for t in times))
    return out


def thread_seconds(k: int = 2000, repeat: int = 5) -> tuple[float, float, float, float]:
    """(the training thread's CPU seconds, the drawing thread's, the floor's, the training's
    waits) for SGD's study of ``k`` seeds, best of ``repeat`` each (the waits: their median),
    measured in turn. Each thread's own CPU time moves less with the machine's other work
    than wall time does: with a core free for each, the study takes about the training's CPU
    and its waits. The training draws what is left of a block it needs (studies.Blocks), so
    its CPU holds that share of the drawing; its waits are the time it spends waiting for
    the drawing thread to finish a block (or to free a buffer)."""
    _, _, batched, step, inputs = models()[0]
    floor, drawer, waits = floor_run(step, inputs, k), [], []
    real, real_init = studies.draw_blocks, studies.Blocks.__init__

    class Timed(threading.Condition):
        def wait(self, timeout=None):
            began = time.perf_counter()
            try:
                return super().wait(timeout)
            finally:
                if threading.current_thread() is threading.main_thread():
                    waits[-1] += time.perf_counter() - began

    def timed(*args):
        began = time.thread_time()
        real(*args)
        drawer.append(time.thread_time() - began)

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        self.changed = Timed()  # before either thread takes it

    def thread_time(run) -> float:
        began = time.thread_time()
        run()
        return time.thread_time() - began

    def study():
        waits.append(0.0)
        batched(range(k))

    studies.draw_blocks, studies.Blocks.__init__ = timed, init
    try:
        times = [(thread_time(study), drawer[-1], thread_time(floor)) for _ in range(repeat)]
    finally:
        studies.draw_blocks, studies.Blocks.__init__ = real, real_init
    return (*(min(t[i] for t in times) for i in range(3)), sorted(waits)[len(waits) // 2])


def doubles_seconds(k: int = 2000, batch_size: int = lecture.SGD["batch_size"]) -> float:
    """Seconds to seed ``k`` generators and draw the doubles of their 1000 batches (one per
    row, what bit-identical batches need) as the study draws them, best of three: a part of a
    study no code avoids."""
    span = max(1, min(EPOCHS, studies.DRAWN_ROWS // batch_size, studies.KEPT_ROWS // (k * batch_size)))
    out = np.empty((span, batch_size))

    def draw():
        rngs = [np.random.default_rng(seed) for seed in range(k)]
        for start in range(0, EPOCHS, span):
            drawn = out[: min(span, EPOCHS - start)]
            for rng in rngs:
                rng.random(out=drawn)

    return min(timeit.repeat(draw, number=1, repeat=3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, nargs="+", default=[1, 10, 100, 1000, 10000], help="runs side by side")
    args = parser.parse_args()
    print(f"{'model':<11}{'K':>7}{'loop runs/s':>13}{'batched runs/s':>16}{'batched/loop':>14}{'floor s':>10}{'batched s':>11}{'/floor':>8}")
    for name, alone, batched, step, inputs in models():
        seeds = list(range(min(40, max(args.k))))
        began = time.perf_counter()
        for seed in seeds:
            alone(rng=seed)
        loop_rate = len(seeds) / (time.perf_counter() - began)
        for k in args.k:
            began = time.perf_counter()
            batched(range(k))
            seconds = time.perf_counter() - began
            floor = floor_seconds(step, inputs, k)
            print(f"{name:<11}{k:>7}{loop_rate:>13.0f}{k / seconds:>16.0f}{k / seconds / loop_rate:>13.1f}x{floor:>10.3f}{seconds:>11.3f}{seconds / floor:>7.1f}x")
        tracemalloc.start()
        batched(range(max(args.k)))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{name:<11} peak NumPy memory at K = {max(args.k)}: {peak / 2**20:.0f} MB (goal < 500 MB)")
    began = time.perf_counter()
    lecture.seeded_runs(range(2000))
    print(f"\nthe report's study, 2000 seeded runs of each model: {time.perf_counter() - began:.2f} s (goal <= 2 s)")


if __name__ == "__main__":
    main()
