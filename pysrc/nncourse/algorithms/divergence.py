"""Training that runs away says so, instead of returning numbers that look like an answer.

Gradient descent with too large a learning rate does not fail: it returns 1e242, or
NaN, or weights so large that every sigmoid is 0. The trainers of this package watch
their parameters and loss every :data:`EVERY` steps and at the end, and issue one
:class:`DivergenceWarning` naming the step, the learning rate and what happened.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

EVERY = 10  # steps between two looks
EXPLODED = 1e12  # a loss this many times its start has run away (noise from minibatches is far smaller)
SAMPLE_ROWS = 200  # a minibatch trainer's start and end loss: on the rows of its first batches, this many at least
ENDED_ABOVE = 2.0  # a minibatch trainer warns when its loss ends this many times above its start
PACE_AFTER = 2.0  # seconds of training after which a long run says how long it will take
LONG = 60.0  # a run whose whole would take longer than this says so


class DivergenceWarning(RuntimeWarning):
    """Training left the finite numbers, or its loss or weights grew without bound."""


class LongTrainingWarning(UserWarning):
    """Training will take long: where it is, and how long the whole run takes at this pace."""


class Watch:
    """One training's look-out: call :meth:`due` at each step and :meth:`look` when it says;
    it warns once if training runs away, and once if the whole run would take over :data:`LONG` s."""

    def __init__(self, what: str, lr: float, steps: int, start_loss: float | None = None, ended_above: float = 1.0):
        self.what = what
        self.ended_above = ended_above
        self.lr = lr
        self.steps = steps
        self.start_loss = start_loss
        self.warned = False
        self.started = time.perf_counter()
        self.paced = False

    def due(self, step: int, last: bool = False) -> bool:
        """Whether to look at ``step`` (counted from 1): every :data:`EVERY` steps and the last."""
        if step % EVERY:
            return last and not self.warned
        if not self.paced:
            self._pace(step)
        return not self.warned

    def _pace(self, step: int) -> None:
        elapsed = time.perf_counter() - self.started
        if elapsed < PACE_AFTER:
            return
        self.paced = True
        whole = elapsed / step * self.steps
        if whole > LONG:
            warnings.warn(
                f"{self.what}: step {step:,} of {self.steps:,} after {elapsed:.0f} s; at this pace the whole run "
                f"takes {_duration(whole)} (Ctrl-C stops it; fewer epochs end sooner)",
                LongTrainingWarning,
                stacklevel=3,
            )

    def look(self, step: int, params, *, loss: float | None = None, saturated: bool = False) -> None:
        """Look at the parameters (and the loss) after ``step``; warn once if they ran away."""
        if self.warned:
            return
        values = params[0] if len(params) == 1 else np.concatenate([np.ravel(p) for p in params])
        if not finite(values):
            self.warn(step, "the parameters became infinite or NaN")
        elif loss is not None and not math.isfinite(loss):
            self.warn(step, "the loss became infinite or NaN")
        elif loss is not None and self.start_loss and loss > EXPLODED * self.start_loss:
            self.warn(step, f"the loss grew from {self.start_loss:.3g} to {loss:.3g}")
        elif saturated:
            self.warn(step, f"every output is exactly 0 or 1 (weights up to {np.abs(values).max():.3g}), so every gradient is zero and learning has stopped")

    def ended(self, steps: int, final_loss: float) -> None:
        """After the last step: a loss above ``ended_above`` times its start means training went the wrong way.

        Full-batch gradient descent on the MSE never raises its loss below its stable
        learning rate, so any rise (``ended_above = 1``) is a run-away. A minibatch trainer
        with a constant learning rate ends in a band of noise around the minimum, a little
        above a start already near it, so it passes :data:`ENDED_ABOVE` and measures both
        losses on the same rows (:func:`sample_rows`), not on one noisy batch."""
        if self.warned or self.start_loss is None or not np.isfinite(final_loss) or final_loss <= self.ended_above * self.start_loss:
            return
        how = "higher than" if self.ended_above == 1 else f"over {self.ended_above:g} times as high as"
        self.warn(steps, f"the loss ended {how} it started ({self.start_loss:.4g} -> {final_loss:.4g})")

    def warn(self, step: int, what_happened: str) -> None:
        """Say it, once per training."""
        if self.warned:
            return
        self.warned = True
        warnings.warn(f"{self.what} diverged by step {step} with learning rate {self.lr:g}: {what_happened}; try a smaller learning rate", DivergenceWarning, stacklevel=4)


def finite(a: np.ndarray) -> bool:
    """Whether every value of ``a`` is finite: their sum is, unless some value is not or the
    sum overflows, and only then is each value looked at (trainers ask at every few steps;
    call it where overflow and invalid operations are silenced, as the trainers' loops are)."""
    return math.isfinite(np.add.reduce(a, axis=None)) or bool(np.isfinite(a).all())


def sample_steps(batch_size: int, steps: int) -> int:
    """How many first batches a minibatch trainer measures its start and end loss on: the
    fewest that hold :data:`SAMPLE_ROWS` rows (O(1) in N; the batches are drawn anyway)."""
    return min(steps, -(-SAMPLE_ROWS // batch_size))


def check_runs(what: str, lr: float, steps: int, params, saturated: np.ndarray | None = None) -> None:
    """After seeded runs side by side (:mod:`nncourse.algorithms.studies`): one warning saying how
    many runs ran away, as a single run of them would. ``params`` have the run axis first;
    ``saturated`` marks the runs whose outputs are all exactly 0 or 1."""
    finite = np.ones(len(params[0]), dtype=bool)
    for p in params:
        finite &= np.isfinite(np.reshape(p, (len(p), -1))).all(axis=1)
    bad = ~finite if saturated is None else ~finite | saturated
    if bad.any():
        what_happened = "the parameters became infinite or NaN" if (~finite).any() else "every output is exactly 0 or 1, so learning stopped"
        warnings.warn(
            f"{what} diverged in {int(bad.sum())} of {len(bad)} seeded runs ({steps} steps, learning rate {lr:g}): "
            f"{what_happened}; try a smaller learning rate",
            DivergenceWarning,
            stacklevel=3,
        )


def _duration(seconds: float) -> str:
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return f"about {seconds / size:,.1f} {unit}"
    return f"about {seconds:.0f} s"
