"""A submission, run once as the student ran it, its check calls recorded.

:func:`run_submission` asks the submission's sandbox (an :class:`~.checker.AnswerServer`,
whose clean server forks a fresh process for it, :mod:`.student`) to run the submission's
code cells top to bottom in one namespace, as a student running each cell in turn would
(a cell that raises is noted and the next one runs). The same sandbox then opens each
recorded answer in a fresh process of its own: the sandbox's start-up and the imports are
paid once per submission, and nothing of one submission is in another's sandbox.
Before the first cell, the check functions of ``nncourse.tutorial`` are replaced, in
that process only, by recorders: whatever form the call takes (a statement, an
assignment, inside ``print``, ``from nncourse.tutorial import check_exercise_3``,
``nncourse.tutorial.check_exercise_6(...)``), the call's arguments are recorded by value
at that moment (:meth:`.checker.Answer.of`) and sent at once. A later cell that redefines
a function changes nothing recorded. The last call of each check counts, as the last
verdict a student saw of it. No check runs in this process and no key is in reach.
"""

from __future__ import annotations

import linecache
import pickle
import secrets
import sys
import time
from dataclasses import dataclass, field

from . import exercises, plaindata
from .checker import Answer, AnswerServer
from .sandbox import ChannelError

MESSAGES_CAP = 2_000  # messages one run may send (cells, records, errors)


@dataclass
class Run:
    """What one run of a submission left: the last recorded answer of each check, and notes
    for the student (cells that raised or ran past the budget)."""

    answers: dict[str, Answer] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- in the sandbox


def _recorder(channel, function: str):
    from .verdict import Verdict

    def record(*args, **kwargs):
        args = args + tuple(kwargs.values())
        entry = exercises.of_call(function, args)
        caller = sys._getframe(1)
        where = f"{caller.f_code.co_filename.strip('<>')}, line {caller.f_lineno}"
        if entry is None:
            return Verdict(str(args[0]) if args else "?", False, f"{function}: no such question")
        try:
            answer = Answer.of(args, where)
        except Exception as exc:  # noqa: BLE001 -- an answer that cannot travel is said, as in the notebook
            channel.send(plaindata.dumps({"kind": "error", "text": f"{where}: the answer to {entry.label} could not be recorded ({type(exc).__name__}: {exc})"}))
        else:
            channel.send(plaindata.dumps({"kind": "record", "column": entry.column, "answer": answer.as_json()}))
        return Verdict(entry.label, None, "recorded for grading")

    record.__name__ = function
    return record


def _run_cells(channel, cells: list[str]) -> None:
    import traceback

    from . import tutorial

    for function in exercises.notebook_functions():
        setattr(tutorial, function, _recorder(channel, function))
    namespace = {"__name__": "__main__"}
    for number, cell in enumerate(cells, 1):
        channel.send(plaindata.dumps({"kind": "cell", "number": number}))
        name = f"<cell {number}>"
        linecache.cache[name] = (len(cell), None, cell.splitlines(True), name)
        try:
            exec(compile(cell, name, "exec"), namespace)  # noqa: S102 -- the student's code, in the sandbox
        except BaseException as exc:  # noqa: BLE001 -- a cell that raises is the student's to read; the next runs
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == name]
            line = f", line {frames[-1].lineno}" if frames else ""
            channel.send(plaindata.dumps({"kind": "error", "text": f"cell {number}{line} raised {type(exc).__name__}: {str(exc)[:300]}"}))


def run_cells(channel, cells: list[str]) -> None:
    """In a fresh process of the submission's sandbox: run ``cells``, then say so."""
    try:
        _run_cells(channel, cells)
        channel.send(plaindata.dumps({"kind": "done"}))
    except ChannelError:  # the grader has gone: end
        pass


# ---------------------------------------------------------------- on the grader's side


def _take(run: Run, message, cell: int) -> bool:
    """Keep one message of the run (validated); False when the run has said it is done."""
    kind = message.get("kind") if isinstance(message, dict) else None
    if kind == "done":
        return False
    if kind == "record" and isinstance(message.get("column"), str):
        exercises.by_column(message["column"])  # KeyError for a column no exercise has
        run.answers[message["column"]] = Answer.from_json(message.get("answer"))
    elif kind == "error" and isinstance(message.get("text"), str):
        run.notes.append(message["text"][:500])
    elif kind != "cell":
        raise ValueError(f"unexpected message {kind!r}")
    return True


def run_submission(cells: list[str], *, budget: float, server: AnswerServer, env: dict[str, str] | None = None) -> Run:
    """Run the submission's ``cells`` once in ``server``'s sandbox, with ``env`` set in the
    run's process (R's start-up, for a run that may start R); each cell may take ``budget``
    seconds. Anything irregular (a cell past its budget, an exit, a message that is not a
    record, anything after the run said it was done but before its process ended) and the
    sandbox is killed: the answers are then opened in a new one."""
    run, run_id, cell, done = Run(), secrets.token_hex(8), 0, False
    try:
        channel = server.channel()
        channel.send(pickle.dumps({"id": run_id, "cells": cells, "env": env or {}}))
        deadline = time.monotonic() + budget
        for _ in range(MESSAGES_CAP):
            try:
                message = plaindata.loads(channel.receive(deadline))
            except TimeoutError:
                if done:
                    break  # said it was done, did not end
                run.notes.append(f"cell {cell} ran past its {budget:g} s: it was stopped there, and the cells after it did not run")
                break
            if isinstance(message, dict) and message.get("id") == run_id and "ended" in message:
                if not done:
                    run.notes.append(f"the run ended during cell {cell} (an exit or a crash): the cells after it did not run")
                return run  # the sandbox's server is clean again: the answers are opened there
            if done:
                break  # something of the run's after "done": not the server's word
            if isinstance(message, dict) and message.get("kind") == "cell" and isinstance(message.get("number"), int):
                cell, deadline = message["number"], time.monotonic() + budget
            done = not _take(run, message, cell)
            if done:
                deadline = time.monotonic() + 10
        else:
            run.notes.append(f"the run sent more than {MESSAGES_CAP} messages: it was stopped at cell {cell}")
    except ChannelError:
        if not done:
            run.notes.append(f"the run ended during cell {cell} (an exit or a crash): the cells after it did not run")
    except (plaindata.Malformed, ValueError, KeyError) as exc:
        run.notes.append(f"the run sent something that is not a record during cell {cell} ({exc}): it was stopped there")
    server.discard()
    return run
