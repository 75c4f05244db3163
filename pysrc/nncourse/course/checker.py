"""Asking a check about one answer: the student's side in a fresh sandbox, the check here.

:func:`verdict_of` is the one step every caller uses (the notebook's checker process, the
grader, a cluster's worker): given an exercise, the student's recorded answer (cloudpickle
bytes and the source lines of its functions) and the key (or None), it starts a fresh
sandboxed student process (:mod:`.student`) that alone opens the answer, runs the check
in this process against :class:`StudentFunction` handles, and returns the
:class:`~.verdict.Verdict`. Every answer from the sandbox carries the id of its request
and is read as plain data (:mod:`.plaindata`): an answer out of turn, forged or
malformed fails that check, and the whole check has one wall-clock budget.

The notebook asks through :func:`ask`: a checker process of its own (``python -m
nncourse.course.checker``), spoken to in JSON, so that nothing done in the student's
kernel (monkeypatching numpy, editing a table) changes a verdict.
"""

from __future__ import annotations

import base64
import json
import pickle
import secrets
import signal
import time
from dataclasses import dataclass

import numpy as np

from . import exercises, plaindata
from .language import Problem, StudentProcessError, StudentRaised
from .sandbox import ChannelError, Limits, Sandboxed, r_start_env
from .verdict import Verdict


@dataclass(frozen=True)
class Answer:
    """One recorded call of a check: the student's arguments, by value, as the call saw them."""

    payload: bytes  # cloudpickle of the argument tuple (opened only in a sandbox)
    sources: list[list[str]]  # each argument's source lines, to quote the student's line
    where: str = ""  # the call's place in the submission ("cell 3, line 2"), for the feedback

    def as_json(self) -> dict:
        return {"payload": base64.b64encode(self.payload).decode(), "sources": self.sources, "where": self.where}

    @classmethod
    def of(cls, args: tuple, where: str = "") -> "Answer":
        """The arguments of a check call, by value at this moment (cloudpickle; functions
        with their globals, also those from a file of the student's), and their source lines."""
        import linecache
        import os
        import sys

        import cloudpickle

        installed = (os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix))
        by_value = []
        for value in args:
            module = sys.modules.get(getattr(value, "__module__", None) or "")
            file = getattr(module, "__file__", None)
            if module is None or not file or module.__name__ == "__main__" or module in by_value:
                continue
            if not os.path.realpath(file).startswith(installed) and not module.__name__.startswith("nncourse"):
                cloudpickle.register_pickle_by_value(module)
                by_value.append(module)
        try:
            payload = cloudpickle.dumps(tuple(args))
        finally:
            for module in by_value:
                cloudpickle.unregister_pickle_by_value(module)
        sources = [linecache.getlines(a.__code__.co_filename) if hasattr(a, "__code__") else [] for a in args]
        return cls(payload, sources, where)

    @classmethod
    def from_json(cls, obj) -> "Answer":
        """An answer from bytes another process sent (validated: a malformed one raises ValueError)."""
        if not isinstance(obj, dict) or not isinstance(obj.get("payload"), str) or not isinstance(obj.get("sources", []), list):
            raise ValueError("expected an answer {payload, sources, where}")
        sources = [[str(line) for line in lines] if isinstance(lines, list) else [] for lines in obj.get("sources", [])]
        return cls(base64.b64decode(obj["payload"], validate=True), sources, str(obj.get("where", ""))[:200])


