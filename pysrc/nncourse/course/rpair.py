"""Grading R boxes with two R processes: the student's code in one, the checks in the other.

Issue 18's rule for the R track: what decides a grade never shares a process with what it
grades. The student's R (``rtrack_student.R``) runs the box's code with the lecture's
helpers and data, and nothing of the check; the checker's R (``rtrack_checker.R``) holds the
checks and their cases (the key's hidden ones when grading) and never evaluates the
student's code: each name of the box's call is asked of the student's R, a function becomes
a stand-in that sends its arguments over, and what comes back is read as plain data. Both
run in the operating system's sandbox (:mod:`.sandbox`: bubblewrap, limits), each with a
user id of its own, and meet only here, in the grader, which relays their messages, holds
the budget, and kills the student's R when its time is up.

A submission's boxes are graded by one pair (:func:`grade_all`): the student's R runs each
box in a fork of itself, a fresh copy of the R that holds the lecture's helpers, and the
checker's R checks one box after the other. A box whose code hangs costs a new student's R
for the boxes after it; one that ends its fork (``q()``, a crash) costs nothing more.
"""

from __future__ import annotations

import collections
import os
import secrets
import selectors
import signal
import struct
import subprocess
import time
from pathlib import Path

from .. import paths
from . import sandbox

STUDENT = paths.RTRACK_STUDENT
CHECKER = paths.RTRACK_CHECKER
LINE_CAP = 64 * 2**20  # bytes one reply line may hold; a longer one counts as no reply
ENDED = "R ended before the check gave a verdict: did the code call q() or crash R?"


class _R:
    """One sandboxed Rscript running ``script``: framed requests on its stdin, lines read
    back (from ``stream``) that start with ``marker``, each with a deadline."""

    def __init__(self, script: Path, rscript: str, cpu_seconds: float, stream: str, mode: str, packages: tuple[str, ...] = ()):
        limits = sandbox.Limits(cpu_seconds=int(cpu_seconds) + 30)
        prefix = sandbox.bwrap_argv() if mode == "bwrap" else []
        start = [f"--default-packages={','.join(packages)}"] if packages else []
        # the script's real path: the sandbox reads the package there (and an -e of this length is cut short by R)
        argv = [*sandbox.limits_argv(limits), *prefix, rscript, "--vanilla", *start, os.path.realpath(script)]
        out = {"stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL} if stream == "stdout" else {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, **out, env={**sandbox.child_env(), "LANG": "C.UTF-8"},
                                        start_new_session=True, cwd="/")
        self.stream = self.process.stdout if stream == "stdout" else self.process.stderr
        self.buffer = b""  # the last line read, until its end comes
        self.lines: collections.deque[bytes] = collections.deque()  # whole lines read, not yet asked for
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.stream, selectors.EVENT_READ)
        self.marker = "nncourse-" + secrets.token_hex(16)
        self.idle = True  # the student's R: no box's fork is running
        self.stopped = False

    def send(self, *frames: bytes | str) -> bool:
        try:
            for frame in frames:
                data = frame.encode() if isinstance(frame, str) else frame
                self.process.stdin.write(struct.pack(">i", len(data)) + data)
            self.process.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def line(self, deadline: float, gather: float = 0.0) -> str | None:
        """The next line after the marker (without it); None when R ended; TimeoutError past ``deadline``.
        ``gather``: seconds to wait before reading when no whole line is here (many lines are
        coming: they are then read many at a time, not a wake-up and a read each)."""
        prefix = (self.marker + " ").encode()
        while True:
            while self.lines:
                line = self.lines.popleft()
                if line.startswith(prefix):
                    return line[len(prefix):].decode("utf-8", errors="replace")
            if len(self.buffer) > LINE_CAP:
                self.buffer = b""  # an endless line: dropped, like any line without the marker
            if gather:
                time.sleep(min(gather, max(deadline - time.monotonic(), 0)))
            left = deadline - time.monotonic()
            if left <= 0 or not self.selector.select(left):
                raise TimeoutError
            chunk = os.read(self.stream.fileno(), 2**20)
            if not chunk:
                return None
            *complete, self.buffer = (self.buffer + chunk).split(b"\n")  # a chunk may hold thousands of lines (many calls' replies)
            self.lines.extend(complete)

    def alive(self) -> bool:
        return not self.stopped and self.process.poll() is None

    def stop(self) -> None:
        if self.stopped:
            return  # once: its process group's id may belong to another group later
        self.stopped = True
        try:  # its whole process group: a box's fork that outlived its R too (sandbox "none")
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        self.selector.close()
        for pipe in (self.process.stdin, self.stream):
            try:
                pipe.close()
            except OSError:
                pass


# The checker's R without the methods package: the checks need none, and R starts about
# 0.1 s of CPU sooner without it (R's attach(), once per check, is also 3x slower with it).
CHECKER_PACKAGES = ("datasets", "utils", "grDevices", "graphics", "stats")


