"""The student's side, run inside the sandbox (``python -m nncourse.course.student FD [--preload]``).

A clean server (:func:`main`: nothing of any student's ever runs in it) forks a fresh
process for each request the checker sends, and tells the checker how it ended:

- a submission's run (``{"cells": ...}``, the grader's first request): the cells top to
  bottom, their check calls recorded (:func:`.record.run_cells`);
- an answer: the fresh process opens the student's arguments (cloudpickle bytes, recorded
  in the notebook or in the grader's run), says which are functions, then answers the
  checker's requests one by one, each a batch of calls (a check that calls the student's
  function a thousand times asks in a few round trips): each answer carries the id of
  its request and is plain data (:mod:`.plaindata`).

The checker's requests are pickles the checker made; the student's bytes are opened here
only. The student's printing is kept in memory, capped, and never sent. With ``--preload
MODULES`` (the grader's sandbox of one submission) the server imports the run's recorder
and those of :data:`PRELOADS` the submission imports (pandas, ``nncourse.data``,
``perceptron`` ...) before the first fork, so that neither the run nor any answer pays for
them again, and a submission that never imports pandas never pays for it.
"""

from __future__ import annotations

import io
import os
import pickle
import signal
import sys
import traceback

from .. import STUDENT_API
from . import plaindata
from .sandbox import FONTS, child_channel

OUTPUT_CAP = 20_000  # characters of the student's printing kept (the rest is dropped)


class CappedOutput(io.TextIOBase):
    """A stdout that keeps the first :data:`OUTPUT_CAP` characters and drops the rest."""

    def __init__(self):
        self.size = 0

    def write(self, text):
        self.size = min(OUTPUT_CAP, self.size + len(text))
        return len(text)


def _reply(channel, request_id, **answer) -> None:
    channel.send(plaindata.dumps({"id": request_id, **answer}))


def where_it_failed(exc: BaseException, function, sources: list[str]) -> tuple[str, bool]:
    """The student's line that raised (quoted from the notebook's cells), and whether the
    function was still the tutorial's stub (``raise NotImplementedError`` in its own body)."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if f.filename == getattr(getattr(function, "__code__", None), "co_filename", None)]
    where = (own or frames or [None])[-1]
    stub = isinstance(exc, NotImplementedError) and len(frames) >= 2 and frames[-1].name == getattr(function, "__name__", None)
    if where is None:
        return "", stub
    text = where.line or (sources[where.lineno - 1].strip() if 0 < where.lineno <= len(sources) else "")
    return f"line {where.lineno}: {text}", stub


def serve(channel, first: dict) -> None:
    """Open the student's objects, then answer calls until the checker says ``close``."""
    import cloudpickle

    try:
        objects = list(cloudpickle.loads(first["payload"]))
    except BaseException as exc:  # noqa: BLE001 -- the student's pickle may raise anything
        _reply(channel, first["id"], broken=f"{type(exc).__name__}: {exc}"[:500])
        return
    _reply(channel, first["id"], objects=[{"callable": True} if callable(o) else {"value": plaindata.encode(o)} for o in objects])
    sources = first["sources"]
    while "index" in (request := pickle.loads(channel.receive())):
        index = request["index"]
        said = answers(objects[index], request["calls"], request["feed"], sources[index] if index < len(sources) else [])
        if request["feed"] is None:
            _reply(channel, request["id"], answers=said)
        else:  # a chain: its last value alone, and how many calls it made
            _reply(channel, request["id"], answers=said[-1:], made=len(said))


def answers(function, calls: list[bytes], feed, sources: list[str]) -> list[dict]:
    """Each of ``calls`` (pickled (args, kwargs) pairs, each opened just before its call, so
    that no call sees what an earlier one did to its arguments) of the student's ``function``,
    in order, as plain data; a raise ends the list, the calls after it not made. With
    ``feed`` (a chain), each call after the first gets ``feed(the previous value as the
    checker reads it)`` as its first argument; where ``feed`` refuses a value the list ends
    (the checker reads that value and says why)."""
    said = []
    for number, raw in enumerate(calls):
        args, kwargs = pickle.loads(raw)
        if feed is not None and number:
            try:
                args = (feed(plaindata.decode(said[-1]["ok"])), *args)
            except Exception:  # noqa: BLE001 -- a value the chain cannot go on from
                break
        try:
            said.append({"ok": plaindata.encode(function(*args, **kwargs))})
        except BaseException as exc:  # noqa: BLE001 -- every failure is the student's to read
            line, stub = where_it_failed(exc, function, sources)
            said.append({"raised": [type(exc).__name__, str(exc)[:500], line, stub]})
            break
    return said


