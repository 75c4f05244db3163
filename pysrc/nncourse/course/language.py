"""The small language the tutorial's checks are written in.

A check calls the student's function with :func:`call` (or many times in one round trip
with :func:`call_many`), reads what came back with :func:`as_array`, compares it with
:func:`diagnose` (which names the typical mistake a wrong answer matches), and raises
:class:`Problem` with what to try. Every failure of
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


def call(function: Callable, *args, **kwargs):
    """Run the student's function (in its sandboxed process, see :mod:`.checker`); turn every
    failure into a :class:`Problem` with a readable message."""
    (value,) = call_many(function, [(args, kwargs)])
    return value


def call_many(function: Callable, calls: list, feed: Callable | None = None) -> Iterator:
    """The student's function on each of ``calls`` ((args, kwargs) pairs) in one round trip to
    its process; the values come one by one, and a failure is a :class:`Problem` at its place,
    after the values before it (as if called one by one). With ``feed``, each call after the
    first gets ``feed`` of the previous value as its first argument, in the student's process:
    a chain of training steps (see :meth:`.checker.StudentProcess.calls`)."""
    if not callable(function):
        raise Problem(f"expected a function, got {type(function).__name__}: pass the function itself, without ()")
    try:
        values = function.many(calls, feed)
    except StudentProcessError as exc:
        raise Problem(str(exc)) from None
    return _one_by_one(values)


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
