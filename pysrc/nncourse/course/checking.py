"""The tutorial's checks, out of the student's reach.

A check decides a grade, so it must not share a process with what it grades. Three
processes take part:

- the student's kernel calls ``tutorial.check_exercise_N(f)``: the arguments are
  serialised by value (cloudpickle) and sent, unopened, to
- the *checker* (``python -m nncourse.course.checking``, one per kernel, started through
  :class:`nncourse.workers.Worker`): a clean interpreter holding the expected values and
  the comparisons. For each check it forks
- a *student process* that alone unpickles the student's objects and runs them, under a
  memory cap, with its output capped, answering the checker's calls with plain data
  (numbers, strings, arrays; converted there, so a looping ``__array__`` is the student
  process's problem).

The whole check has one wall-clock budget: a student process that overruns it is killed,
one that exits (``sys.exit``, ``os._exit``) is seen to, and the checker answers NOT YET
with the time used. Monkeypatching numpy or editing the checker's tables in the kernel
changes nothing here: the checker never runs the student's code nor opens its pickles.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import signal
import sys
import time
import traceback

from ..workers import child_channel, read_frame, write_frame

MEMORY_CAP = 4 * 2**30  # bytes of address space a student process may use
OUTPUT_CAP = 20_000  # characters of the student's printing kept (the rest is dropped)


class StudentProcessError(Exception):
    """The student's process overran, exited or crashed; the message says which."""


class StudentRaised(Exception):
    """The student's function raised; carries its type, message and the student's line."""

    def __init__(self, kind: str, message: str, line: str, stub: bool):
        super().__init__(message)
        self.kind, self.line, self.stub = kind, line, stub


# ---------------------------------------------------------------- plain data across the boundary

_ALLOWED = {
    ("builtins", name) for name in ("list", "dict", "tuple", "set", "frozenset", "complex", "slice", "range", "bytearray")
} | {
    ("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"), ("numpy", "float64"), ("numpy", "int64"), ("numpy", "bool_"),
    ("collections", "OrderedDict"), ("_codecs", "encode"),
}


class _PlainUnpickler(pickle.Unpickler):
    """Opens only numbers, strings, containers and NumPy arrays: no code from the student."""

    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"the student's process sent {module}.{name}, which a check never accepts")


def plain(value, depth: int = 0):
    """``value`` as plain data (run in the student process): arrays as float/int/bool arrays,
    containers of plain data, numbers, strings, None; anything else becomes its repr."""
    import numpy as np

    if depth > 20:
        return repr(value)[:200]
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return value
    if isinstance(value, (np.generic,)):
        return value.item()
    if isinstance(value, dict):
        return {plain(k, depth + 1): plain(v, depth + 1) for k, v in list(value.items())[:10_000]}
    if isinstance(value, (list, tuple)):
        items = [plain(v, depth + 1) for v in list(value)[:1_000_000]]
        return items if isinstance(value, list) else tuple(items)
    try:
        array = np.asarray(value)
        if array.dtype.kind in "biufc":
            return np.array(array)
        if array.dtype.kind in "UO" and array.ndim > 0 and array.size < 100_000:
            return plain(array.tolist(), depth + 1)  # each element plain too (a 0-d one is the object itself)
    except Exception:  # noqa: BLE001 -- whatever it is, the check is told what it was
        pass
    return repr(value)[:200]


# ---------------------------------------------------------------- the student's process

def _send(stream, obj) -> None:
    write_frame(stream, pickle.dumps(obj))


def _receive(stream, unpickler=pickle.Unpickler):
    frame = read_frame(stream)
    if frame is None:
        raise EOFError
    return unpickler(io.BytesIO(frame)).load()


class _CappedOutput(io.TextIOBase):
    def __init__(self):
        self.kept = []
        self.size = 0

    def write(self, text):
        if self.size < OUTPUT_CAP:
            self.kept.append(text[: OUTPUT_CAP - self.size])
            self.size += len(self.kept[-1])
        return len(text)


def _open(payload: bytes) -> list:
    """The student's objects: ``("objects", cloudpickle bytes)`` from a kernel, or
    ``("source", code, expressions)`` from the grader: the submission's code run here, then
    each expression its check calls were given, evaluated in its namespace."""
    import linecache

    import cloudpickle

    kind, *rest = pickle.loads(payload)
    if kind == "objects":
        objects, sources = rest
        SOURCES.extend(sources)  # each argument's source lines, for quoting the student's line
        return list(cloudpickle.loads(objects))
    code, expressions = rest
    linecache.cache["<submission>"] = (len(code), None, code.splitlines(True), "<submission>")
    namespace = {"__name__": "__main__"}
    exec(compile(code, "<submission>", "exec"), namespace)  # noqa: S102 -- the student's code, in the student's process
    return [eval(expression, namespace) for expression in expressions]  # noqa: S307 -- likewise


SOURCES: list[list[str]] = []  # in the student process: the kernel's source lines, per argument