def _clear(child: int) -> None:
    """After a request: nothing it started lives on. In the sandbox's PID namespace every
    process but this one and the namespace's init is killed, and the private /tmp is
    emptied, so that each request finds it as a check in the notebook does (empty);
    without the sandbox, the request's process group is killed."""
    if os.environ.get("NNCOURSE_SANDBOX") != "bwrap":
        try:
            os.killpg(child, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    import shutil

    for entry in os.scandir("/tmp"):
        try:
            shutil.rmtree(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)
        except OSError:
            pass  # what cannot be removed stays, as the student's own


def _fonts() -> None:
    """Matplotlib's font list in the private /tmp, copied from the grader's (:func:`.sandbox.font_cache`)
    before a run, so that a run that draws does not spend its CPU finding the fonts (an answer
    does not draw: nothing is copied for it)."""
    target = os.environ.get("MPLCONFIGDIR")
    if target and os.path.isdir(FONTS) and not os.path.lexists(target):
        import shutil

        try:
            shutil.copytree(FONTS, target)
        except OSError:
            pass  # Matplotlib then finds the fonts itself


PRELOADS = ("pandas", *(m for name, m in STUDENT_API.items() if name != "figures"))  # what --preload may import


def preloads(cells: list[str]) -> tuple[str, ...]:
    """The modules of :data:`PRELOADS` the submission's ``cells`` import (``import pandas as pd``,
    ``from nncourse import data``, ``from nncourse.activations import relu``), read from their
    code, not run (in the grader, for :class:`.checker.AnswerServer`)."""
    import ast

    named = set()
    for cell in cells:
        for node in ast.walk(ast.parse(cell)):
            if isinstance(node, ast.Import):
                named.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                named.update([node.module, *(f"{node.module}.{alias.name}" for alias in node.names)])
    found = {_loaded_by(name) for name in named}
    return tuple(m for m in PRELOADS if m in found)


def _loaded_by(name: str) -> str:
    """The module an import of ``name`` loads, as :data:`PRELOADS` names it: the student API's
    own (``nncourse.data`` is ``nncourse.algorithms.data``), else its package (``pandas``)."""
    if name.startswith("nncourse."):
        return STUDENT_API.get(name.removeprefix("nncourse."), name)
    return name.split(".")[0]


def _preload(modules: list[str]) -> None:
    """Import the run's recorder and ``modules`` (those of :data:`PRELOADS`: the student's API
    and pandas, which a notebook imports and its answers use), once, here; never ``figures``
    (Matplotlib): a run that draws imports it, an answer never needs it."""
    import importlib

    from . import record  # noqa: F401 -- the run's recorder (the checks' tables)

    for module in modules:
        if module in PRELOADS:
            importlib.import_module(module)


def main() -> None:
    """A server of fresh processes: for each request the checker sends (a run, an answer),
    a child forked from this clean interpreter (numpy imported, and cloudpickle, which opens
    every answer: 7 ms of CPU a child would spend on it; nothing of any student's) does it;
    when it ends, everything it started is killed and the checker told how it ended."""
    import cloudpickle  # noqa: F401 -- imported once here, so that each fresh child starts at once
    import numpy  # noqa: F401

    if sys.argv[2:3] == ["--preload"]:
        _preload(sys.argv[3].split(","))
    channel = child_channel()
    sys.stdout = sys.stderr = CappedOutput()
    try:
        while True:
            first = pickle.loads(channel.receive())
            if "cells" in first:
                _fonts()
            child = os.fork()
            if child == 0:
                os.setsid()
                try:
                    os.environ.update(first["env"])  # the checker's (R's start-up, for code that may start R)
                    if "cells" in first:
                        from .record import run_cells

                        run_cells(channel, first["cells"])
                    else:
                        serve(channel, first)
                finally:
                    os._exit(0)
            _, status = os.waitpid(child, 0)
            _clear(child)
            ended = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)
            channel.send(plaindata.dumps({"id": first["id"], "ended": ended}))
    except Exception:  # noqa: BLE001 -- the checker closed the channel, or sent what cannot be read: end
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
