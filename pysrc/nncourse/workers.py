"""Child processes that run code nncourse did not write (R today; R in Node.js next).

A :class:`Worker` owns one long-lived child, started on first use and spoken to with
length-prefixed messages on its stdin and stdout (the codec is the caller's: pickle for
a Python child, JSON for Node). Whatever the code in the child does, the parent
survives and says what happened:

- every request has a time limit: past it the child is killed (its whole process group)
  and :class:`WorkerTimeout` says so; the next request starts a fresh child;
- a child that exits (R's ``q()``) or dies (a segfault, a C stack overflow) mid-request
  raises :class:`WorkerDied` with its exit status or signal and the last lines it wrote
  to stderr; the next request starts a fresh child;
- Ctrl-C while waiting kills the child and raises :class:`KeyboardInterrupt` here;
- the child runs in its own process group and folder-independent environment: it cannot
  change this process's working directory, environment or terminal.

Where :data:`FORK_ENV` is set (the grader's sandboxed student processes: single-threaded,
numpy and pandas imported, short-lived), a child whose command is ``python -m MODULE`` of a
module registered by :func:`forkable` is a fork of this process running ``MODULE`` rather
than a new Python: R's worker then starts without a second Python's start-up and imports.
"""

from __future__ import annotations

import collections
import os
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

HEADER = struct.Struct(">Q")  # every message: its length in 8 bytes, then its bytes
FORK_ENV = "NNCOURSE_FORK_WORKERS"  # set: workers of forkable() modules are forks of this process
FORKABLE: dict[str, tuple[str, ...]] = {}  # module -> packages that, imported here, rule the fork out


def write_frame(stream, payload: bytes) -> None:
    """One message onto ``stream``, framed."""
    stream.write(HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_frame(stream) -> bytes | None:
    """One framed message from a blocking ``stream``; None when the other side has closed it."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    return stream.read(HEADER.unpack(header)[0])


def child_channel():
    """In a worker child: (requests, answers). Standard output is kept for the answers alone:
    file descriptor 1 (and ``sys.stdout``) go to stderr from here on, so nothing the child
    or the code it runs prints can corrupt a message."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return sys.stdin.buffer, answers


def forkable(module: str, unless_loaded: tuple[str, ...]) -> None:
    """Let a worker ``python -m module`` be a fork of this process where :data:`FORK_ENV` is
    set, unless one of ``unless_loaded`` is imported here (the child must import them fresh:
    a fork of a process that embeds R would share that R's state)."""
    FORKABLE[module] = unless_loaded


def _fork_module(argv: list[str]) -> str | None:
    """The module a worker of ``argv`` may be forked to run (see the module docstring), or None."""
    if not os.environ.get(FORK_ENV) or not hasattr(os, "pidfd_open") or len(argv) != 3 or argv[:2] != [sys.executable, "-m"] or argv[2] not in FORKABLE:
        return None
    return None if any(name in sys.modules for name in FORKABLE[argv[2]]) else argv[2]


class ForkedProcess:
    """A child forked from this process to run a module (the part of ``subprocess.Popen`` a
    :class:`Worker` uses): standard streams on pipes, its own session, no other descriptor
    of this process's."""

    def __init__(self, module: str, env: dict | None, cwd: str | None):
        pipes = [os.pipe() for _ in range(3)]  # stdin, stdout, stderr
        self.returncode = None
        self.pid = os.fork()
        if self.pid == 0:
            self._child(module, env, cwd, pipes[0][0], pipes[1][1], pipes[2][1])
        for fd in (pipes[0][0], pipes[1][1], pipes[2][1]):
            os.close(fd)
        self.stdin = os.fdopen(pipes[0][1], "wb")
        self.stdout = os.fdopen(pipes[1][0], "rb")
        self.stderr = os.fdopen(pipes[2][0], "rb")
        self._exit = os.pidfd_open(self.pid)  # readable once the child has ended

    @staticmethod
    def _child(module, env, cwd, stdin, stdout, stderr) -> None:
        """In the child: the pipes as fds 0-2, nothing else open, then the module as ``__main__``; never returns."""
        import runpy

        status = 1
        try:
            os.setsid()
            for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
                os.dup2(fd, target)
            os.closerange(3, os.sysconf("SC_OPEN_MAX"))
            if cwd is not None:
                os.chdir(cwd)
            if env is not None:
                os.environ.clear()
                os.environ.update(env)
            sys.stdin, sys.stdout, sys.stderr = (open(fd, mode, closefd=False) for fd, mode in ((0, "r"), (1, "w"), (2, "w")))
            runpy.run_module(module, run_name="__main__", alter_sys=True)
            status = 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 -- said on the child's stderr, which the parent keeps
            import traceback

            traceback.print_exc()
        finally:
            os._exit(status)

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._exit], [], [], 0)[0]:
            self._reap()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if timeout is not None and not select.select([self._exit], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"forked {self.pid}", timeout)
            self._reap()
        return self.returncode

    def _reap(self) -> None:
        _, status = os.waitpid(self.pid, 0)
        self.returncode = os.waitstatus_to_exitcode(status)
        os.close(self._exit)

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)