def grade_all(boxes: list[tuple[str, str]], checks: str, setup: str, *, budget: float, rscript: str, mode: str = "bwrap") -> list[tuple[bool, str]]:
    """The verdicts of ``boxes``, (passed, message) each: a box is a (call, code) pair, its
    ``code`` run (after ``setup``, the lecture's helpers and data) in a fresh fork of the
    student's R, then its ``call`` (``check_exercise_8(margin)``) in the checker's R with
    ``checks``, each box with ``budget`` seconds of its own. An R that a box left dead or hung
    is started again for the next box. ``mode``: the sandbox (:data:`.sandbox.MODES`; "bwrap"
    refuses where bubblewrap cannot run, as the Python track does)."""
    sandbox.check_mode(mode)
    cpu = (budget + 30) * max(1, len(boxes))  # the checker's CPU limit: every box's check may take its budget
    student = checker = None
    verdicts = []
    try:
        for call, code in boxes:
            if student is None or not student.alive():
                student = _R(STUDENT, rscript, budget, "stdout", mode)
                student.send(setup, student.marker)
            if checker is None or not checker.alive():
                checker = _R(CHECKER, rscript, cpu, "stderr", mode, CHECKER_PACKAGES)
                checker.send(checks, checker.marker)
            verdicts.append(_box(student, checker, call, code, budget))
            if student.alive() and not student.idle and not (student.send("end") and _idle(student)):
                student.stop()  # the fork did not end when told: the next box gets a new R
    finally:
        for r in (student, checker):
            if r is not None:
                r.stop()
    return verdicts


def _idle(student: _R) -> bool:
    """True once the student's R says its box's fork has ended (and it waits for the next box)."""
    try:
        while (line := student.line(time.monotonic() + 30)) is not None:
            if line == "idle":
                student.idle = True
                return True
    except TimeoutError:
        pass
    return False


def _box(student: _R, checker: _R, call: str, code: str, budget: float) -> tuple[bool, str]:
    """One box: its code in a fork of the student's R, then its call in the checker's R."""
    student.idle = False
    student.send(code)
    try:
        ready = student.line(time.monotonic() + budget + 10)
    except TimeoutError:
        student.stop()
        return False, f"your code stopped with an error before the check: it ran past {budget:g} s: is there a loop that never ends?"
    student.idle = ready == "idle"  # the fork ended before it said anything: base::q(), a crash
    if ready is None or not (ready == "ready" or ready.startswith("error ")):
        return False, ENDED
    if ready != "ready":
        _idle(student)  # a fork whose code stopped ends by itself
        return False, "your code stopped with an error before the check: " + _text(ready[len("error "):])
    checker.send(call, repr(float(budget)))
    return _relay(student, checker, time.monotonic() + budget)


def _relay(student: _R, checker: _R, deadline: float) -> tuple[bool, str]:
    """Carry the checker's requests to the student's R and its replies back until the verdict;
    past ``deadline`` the student's R is killed and every later request answered "timeout"."""
    alive = True
    while True:
        try:
            said = checker.line(deadline + 30)
        except TimeoutError:
            said = None
        if said is None:
            checker.stop()  # a checker that said nothing in time is not asked again
            return False, "the check ended without a verdict"
        kind, _, rest = said.partition(" ")
        if kind == "done":
            mark, _, message = rest.partition(" ")
            return mark == "PASSED", _text(message)
        number, _, request = rest.partition(" ")
        replies = ["gone"]
        if alive and student.send(number, bytes.fromhex(request)):
            replies = _replies(student, number, deadline, many=kind == "calls")
        if replies[-1] in ("timeout", "gone"):
            alive = False
            if not student.idle:
                student.stop()
        if not checker.send("\n".join(replies)):
            return False, "the check ended without a verdict"


def _replies(student: _R, number: str, deadline: float, *, many: bool) -> list[str]:
    """The student's R's reply to request ``number``: its one line, or (``many``: a request of
    many calls) its lines up to "end"; the last "timeout" past ``deadline``, "gone" when the fork ended."""
    replies = []
    try:
        while True:
            got = student.line(deadline, GATHER if many else 0.0)
            if got in (None, "idle"):
                student.idle = got == "idle"  # the fork ended (base::q() in the function, a crash): its R waits for the next box
                return replies + ["gone"]
            if not got.startswith(number + " "):
                continue  # a line for another request (forged or stale) is not this request's reply
            reply = got[len(number) + 1:]
            if not many:
                return [reply]
            replies.append(reply)
            if reply == "end":
                return replies
    except TimeoutError:
        return replies + ["timeout"]


GATHER = 0.002  # a call's reply line takes some 0.1 ms to make: a read every 2 ms gets about 20


def _text(hexed: str) -> str:
    """A message the R side wrote as hex (``x`` + bytes for the student's, bare for the checker's)."""
    try:
        return bytes.fromhex(hexed.removeprefix("x")).decode("utf-8", errors="replace")
    except ValueError:
        return hexed
