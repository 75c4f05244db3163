"""The checks a student calls from the tutorial "Working with Neural Networks".

``tutorial.check_exercise_N(f)`` (one function per entry of :mod:`.exercises`) sends the
student's arguments, by value, to a checker process of this kernel, which runs the check
against a fresh sandboxed process holding the student's function (:mod:`.checker`,
:mod:`.sandbox`): a check never hangs or kills the notebook, nothing done in the notebook
(monkeypatching numpy, editing a table) changes a verdict, and the student's code cannot
reach the checker. It prints a short verdict and returns it.

Without a key (the student's case) the checks use their public cases and say so; the
quiz's answers are only recorded. With the lecturer's key (``NNCOURSE_KEY=KEY.toml`` or
:func:`use_key`) they use the key's hidden cases and mark the quiz, as ``nncourse grade`` does.
"""

from __future__ import annotations

import os
import sys

from . import exercises
from .checker import Answer, ask
from .exercises import QUIZ_CHOICES  # noqa: F401 -- the quiz's choices, for the notebook (no answers)
from .start import TUTORIAL, start  # noqa: F401 -- ``tutorial.start(folder)``, as the README shows
from .verdict import Verdict, show

BUDGET = 60.0  # seconds one check may take in all, the student's calls included (1 to 600)
SANDBOX = "auto"  # "bwrap", "none", or "auto": bwrap where it runs, else none (said in the verdict)
_KEY: str | None = None
_CHECKER = None


def use_key(path) -> None:
    """Check with the lecturer's key (hidden cases, the quiz marked) from now on; None: without."""
    global _KEY
    _KEY = None if path is None else os.fspath(path)


def _key_path() -> str | None:
    return _KEY or os.environ.get("NNCOURSE_KEY") or None


def new_checker(name: str = "the tutorial's checker"):
    """A checker process (:mod:`.checker`), started on its first request."""
    from ..workers import Worker

    return Worker([sys.executable, "-m", "nncourse.course.checker"], name=name)


def _checker():
    """The checker process of this kernel (started once; restarted if it died)."""
    global _CHECKER
    if _CHECKER is None:
        _CHECKER = new_checker()
    return _CHECKER


def _sandbox() -> tuple[str, str]:
    """(mode, what to add to a verdict): bwrap where it runs; otherwise say what is given up."""
    from .sandbox import NOT_SANDBOXED, reason_unavailable

    if SANDBOX != "auto":
        return SANDBOX, ""
    reason = reason_unavailable()
    return ("bwrap", "") if reason is None else ("none", f" (no sandbox here: {reason}; {NOT_SANDBOXED})")


def _check(function: str, args: tuple) -> Verdict:
    entry = exercises.of_call(function, args)
    if entry is None:
        questions = sorted(e.question for e in exercises.EXERCISES if e.function == function)
        verdict = Verdict("question", False, f"question: expected one of {questions}, got {args[0] if args else None!r}")
    else:
        try:
            answer = Answer.of(args)
        except Exception as exc:  # noqa: BLE001 -- whatever stops the answer from travelling is said
            verdict = Verdict(entry.label, False, f"your answer could not be sent to the checker ({type(exc).__name__}: {exc}): pass a function or plain values")
        else:
            mode, note = _sandbox()
            verdict = ask(_checker(), entry.column, answer, min(max(float(BUDGET), 1.0), 600.0), mode, _key_path())
            public = " (on the notebook's public cases: the grade uses the lecturer's hidden ones)" if verdict.passed and verdict.cases == "public" else ""
            verdict = Verdict(verdict.exercise, verdict.passed, verdict.message + public + note, verdict.seconds, verdict.cases)
    show(verdict)
    return verdict


def _notebook_check(function: str):
    def check(*args, **kwargs):
        return _check(function, args + tuple(kwargs.values()))

    entries = [e for e in exercises.EXERCISES if e.function == function]
    check.__name__ = check.__qualname__ = function
    check.__doc__ = "\n\n".join(f"Exercise {e.label}: {e.title}. {e.check.__doc__ or ''}" for e in entries)
    return check


for _function in exercises.notebook_functions():
    globals()[_function] = _notebook_check(_function)
del _function
