"""The small language the tutorial's checks are written in.

A check calls the student's function with :func:`call` (or many times in one round trip
with :func:`call_many`, a chain of steps with :func:`call_chain`), reads what came back
with :func:`as_array`, compares it with :func:`diagnose` (which names the typical mistake
a wrong answer matches), and raises :class:`Problem` with what to try. Every failure of
the student's code (an exception, a stub, an exit, a crash, a timeout) becomes a Problem
with a message the student can act on.
"""

from __future__ import annotations

from typing import Callable, Iterator

import numpy as np


class Problem(Exception):
    """A student's answer is not right; the message says why and what to try."""


class StudentProcessError(Exception):
    """The student's process overran, exited, crashed or answered out of turn; the message says which."""


class StudentRaised(Exception):
    """The student's function raised; carries its type, message and the student's line."""

    def __init__(self, kind: str, message: str, line: str, stub: bool):
        super().__init__(message)
        self.kind, self.line, self.stub = kind, line, stub


class FreshGenerator:
    """``np.random.default_rng(seed)`` as an argument of a call of the student's function,
    made where the call is opened (the student's process): pickled as the recipe, not as the
    generator's whole state, which costs six times as much to send and open (the minibatch
    check passes a thousand generators)."""

    def __init__(self, seed: int):
        self.seed = seed

    def __reduce__(self):
        return np.random.default_rng, (self.seed,)


def call(function: Callable, *args, **kwargs):
    """Run the student's function (in its sandboxed process, see :mod:`.checker`); turn every
    failure into a :class:`Problem` with a readable message."""
    (value,) = call_many(function, [(args, kwargs)])
    return value


def call_many(function: Callable, calls: list) -> Iterator:
    """The student's function on each of ``calls`` ((args, kwargs) pairs) in one round trip to
    its process; the values come one by one, and a failure is a :class:`Problem` at its place,
    after the values before it (as if called one by one)."""
    return _one_by_one(_asked(function, calls, None))


def call_chain(function: Callable, calls: list, feed: Callable):
    """A chain of training steps in one round trip: each call of ``calls`` after the first
    gets ``feed`` of the previous value (as the checker reads it) as its first argument, in
    the student's process; the chain's last value comes back, alone (a thousand steps'
    values, each sent and read, cost more than the steps), or the :class:`Problem` of the
    call that failed; where ``feed`` refuses a value the chain stops, and that value is the
    last (see :meth:`.checker.StudentProcess.calls`)."""
    (value,) = _one_by_one(_asked(function, calls, feed))
    return value


def _asked(function: Callable, calls: list, feed: Callable | None) -> list:
    if not callable(function):
        raise Problem(f"expected a function, got {type(function).__name__}: pass the function itself, without ()")
    try:
        return function.many(calls, feed)
    except StudentProcessError as exc:
        raise Problem(str(exc)) from None


def _one_by_one(values: list) -> Iterator:
    for value in values:
        if isinstance(value, StudentRaised):
            raise _raised(value)
        yield value


def _raised(exc: StudentRaised) -> Problem:
    if exc.stub:
        return Problem("the function is still the stub: write its body, then run the cell again.")
    if exc.kind == "SystemExit":
        return Problem("your function called sys.exit(): return a value instead.")
    if exc.kind == "MemoryError":
        return Problem("your function ran out of memory: does it build something as large as N?")
    return Problem(f"your function raised {exc.kind}: {exc} ({exc.line})")


def as_array(value, what: str, shape: tuple | None = None) -> np.ndarray:
    """The student's return value as a finite float array of ``shape``."""
    if value is None:
        raise Problem(f"{what}: your function returned None: did you forget `return`?")
    if isinstance(value, (str, bytes)):
        raise Problem(f"{what}: expected numbers, got {type(value).__name__} {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Problem(f"{what}: expected numbers, got {type(value).__name__}") from None
    if shape is not None and arr.shape != shape:
        raise Problem(f"{what}: expected shape {shape}, got {arr.shape}")
    if not np.isfinite(arr).all():
        raise Problem(f"{what}: the result contains NaN or infinite values: {np.round(arr, 4).tolist()}")
    return arr


def diagnose(got: np.ndarray, expected: np.ndarray, variants: dict[str, np.ndarray], fallback: str, rtol=1e-6, atol=1e-9) -> None:
    """Raise the hint of the typical mistake ``got`` matches, else ``fallback``."""
    if got.shape == expected.shape and np.allclose(got, expected, rtol=rtol, atol=atol):
        return
    for hint, value in variants.items():
        value = np.asarray(value, dtype=float)
        if value.shape == got.shape and np.all(np.isfinite(value)) and np.allclose(got, value, rtol=rtol, atol=atol):
            raise Problem(hint)
    raise Problem(fallback)
