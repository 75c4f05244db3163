"""Training that runs away says so, instead of returning numbers that look like an answer.

Gradient descent with too large a learning rate does not fail: it returns 1e242, or
NaN, or weights so large that every sigmoid is 0. The trainers of this package watch
their parameters and loss every :data:`EVERY` steps and at the end, and issue one
:class:`DivergenceWarning` naming the step, the learning rate and what happened.
"""

from __future__ import annotations

import warnings

import numpy as np

EVERY = 10  # steps between two looks
EXPLODED = 1e12  # a loss this many times its start has run away (noise from minibatches is far smaller)


class DivergenceWarning(RuntimeWarning):
    """Training left the finite numbers, or its loss or weights grew without bound."""


class Watch:
    """One training's look-out: call :meth:`look` at each step; it warns once."""

    def __init__(self, what: str, lr: float, start_loss: float | None = None):
        self.what = what
        self.lr = lr
        self.start_loss = start_loss
        self.warned = False

    def due(self, step: int, last: bool = False) -> bool:
        """Whether to look at ``step`` (counted from 1): every :data:`EVERY` steps and the last."""
        return not self.warned and (last or step % EVERY == 0)

    def look(self, step: int, params, *, loss: float | None = None, saturated: bool = False) -> None:
        """Look at the parameters (and the loss) after ``step``; warn once if they ran away."""
        if self.warned:
            return
        values = np.concatenate([np.ravel(p) for p in params])
        if not np.isfinite(values).all():
            self.warn(step, "the parameters became infinite or NaN")
        elif loss is not None and not np.isfinite(loss):
            self.warn(step, "the loss became infinite or NaN")
        elif loss is not None and self.start_loss and loss > EXPLODED * self.start_loss:
            self.warn(step, f"the loss grew from {self.start_loss:.3g} to {loss:.3g}")
        elif saturated:
            self.warn(step, f"every output is exactly 0 or 1 (weights up to {np.abs(values).max():.3g}), so every gradient is zero and learning has stopped")

    def ended(self, steps: int, final_loss: float) -> None:
        """After the last step: a loss higher than at the start means training went the wrong way."""
        if not self.warned and self.start_loss is not None and np.isfinite(final_loss) and final_loss > self.start_loss:
            self.warn(steps, f"the loss ended higher than it started ({self.start_loss:.4g} -> {final_loss:.4g})")

    def warn(self, step: int, what_happened: str) -> None:
        """Say it, once per training."""
        if self.warned:
            return
        self.warned = True
        warnings.warn(f"{self.what} diverged by step {step} with learning rate {self.lr:g}: {what_happened}; try a smaller learning rate", DivergenceWarning, stacklevel=4)
