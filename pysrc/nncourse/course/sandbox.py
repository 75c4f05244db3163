"""The operating system's sandbox around a student's code (bubblewrap + resource limits).

A student's notebook and every function it hands to a check run in a process started by
:func:`start`: ``bwrap`` gives it a read-only view of the system's programs and of this
Python (nothing else of the disk: no home folder, no other submission, no grading key),
a private ``/tmp``, no network, and its own PID namespace, so every process it starts,
``os.setsid()`` or not, dies with it. Run as root, it drops to a user id of its own
(one drawn per sandbox, owning no file), so that its process limit counts its own processes only. ``prlimit`` caps its memory, CPU time, processes
and file size. It shares one file descriptor with its parent, a socket (its first argument),
and talks over it in framed messages; nothing else of the parent is open in it.

Where bubblewrap cannot run (no user namespaces, macOS), :func:`reason_unavailable` says
why; ``mode="none"`` then runs the same child with the limits only: the student's code
can read and write whatever the user can, and its children can outlive it.
"""

from __future__ import annotations

import atexit
import functools
import os
import secrets
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..workers import FORK_ENV

MODES = ("bwrap", "none")
HEADER = struct.Struct(">Q")
FRAME_CAP = 256 * 2**20  # bytes one message may hold; a longer one is refused unread
FONTS = "/nncourse-fonts"  # where a sandbox sees Matplotlib's font list (read-only): see font_cache()
MPLCONFIGDIR = "/tmp/matplotlib"  # Matplotlib's folder in a sandbox: a copy of FONTS, in its private /tmp


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run here; the message says why and what ``--sandbox none`` gives up."""


class ChannelError(RuntimeError):
    """The other side closed the channel, sent too much, or did not answer in time."""


@dataclass(frozen=True)
class Limits:
    """What one sandboxed process may use."""

    memory: int = 4 * 2**30  # bytes of address space
    cpu_seconds: int = 660  # CPU time (the wall-clock budget is the caller's, usually shorter)
    processes: int = 64
    file_size: int = 64 * 2**20  # bytes of any one file it writes


NOT_SANDBOXED = ("without the sandbox the student's code runs as you: it can read and write your files "
                 "(the grading key included), reach the network, and leave processes running")


def _readable_roots() -> list[str]:
    """What the sandbox may read: this Python, its packages, nncourse with its R sources and
    the ledger (the real files behind the package's links), and the system's programs.
    Nothing else of the disk: no home folder, no project folder, no key, no other submission."""
    import site

    # not sys.path as such: its first entry is often the current folder (python -m, pytest), which may hold the key
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, paths.PACKAGE.parent, paths.RSRC, paths.LEDGER)}
    roots |= {os.path.realpath(p) for p in site.getsitepackages() if os.path.isdir(p)}
    system = [p for p in ("/usr", "/etc", "/opt") if os.path.isdir(p)]
    kept = [r for r in sorted(roots) if os.path.exists(r)]
    kept = [r for r in kept if not any(r.startswith(k + "/") for k in system + kept)]  # a folder inside another is bound with it
    return system + kept


@functools.lru_cache(maxsize=1)
def font_cache() -> str | None:
    """A folder holding Matplotlib's font list for this Python (nothing else), built once per
    grading process and removed at its exit; None if it cannot be built. A sandbox sees it at
    :data:`FONTS` and starts each run from a copy (:func:`.student.main`): its /tmp is empty,
    and without the copy every submission's ``import matplotlib`` would spend half a second
    of CPU finding the system's fonts again."""
    folder = tempfile.mkdtemp(prefix="nncourse-fonts-")
    atexit.register(shutil.rmtree, folder, True)
    try:
        done = subprocess.run([sys.executable, "-I", "-c", "import matplotlib.font_manager"], env={**child_env(), "MPLCONFIGDIR": folder},
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lists = list(Path(folder).glob("fontlist-*.json"))
    if done.returncode != 0 or not lists:
        return None
    for path in (folder, *lists):  # readable by the sandbox's own user id
        os.chmod(path, 0o755 if path == folder else 0o644)
    return folder


def bwrap_argv(fonts: bool = False) -> list[str]:
    """bwrap's command line (see the module docstring); ``fonts``: with Matplotlib's font list
    (:func:`font_cache`, built once per process: only for a sandbox that may draw)."""
    argv = ["bwrap", "--die-with-parent", "--new-session", "--dev", "/dev", "--proc", "/proc",
            "--perms", "1777", "--tmpfs", "/tmp", "--chdir", "/tmp", "--setenv", "HOME", "/tmp", "--setenv", "NNCOURSE_SANDBOX", "bwrap"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = f"/{link}"
        if os.path.islink(target):
            argv += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            argv += ["--ro-bind", target, target]
    roots = _readable_roots()
    parents = sorted({str(p) for r in roots for p in Path(r).parents if str(p) != "/"}, key=len)
    for parent in parents:  # made by bwrap, readable by anyone (else they would be root's alone)
        argv += ["--perms", "0755", "--dir", parent]
    for root in roots:
        argv += ["--ro-bind", root, root]
    if fonts and (folder := font_cache()) is not None:
        argv += ["--ro-bind", folder, FONTS, "--setenv", "MPLCONFIGDIR", MPLCONFIGDIR]
    if os.geteuid() == 0:  # root: namespaces without a user namespace, then a user id of its own (so its process count is its own)
        uid = 200_000 + secrets.randbelow(800_000)
        return argv + ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                       "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--bounding-set=-all"]
    return argv + ["--unshare-all"]


def limits_argv(limits: Limits) -> list[str]:
    return ["prlimit", f"--as={limits.memory}", f"--cpu={limits.cpu_seconds}", f"--nproc={limits.processes}",
            f"--fsize={limits.file_size}", "--core=0", "--"]


@functools.lru_cache(maxsize=1)
def reason_unavailable() -> str | None:
    """None when bubblewrap runs here; else why not (said once, cached)."""
    for tool in ("bwrap", "prlimit") + (("setpriv",) if os.geteuid() == 0 else ()):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: apt-get install {'bubblewrap' if tool == 'bwrap' else 'util-linux'})"
    try:
        done = subprocess.run([*bwrap_argv(), sys.executable, "-c", "pass"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap could not start: {exc}"
    if done.returncode != 0:
        return f"bwrap could not make a sandbox here: {done.stderr.decode(errors='replace').strip() or f'exit status {done.returncode}'}"
    return None


def check_mode(mode: str) -> None:
    """Refuse a mode that cannot run here, saying why."""
    if mode not in MODES:
        raise ValueError(f"sandbox: expected one of {MODES}, got {mode!r}")
    if mode == "bwrap" and (reason := reason_unavailable()) is not None:
        raise SandboxUnavailable(f"the sandbox cannot run here: {reason}. Give --sandbox none to grade anyway ({NOT_SANDBOXED}).")


def child_env() -> dict[str, str]:
    """The sandboxed process's environment: nothing of the grader's but what Python, R and
    Matplotlib need to start, single-threaded maths, and R's worker forked from the student's
    process rather than a new Python (:data:`nncourse.workers.FORK_ENV`)."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "R_HOME", "TZ")}
    return {**keep, "HOME": "/tmp", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", FORK_ENV: "1"}


R_NO_JIT = {"R_ENABLE_JIT": "0"}  # R's byte-code compiler off in a sandbox's R: see r_start_env()


def r_start_env() -> dict[str, str]:
    """What rpy2 would ask R at each of its starts in a sandbox (R's home and library path:
    :func:`nncourse.r.installed.r_environment`), asked once per process here, outside any
    sandbox (the asking is itself an R's start); sent with each request whose code may start
    R, into that request's process's environment (:func:`.student.main`). With it, R's
    just-in-time byte-compiler off (:data:`R_NO_JIT`): each answer's R is fresh and runs a few
    lines (the tutorial's ``lm``), and compiling ``rsrc/evaluate.R``'s closures at their first
    call cost 0.07 s of CPU there, eight times what the lines then took; the values are the
    same, compiled or not."""
    from ..r.installed import r_environment  # here, not at the top: the sandbox's own server never asks R

    return {**r_environment(child_env()), **R_NO_JIT}


class Channel:
    """Framed messages over a socket, each read with a deadline and a size cap."""

    def __init__(self, sock: socket.socket):
        self.sock = sock

    def send(self, payload: bytes) -> None:
        try:
            self.sock.sendall(HEADER.pack(len(payload)) + payload)
        except OSError as exc:
            raise ChannelError(f"the other side has gone ({exc.strerror or exc})") from None

    def receive(self, deadline: float | None = None) -> bytes:
        header = self._read(HEADER.size, deadline)
        (length,) = HEADER.unpack(header)
        if length > FRAME_CAP:
            raise ChannelError(f"a message of {length} bytes, over the cap of {FRAME_CAP}")
        return self._read(length, deadline)

    def _read(self, size: int, deadline: float | None) -> bytes:
        parts, got = [], 0
        while got < size:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                    raise TimeoutError
            try:
                chunk = self.sock.recv(min(size - got, 2**20))
            except OSError as exc:
                raise ChannelError(f"the other side has gone ({exc.strerror or exc})") from None
            if not chunk:
                raise ChannelError("the other side closed the channel")
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def close(self) -> None:
        self.sock.close()


def child_channel() -> Channel:
    """In a sandboxed child: its one channel to the parent (the file descriptor its first argument names)."""
    return Channel(socket.socket(fileno=int(sys.argv[1])))


class Sandboxed:
    """One sandboxed ``python -m MODULE FD *ARGS``, spoken to over :class:`Channel`; ``fonts``:
    see :func:`bwrap_argv`."""

    def __init__(self, module: str, mode: str, limits: Limits = Limits(), args: tuple[str, ...] = (), fonts: bool = False):
        check_mode(mode)
        ours, theirs = socket.socketpair()
        os.set_inheritable(theirs.fileno(), True)
        prefix = bwrap_argv(fonts) if mode == "bwrap" else []
        argv = [*limits_argv(limits), *prefix, sys.executable, "-I", "-m", module, str(theirs.fileno()), *args]
        try:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                            pass_fds=(theirs.fileno(),), close_fds=True, env=child_env(), start_new_session=True)
        finally:
            theirs.close()
        self.channel = Channel(ours)

    def stop(self) -> int | None:
        """Kill it (its PID namespace with it) and say how it ended: its exit status, or -signal."""
        if self.process.poll() is None:
            self.process.kill()
        status = self.process.wait()
        self.channel.close()
        return status