class AnswerServer:
    """The sandbox of one student: the grader's run of the submission (:mod:`.record`) and
    each answer, each in a fresh process forked from a clean server (:func:`.student.main`):
    the sandbox's start-up is paid once per student, not once per check. ``preload``: the
    server imports the run's recorder and these modules first (:func:`.student.main`: the
    grader's case, the modules the submission imports, :func:`.student.preloads`), and
    Matplotlib's font list is in the sandbox (a run may draw). Anything irregular (a timeout,
    a crash, a forged message) and the whole sandbox is killed; the next request gets a new one."""

    def __init__(self, sandbox: str, limits: Limits, preload: tuple[str, ...] | None = None):
        self.sandbox, self.limits, self.preload, self.process = sandbox, limits, preload, None

    def channel(self):
        if self.process is None:
            args = () if self.preload is None else ("--preload", ",".join(self.preload))
            self.process = Sandboxed("nncourse.course.student", self.sandbox, self.limits, args, fonts=self.preload is not None)
        return self.process.channel

    def discard(self) -> int | None:
        """Kill the sandbox and all in it; its exit status (-signal when killed)."""
        process, self.process = self.process, None
        return None if process is None else process.stop()

    close = discard


class StudentProcess:
    """The student's answer, opened in a fresh process of an :class:`AnswerServer`; calls go
    there, plain data comes back. ``env``: set in that process's environment (R's start-up
    for an answer that starts R: :func:`.sandbox.r_start_env`)."""

    def __init__(self, answer: Answer, deadline: float, server: AnswerServer, env: dict[str, str] | None = None):
        self.deadline, self.started, self.server = deadline, time.monotonic(), server
        self.open_id, self.open = secrets.token_hex(8), True
        first = self._exchange({"payload": answer.payload, "sources": answer.sources, "env": env or {}}, self.open_id)
        if "broken" in first:
            raise StudentProcessError(f"your answer could not be opened in a fresh process ({first['broken']}); does it use something only your notebook has?")
        objects = first.get("objects")
        if not isinstance(objects, list) or not all(isinstance(o, dict) and ("callable" in o or "value" in o) for o in objects):
            raise StudentProcessError("the student's process sent something that is not an answer")
        self.objects = objects

    def calls(self, index: int, calls: list, feed=None) -> list:
        """Run the student's function ``index`` on each of ``calls`` ((args, kwargs) pairs), in
        one request: the values in order, ending with a :class:`StudentRaised` (not raised) if
        a call raised, the calls after it not made. With ``feed`` (a function of the checker's
        modules), each call after the first gets ``feed`` of the previous value, as read here,
        as its first argument: a chain of training steps in one round trip, of which only the
        last value comes back (the one that raised, or where ``feed`` refused a value and the
        chain stopped: the check, reading the same value, says why)."""
        request = {"index": index, "calls": [pickle.dumps(call) for call in calls], "feed": feed}
        return self._exchange(request, read=lambda answer: _outcomes(answer, len(calls), feed))

    def _exchange(self, request: dict, request_id: str | None = None, read=lambda answer: answer):
        """Send one request and ``read`` its answer: the same id, plain data, before the deadline."""
        request_id = request_id or secrets.token_hex(8)
        try:
            channel = self.server.channel()
            channel.send(pickle.dumps({"id": request_id, **request}))
            raw = channel.receive(self.deadline)
        except TimeoutError:
            self._fail()
            raise StudentProcessError(f"the check's time budget ran out ({time.monotonic() - self.started:.1f} s used): is there a loop that never ends?") from None
        except ChannelError:
            raise self._gone(self._fail()) from None
        try:
            answer = plaindata.loads(raw)
            if isinstance(answer, dict) and answer.get("id") == self.open_id and "ended" in answer:
                self.open = False
                raise self._gone(answer["ended"])
            if not isinstance(answer, dict) or answer.get("id") != request_id:
                raise plaindata.Malformed("an answer to another request")
            return read(answer)
        except (plaindata.Malformed, ValueError, TypeError) as exc:
            self._fail()
            raise StudentProcessError(f"your function's process answered out of turn or with something that is not data ({exc}): return a value, do not write to the checker") from None

    def _fail(self) -> int | None:
        self.open = False
        return self.server.discard()

    @staticmethod
    def _gone(status) -> StudentProcessError:
        if isinstance(status, int) and status < 0:
            name = signal.Signals(-status).name if -status in signal.valid_signals() else f"signal {-status}"
            return StudentProcessError(f"your function crashed its process ({name}); the memory cap is {Limits().memory // 2**30} GiB")
        return StudentProcessError(f"your function ended its process (sys.exit or os._exit, status {status}): return a value instead")

    def stop(self) -> None:
        """Close the answer's process; keep the sandbox only if it ended as asked, at once."""
        if not self.open:
            self.server.discard()
            return
        self.open = False
        try:
            channel = self.server.channel()
            channel.send(pickle.dumps({"id": self.open_id, "close": True}))
            answer = plaindata.loads(channel.receive(time.monotonic() + 10))
            if answer != {"id": self.open_id, "ended": 0}:
                self.server.discard()
        except (TimeoutError, ChannelError, plaindata.Malformed):
            self.server.discard()


