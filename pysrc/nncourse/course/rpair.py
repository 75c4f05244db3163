"""Grading one R box with two R processes: the student's code in one, the check in the other.

Issue 18's rule for the R track: what decides a grade never shares a process with what it
grades. The student's R (``rtrack_student.R``) runs the box's code with the lecture's
helpers and data, and nothing of the check; the checker's R (``rtrack_checker.R``) holds the
checks and their cases (the key's hidden ones when grading) and never evaluates the
student's code: each name of the box's call is asked of the student's R, a function becomes
a stand-in that sends its arguments over, and what comes back is read as plain data. Both
run in the operating system's sandbox (:mod:`.sandbox`: bubblewrap, limits), each with a
user id of its own, and meet only here, in the grader, which relays their messages, holds
the budget, and kills the student's R when its time is up.
"""

from __future__ import annotations

import os
import secrets
import selectors
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

    def __init__(self, script: Path, rscript: str, budget: float, stream: str, mode: str):
        limits = sandbox.Limits(cpu_seconds=int(budget) + 30)
        prefix = sandbox.bwrap_argv() if mode == "bwrap" else []
        argv = [*sandbox.limits_argv(limits), *prefix, rscript, "--vanilla", "-e", script.read_text(encoding="utf-8")]
        out = {"stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL} if stream == "stdout" else {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, **out, env={**sandbox.child_env(), "LANG": "C.UTF-8"},
                                        start_new_session=True, cwd="/")
        self.stream = self.process.stdout if stream == "stdout" else self.process.stderr
        self.buffer = b""
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.stream, selectors.EVENT_READ)
        self.marker = "nncourse-" + secrets.token_hex(16)

    def send(self, *frames: bytes | str) -> bool:
        try:
            for frame in frames:
                data = frame.encode() if isinstance(frame, str) else frame
                self.process.stdin.write(struct.pack(">i", len(data)) + data)
            self.process.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def line(self, deadline: float) -> str | None:
        """The next line after the marker (without it); None when R ended; TimeoutError past ``deadline``."""
        prefix = (self.marker + " ").encode()
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                if line.startswith(prefix):
                    return line[len(prefix):].decode("utf-8", errors="replace")
            if len(self.buffer) > LINE_CAP:
                self.buffer = b""  # an endless line: dropped, like any line without the marker
            left = deadline - time.monotonic()
            if left <= 0 or not self.selector.select(left):
                raise TimeoutError
            chunk = os.read(self.stream.fileno(), 2**20)
            if not chunk:
                return None
            self.buffer += chunk

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.selector.close()
        for pipe in (self.process.stdin, self.stream):
            try:
                pipe.close()
            except OSError:
                pass


def grade(call: str, code: str, checks: str, setup: str, *, budget: float, rscript: str, mode: str = "bwrap") -> tuple[bool, str]:
    """The verdict of one box: ``code`` run (after ``setup``, the lecture's helpers and data)
    in the student's R, then ``call`` (``check_exercise_8(margin)``) in the checker's R with
    ``checks``; (passed, message). ``mode``: the sandbox (:data:`.sandbox.MODES`; "bwrap"
    refuses where bubblewrap cannot run, as the Python track does)."""
    sandbox.check_mode(mode)
    student = _R(STUDENT, rscript, budget, "stdout", mode)
    checker = _R(CHECKER, rscript, budget, "stderr", mode)
    try:
        student.send(setup, code, student.marker)
        try:
            ready = student.line(time.monotonic() + budget + 10)
        except TimeoutError:
            return False, f"your code stopped with an error before the check: it ran past {budget:g} s: is there a loop that never ends?"
        if ready is None or not (ready == "ready" or ready.startswith("error ")):
            return False, ENDED
        if ready != "ready":
            return False, "your code stopped with an error before the check: " + _text(ready[len("error "):])
        checker.send(checks, call, repr(float(budget)), checker.marker)
        return _relay(student, checker, time.monotonic() + budget)
    finally:
        student.stop()
        checker.stop()


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
            return False, "the check ended without a verdict"
        kind, _, rest = said.partition(" ")
        if kind == "done":
            mark, _, message = rest.partition(" ")
            return mark == "PASSED", _text(message)
        number, _, request = rest.partition(" ")
        reply = "gone"
        if alive and student.send(number, bytes.fromhex(request)):
            try:
                while (got := student.line(deadline)) is not None and not got.startswith(number + " "):
                    pass  # a line for another request (forged or stale) is not this request's reply
                reply = "gone" if got is None else got[len(number) + 1:]
            except TimeoutError:
                reply = "timeout"
        if reply in ("timeout", "gone"):
            alive = False
            student.stop()
        if not checker.send(reply):
            return False, "the check ended without a verdict"


def _text(hexed: str) -> str:
    """A message the R side wrote as hex (``x`` + bytes for the student's, bare for the checker's)."""
    try:
        return bytes.fromhex(hexed.removeprefix("x")).decode("utf-8", errors="replace")
    except ValueError:
        return hexed