def _serve_student(payload: bytes, requests, answers) -> None:
    """In the forked student process: open the student's objects, answer calls, never return."""
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    except (ValueError, OSError):
        pass
    sys.stdout = sys.stderr = _CappedOutput()
    try:
        objects = _open(payload)
        _send(answers, {"objects": [{"callable": True} if callable(o) else {"value": plain(o)} for o in objects]})
    except BaseException as exc:  # noqa: BLE001 -- the student's pickle may raise anything
        _send(answers, {"broken": f"{type(exc).__name__}: {exc}"})
        os._exit(0)
    while True:
        try:
            request = _receive(requests)
        except EOFError:
            os._exit(0)
        function = objects[request["index"]]
        try:
            result = plain(function(*request["args"], **request["kwargs"]))
            _send(answers, {"ok": result})
        except BaseException as exc:  # noqa: BLE001 -- every failure is the student's to read
            frames = traceback.extract_tb(exc.__traceback__)
            own = [f for f in frames if f.filename == getattr(getattr(function, "__code__", None), "co_filename", None)]
            where = (own or frames or [None])[-1]
            stub = isinstance(exc, NotImplementedError) and len(frames) >= 2 and frames[-1].name == getattr(function, "__name__", None)
            text = where.line if where is not None else ""
            if where is not None and not text and request["index"] < len(SOURCES) and 0 < where.lineno <= len(SOURCES[request["index"]]):
                text = SOURCES[request["index"]][where.lineno - 1].strip()
            line = f"line {where.lineno}: {text}" if where is not None else ""
            _send(answers, {"raised": (type(exc).__name__, str(exc)[:500], line, stub)})


class StudentProcess:
    """The student's objects, alive in a forked process; calls go there and plain data comes back."""

    def __init__(self, payload: bytes, deadline: float):
        self.deadline = deadline
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the student process
            os.close(to_child_w)
            os.close(from_child_r)
            os.setsid()
            try:
                _serve_student(payload, os.fdopen(to_child_r, "rb"), os.fdopen(from_child_w, "wb"))
            finally:
                os._exit(0)
        os.close(to_child_r)
        os.close(from_child_w)
        self.requests = os.fdopen(to_child_w, "wb")
        self.answers = os.fdopen(from_child_r, "rb")
        self.started = time.monotonic()
        first = self._answer()
        if "broken" in first:
            raise StudentProcessError(f"your answer could not be opened in a fresh process ({first['broken']}); does it use something only your notebook has?")
        self.objects = first["objects"]

    def call(self, index: int, args: tuple, kwargs: dict):
        try:
            _send(self.requests, {"index": index, "args": args, "kwargs": kwargs})
        except BrokenPipeError:
            raise self._gone() from None
        answer = self._answer()
        if "raised" in answer:
            raise StudentRaised(*answer["raised"])
        return answer["ok"]

    def _answer(self):
        import select

        fd = self.answers.fileno()
        left = self.deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            self.stop()
            raise StudentProcessError(f"the check's time budget ran out ({time.monotonic() - self.started:.1f} s used): is there a loop that never ends?")
        try:
            return _receive(self.answers, _PlainUnpickler)
        except EOFError:
            raise self._gone() from None
        except pickle.UnpicklingError as exc:
            self.stop()
            raise StudentProcessError(f"your function returned something a check cannot take: {exc}") from None

    def _gone(self) -> StudentProcessError:
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if os.WIFSIGNALED(status):
            name = signal.Signals(os.WTERMSIG(status)).name
            return StudentProcessError(f"your function crashed its process ({name}); the memory cap is {MEMORY_CAP // 2**30} GiB")
        return StudentProcessError(f"your function ended its process (sys.exit or os._exit, status {os.WEXITSTATUS(status)}): return a value instead")

    def stop(self) -> None:
        if self.pid is not None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            os.waitpid(self.pid, 0)
            self.pid = None
        for stream in (self.requests, self.answers):
            try:
                stream.close()
            except OSError:
                pass


class StudentFunction:
    """The checker's handle on one of the student's functions."""

    def __init__(self, process: StudentProcess, index: int, name: str):
        self.process, self.index, self.__name__ = process, index, name

    def __call__(self, *args, **kwargs):
        return self.process.call(self.index, args, kwargs)


# ---------------------------------------------------------------- the checker's loop

def run_check(check: str, payload: bytes, budget: float) -> dict:
    """Run ``tutorial.<check>`` on the student's objects (in ``payload``) within ``budget`` s."""
    from . import tutorial

    began = time.monotonic()
    student = None
    try:
        student = StudentProcess(payload, began + budget)
        args = [StudentFunction(student, i, f"argument {i + 1}") if o.get("callable") else o["value"] for i, o in enumerate(student.objects)]
        verdict = getattr(tutorial, check).checked(*args)
    except StudentProcessError as exc:
        verdict = tutorial.Verdict(tutorial.EXERCISE_OF[check], False, str(exc))
    finally:
        if student is not None:
            student.stop()
    return {"exercise": verdict.exercise, "passed": verdict.passed, "message": verdict.message, "seconds": round(time.monotonic() - began, 2)}


def main() -> None:
    requests, answers = child_channel()
    while True:
        try:
            request = _receive(requests)
        except EOFError:
            return
        try:
            result = run_check(request["check"], request["payload"], request["budget"])
        except Exception as exc:  # noqa: BLE001 -- a checker failure is said, never hidden
            result = {"error": f"{type(exc).__name__}: {exc}"}
        _send(answers, result)


if __name__ == "__main__":
    # run the imported module, not this __main__ copy: the tutorial catches
    # nncourse.course.checking's exception classes, which a second copy would not raise
    from nncourse.course.checking import main as checker_main

    checker_main()