def _outcomes(answer: dict, asked: int, feed) -> list:
    """The values of an answer to ``asked`` calls (see :meth:`StudentProcess.calls`: a chain's
    answer holds its last outcome and how many calls it ``made``), or :class:`~.plaindata.Malformed`."""
    outcomes = answer.get("answers")
    if not isinstance(outcomes, list):
        raise plaindata.Malformed(f"expected the answers to {asked} calls")
    made = len(outcomes) if feed is None else answer.get("made")
    if type(made) is not int or not 0 < made <= asked or len(outcomes) != (made if feed is None else 1):
        raise plaindata.Malformed(f"expected the answers to {asked} calls")
    values = []
    for number, outcome in enumerate(outcomes, 1):
        if isinstance(outcome, dict) and set(outcome) == {"ok"}:
            values.append(plaindata.decode(outcome["ok"]))
        elif number == len(outcomes) and isinstance(outcome, dict) and set(outcome) == {"raised"} and isinstance(outcome["raised"], list) and len(outcome["raised"]) == 4:
            kind, message, line, stub = outcome["raised"]
            values.append(StudentRaised(str(kind), str(message), str(line), bool(stub)))
        else:
            raise plaindata.Malformed(f"answer {number} is neither a value nor a raise")
    if made < asked and not isinstance(values[-1], StudentRaised) and not _refuses(feed, values[-1]):
        raise plaindata.Malformed(f"answers to {made} of {asked} calls")
    return values


def _refuses(feed, value) -> bool:
    """Whether a chain's ``feed`` refuses ``value`` (where a chain may stop short)."""
    if feed is None:
        return False
    try:
        feed(value)
    except Exception:  # noqa: BLE001 -- any refusal: the check reads the same value and says why
        return True
    return False


class StudentFunction:
    """The checker's handle on one of the student's functions."""

    def __init__(self, process: StudentProcess, index: int, name: str):
        self.process, self.index, self.__name__ = process, index, name

    def __call__(self, *args, **kwargs):
        (value,) = self.many([(args, kwargs)])
        if isinstance(value, StudentRaised):
            raise value
        return value

    def many(self, calls: list, feed=None) -> list:
        """Many calls in one round trip (:meth:`StudentProcess.calls`)."""
        return self.process.calls(self.index, calls, feed)


def cases_for(entry: exercises.Exercise, key) -> exercises.Cases:
    """The public cases without a key; the key's hidden ones with it."""
    if key is None:
        return exercises.Cases(np.random.default_rng(entry.public_seed), hidden=False)
    return exercises.Cases(np.random.default_rng(key.seeds[entry.column]), hidden=True, quiz=key.quiz)