class WorkerError(RuntimeError):
    """The child could not answer; the message says why."""


class WorkerTimeout(WorkerError):
    """A request ran past its time limit; the child was killed."""


class WorkerDied(WorkerError):
    """The child exited or crashed during a request."""

    def __init__(self, message: str, returncode: int | None):
        super().__init__(message)
        self.returncode = returncode


class Worker:
    """One child process at a time, restarted on demand (see the module docstring)."""

    def __init__(self, argv: list[str], *, name: str, env: dict | None = None, cwd: str | None = None, stderr_keep: int = 64 * 1024, private_tmp: bool = False):
        """``private_tmp``: each child gets a temporary folder of its own (``TMPDIR``),
        removed when it stops, however it ends (R leaves its ``Rtmp*`` folder when killed)."""
        self.argv = argv
        self.name = name
        self.env = env
        self.cwd = cwd
        self.private_tmp = private_tmp
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.generation = 0  # how many children have been started: handles into one die with it
        self._process: subprocess.Popen | None = None
        self._stderr: collections.deque[bytes] = collections.deque()
        self._stderr_keep = stderr_keep
        self._lock = threading.Lock()

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the child (if it is not running)."""
        if self.alive:
            return
        self.stop()  # a child that ended on its own between requests: its folder goes
        self._stderr.clear()
        env = self.env
        if self.private_tmp:
            self._tmp = tempfile.TemporaryDirectory(prefix="nncourse-worker-")
            env = {**(os.environ if env is None else env), "TMPDIR": self._tmp.name, "TMP": self._tmp.name, "TEMP": self._tmp.name}
        module = _fork_module(self.argv)
        if module is not None:
            self._process = ForkedProcess(module, env, self.cwd)
        else:
            self._process = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=env, cwd=self.cwd, start_new_session=True,
            )
        self.generation += 1
        threading.Thread(target=self._drain_stderr, args=(self._process,), daemon=True).start()

    def request(self, payload: bytes, timeout: float) -> bytes:
        """Send one message and wait up to ``timeout`` seconds for the answer."""
        with self._lock:
            self.start()
            process = self._process
            try:
                write_frame(process.stdin, payload)
                return self._receive(process, time.monotonic() + timeout, timeout)
            except KeyboardInterrupt:
                self.stop()
                raise KeyboardInterrupt(f"interrupted: {self.name} was stopped; the next call starts a fresh one") from None
            except BrokenPipeError:
                raise self._died(process) from None

    def stop(self) -> None:
        """Kill the child and everything it started."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def stderr_tail(self, lines: int = 12) -> str:
        """The last lines the child wrote to stderr (for error messages)."""
        text = b"".join(self._stderr).decode("utf-8", "replace")
        return "\n".join(text.rstrip("\n").splitlines()[-lines:])

    # ------------------------------------------------------------------ internals

    def _receive(self, process, deadline: float, timeout: float) -> bytes:
        header = self._read(process, HEADER.size, deadline, timeout)
        (length,) = HEADER.unpack(header)
        return self._read(process, length, deadline, timeout)

    def _read(self, process, size: int, deadline: float, timeout: float) -> bytes:
        fd = process.stdout.fileno()
        parts, got = [], 0
        while got < size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.stop()
                raise WorkerTimeout(f"{self.name} did not answer within {timeout:g} s: it was stopped, and the next call starts a fresh one")
            chunk = os.read(fd, min(size - got, 1 << 20))
            if not chunk:
                raise self._died(process)
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def _died(self, process) -> WorkerDied:
        try:
            returncode = process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            returncode = None
        time.sleep(0.05)  # let the stderr drain catch the last words
        self.stop()
        tail = self.stderr_tail()
        if returncode is not None and returncode < 0:
            name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else f"signal {-returncode}"
            how = "was killed" if -returncode in (signal.SIGKILL, signal.SIGTERM) else "crashed"
            what = f"{self.name} {how} ({name})"
        else:
            what = f"{self.name} exited (status {returncode})"
        return WorkerDied(what + (f"; its last words: {' | '.join(tail.splitlines())}" if tail else ""), returncode)

    def _drain_stderr(self, process) -> None:
        kept = 0
        for line in iter(process.stderr.readline, b""):
            self._stderr.append(line)
            kept += len(line)
            while kept > self._stderr_keep and self._stderr:
                kept -= len(self._stderr.popleft())