def verdict_of(entry: exercises.Exercise, answer: Answer, key=None, *, budget: float = 60.0, sandbox: str = "bwrap",
               server: AnswerServer | None = None) -> Verdict:
    """Check one recorded answer (see the module docstring) in ``server`` (one of its own if
    None): the Verdict, never an exception."""
    began = time.monotonic()
    cases = cases_for(entry, key)
    own = server is None
    server = server or AnswerServer(sandbox, Limits(cpu_seconds=int(budget) + 5))
    student = None
    try:
        student = StudentProcess(answer, began + budget, server, r_start_env() if entry.starts_r else {})
        args = [StudentFunction(student, i, f"argument {i + 1}") if "callable" in o else plaindata.decode(o["value"]) for i, o in enumerate(student.objects)]
        said = entry.check(args, cases)
        passed = None if said is None else True
        message = said or "your answer is recorded; the lecturer's key marks it (this notebook has no key)."
    except Problem as problem:
        passed, message = False, str(problem)
    except (StudentProcessError, plaindata.Malformed) as exc:
        passed, message = False, str(exc)
    except Exception as exc:  # noqa: BLE001 -- a check must never crash whatever asked, whatever it is given
        passed, message = False, f"the check could not use what you gave it ({type(exc).__name__}: {exc}); read the exercise's instructions again."
    finally:
        if student is not None:
            student.stop()
        if own:
            server.close()
    return Verdict(entry.label, passed, message, round(time.monotonic() - began, 2), "hidden" if cases.hidden else "public")


# ---------------------------------------------------------------- the notebook's checker process


def ask(worker, column: str, answer: Answer, budget: float, sandbox: str, key_path: str | None) -> Verdict:
    """From a kernel: run one check in the checker process ``worker`` (a :class:`~nncourse.workers.Worker`)."""
    from ..workers import WorkerError

    entry = exercises.by_column(column)
    request = {"column": column, "answer": answer.as_json(), "budget": budget, "sandbox": sandbox, "key": key_path}
    try:
        result = json.loads(worker.request(json.dumps(request).encode(), budget + 60))
    except WorkerError as exc:
        return Verdict(entry.label, False, f"the checker stopped ({exc}); run the check again")
    if "error" in result:
        return Verdict(entry.label, False, f"the check itself failed ({result['error']}); please tell your lecturer")
    return Verdict(**result)


class KernelSandbox:
    """The notebook's checker's sandbox: one :class:`AnswerServer` kept from check to check
    (each answer still a fresh process of its clean server, /tmp empty, nothing it started
    left), so that a check pays for the sandbox's start-up once per kernel (all its answers
    are that one student's); a new one when
    the mode or the budget changes, or after anything irregular (:class:`StudentProcess`)."""

    def __init__(self):
        self.server, self.shape = None, None

    def for_check(self, sandbox: str, budget: float) -> AnswerServer:
        shape = (sandbox, int(budget) + 5)
        if shape != self.shape:
            self.close()
            self.server, self.shape = AnswerServer(sandbox, Limits(cpu_seconds=shape[1])), shape
        return self.server

    def close(self) -> None:
        if self.server is not None:
            self.server.close()


def _serve_one(raw: bytes, kernel: KernelSandbox) -> dict:
    from . import key as keys

    request = json.loads(raw)
    key = None if request["key"] is None else keys.load(request["key"])
    entry = exercises.by_column(request["column"])
    budget, sandbox = float(request["budget"]), request["sandbox"]
    server = kernel.for_check(sandbox, budget)
    return verdict_of(entry, Answer.from_json(request["answer"]), key, budget=budget, sandbox=sandbox, server=server).as_dict()


def main() -> None:
    import pandas  # noqa: F401 -- the checks' data frames (exercises 2 and 2 (R)) are made here: imported before any check's budget runs

    from ..workers import child_channel, read_frame, write_frame

    requests, answers = child_channel()
    kernel = KernelSandbox()
    while (raw := read_frame(requests)) is not None:
        try:
            result = _serve_one(raw, kernel)
        except Exception as exc:  # noqa: BLE001 -- a checker failure is said, never hidden
            result = {"error": f"{type(exc).__name__}: {exc}"}
        write_frame(answers, json.dumps(result).encode())
    kernel.close()


if __name__ == "__main__":
    main()
