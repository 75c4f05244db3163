"""An R session: R in a worker process (:mod:`nncourse.workers`) with ``rsrc/`` sourced,
spoken to through one of the two engines (:mod:`nncourse.r.engines`).

R code can neither take Python down nor hang it: ``q()`` becomes an :class:`RError`, a
crash or a kill an :class:`RError` naming the signal, code past its time limit an
:class:`RTimeout`; each time the next call starts a fresh R.
"""

from __future__ import annotations

import signal
import warnings
from dataclasses import dataclass

from .. import workers
from ..validation import positive_seconds
from . import engines
from . import values as rvalues
from .errors import SETUP_HINT, RError, RTimeout, RUnavailable, RWarning
from .scripts import LECTURE_SCRIPTS, RScript, rsrc_file

FRESH = "the next call starts a fresh R (environments made before are gone)"
CRASHES = {signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGILL}  # R's own failures


@dataclass(frozen=True)
class Chunk:
    """One top-level R expression: its source, what it printed, its warnings and messages."""

    code: str
    output: str
    warnings: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()


class REnv:
    """An R environment in the worker, by number. It dies with the R it was made in."""

    __slots__ = ("number", "generation")

    def __init__(self, number: int, generation: int):
        self.number = number
        self.generation = generation

    def __repr__(self) -> str:
        return f"<R environment {self.number} of R run {self.generation}>"


def _ended(exc: workers.WorkerDied, engine: str) -> RError:
    """What R's worker ending mid-request means, said as an :class:`RError`."""
    status = exc.returncode
    if status is not None and status < 0:
        hint = " (deep recursion overflowing the C stack does this)" if -status in CRASHES else ""
        return RError(f"{exc}{hint}; {FRESH}")
    if engine == "webr" and status is not None and status > 128:  # webR ends as exit(128 + signal) when R is signalled
        name = signal.Signals(status - 128).name if status - 128 in signal.valid_signals() else f"signal {status - 128}"
        return RError(f"R (webR) was killed ({name}, exit status {status}: pskill() in R code, or quit(status = {status})); {FRESH}")
    return RError(f"R code called quit() (R exited with status {status}); {FRESH}")


class RSession:
    """R in its worker, with ``rsrc/`` sourced: the system R (``engine="rpy2"``) or R 4.6 in
    webR (``engine="webr"``). Get it from :func:`session`.

    Each environment (:meth:`new_env`) is fresh: what code run in it does to ``options()``
    and to bindings in ``baseenv()`` or ``globalenv()`` (``<<-``, ``set.seed``) holds for
    later code in that environment only (``rsrc/evaluate.R``). What the session shares,
    as one R process does: attached packages and loaded namespaces, ``Sys.setenv()``,
    ``setwd()``, files, and a binding's lock state when its value is unchanged."""

    def __init__(self, timeout: float = 60.0, engine: str = "rpy2"):
        self._engine = engines.engine(engine)
        self.engine = engine
        argv, env = self._engine.start()
        self.timeout = positive_seconds("timeout", timeout)
        self._worker = workers.Worker(argv, name=self._engine.worker_name, env=env, private_tmp=True)
        try:
            answer = self._engine.decode(self._worker.request(self._engine.encode({"op": "hello"}), max(timeout, 120.0)))
        except workers.WorkerError as exc:
            raise RUnavailable(f"R does not start under {self._engine.label}: {exc}; {SETUP_HINT}.") from None
        if "error" in answer:
            raise RUnavailable(f"R does not start under {self._engine.label}: {answer['error']}; {SETUP_HINT}.")
        self.version = tuple(answer["ok"]["version"])
        self.label = f"R {answer['ok']['full']} via {self._engine.label}"

    @property
    def rpy2_version(self) -> str:
        """The rpy2 release of the system R's engine ("" for webR)."""
        return self._engine.rpy2_version

    # ---------------------------------------------------------------- requests to the worker

    def _ask(self, op: str, *, timeout: float | None = None, **args):
        limit = self.timeout if timeout is None else positive_seconds("timeout", timeout)
        try:
            raw = self._worker.request(self._engine.encode({"op": op, **self._engine.prepare(op, args)}), limit)
        except workers.WorkerTimeout:
            raise RTimeout(f"R code ran past its time limit of {limit:g} s: R was stopped, and {FRESH}") from None
        except workers.WorkerDied as exc:
            raise _ended(exc, self.engine) from None
        answer = self._engine.decode(raw)
        if "error" in answer:
            kind = {"RError": RError, "RUnavailable": RError, "ValueError": ValueError, "TypeError": TypeError}.get(answer["kind"], RError)
            raise kind(answer["error"])
        return self._engine.result(op, answer["ok"])

    def _env(self, env) -> int:
        if env is None:
            return self.new_env().number
        if not isinstance(env, REnv):
            raise TypeError(f"env: expected an environment from session().new_env(), got {type(env).__name__}")
        if env.generation != self._worker.generation or not self._worker.alive:
            raise RError("env: this R environment was lost when R restarted (after quit(), a crash, a timeout or Ctrl-C); make a new one with session().new_env()")
        return env.number

    def new_env(self) -> REnv:
        """A fresh R environment whose parent sees ``rsrc/evaluate.R``'s helpers."""
        number = self._ask("new_env")
        return REnv(number, self._worker.generation)

    def evaluate(self, code: str, env: REnv | None = None, *, timeout: float | None = None) -> list[Chunk]:
        """Run R code expression by expression in ``env`` (a new one by default).

        Returns a :class:`Chunk` per expression; R's warnings are also issued as
        :class:`RWarning`; an R error (a syntax error too) raises :class:`RError`
        naming the expression."""
        if not isinstance(code, str):
            raise TypeError(f"code: expected R code as a str, got {type(code).__name__}")
        rvalues.check_text("code", code)
        chunks = []
        for item in self._ask("evaluate", code=code, env=self._env(env), timeout=timeout):
            chunk = Chunk(item["code"], item["output"], tuple(item["warnings"]), tuple(item["messages"]))
            self._surface(item, f"`{chunk.code}`")
            chunks.append(chunk)
        return chunks

    def _surface(self, fields: dict, where: str) -> None:
        """R's warnings as :class:`RWarning`, its error as :class:`RError`."""
        for message in fields["warnings"]:
            warnings.warn(str(message), RWarning, stacklevel=3)
        if fields["error"] is not None:
            raise RError(f"R error in {where}: {fields['error']}")

    def run_script(self, name: str):
        """Run ``rsrc/<name>`` in a fresh environment: its chunks, and the environment."""
        env = self.new_env()
        return self.evaluate(rsrc_file(name).read_text(encoding="utf-8"), env), env

    def script(self, name: str) -> RScript:
        """``rsrc/<name>``, to be run section by section in one environment."""
        return RScript(self, name)

    def lecture_chunks(self) -> dict[str, Chunk]:
        """What the lecture's R scripts print here, chunk by chunk, keyed by the chunk's code."""
        return {chunk.code: chunk for script in LECTURE_SCRIPTS for chunk in self.run_script(script)[0]}

    def call(self, function: str, *args, env: REnv | None = None, **kwargs):
        """Call an R function (from ``rsrc/algorithms.R`` unless ``env`` is given) on
        Python values; returns the result converted to NumPy/pandas (lists as dicts)."""
        if not isinstance(function, str):
            raise TypeError(f"function: expected the name of an R function, got {type(function).__name__}")
        rvalues.check_text("function", function)
        args = [rvalues.for_r(value, f"args[{i}]") for i, value in enumerate(args)]
        kwargs = {key: rvalues.for_r(value, key) for key, value in kwargs.items()}
        number = 0 if env is None else self._env(env)
        result = self._ask("call", function=function, args=args, kwargs=kwargs, env=number)
        self._surface(result, f"{function}()")
        return result["value"]

    def get(self, name: str, env: REnv):
        """The R object ``name`` in ``env``, converted to Python."""
        return self._ask("get", name=_object_name(name), env=self._env(env))

    def assign(self, name: str, value, env: REnv) -> None:
        """Bind a Python value, converted (:func:`nncourse.r.values.for_r`), to ``name`` in an R environment."""
        value = rvalues.for_r(value, _object_name(name))
        self._ask("assign", name=name, value=value, env=self._env(env))

    def close(self) -> None:
        """Stop the worker (the next call starts a fresh R)."""
        self._worker.stop()


def _object_name(name) -> str:
    if not isinstance(name, str) or not name:
        raise TypeError(f"name: expected the name of an R object as a non-empty str, got {name!r}")
    rvalues.check_text("name", name)
    return name


_SESSIONS: dict[str, RSession] = {}


def session(engine: str = "rpy2") -> RSession:
    """The running R session of ``engine`` ("rpy2": the system R; "webr": R 4.6 in webR),
    started on first use, once per process (raises :class:`RUnavailable`)."""
    engines.engine(engine)  # the name, checked
    if engine not in _SESSIONS:
        _SESSIONS[engine] = RSession(engine=engine)
    return _SESSIONS[engine]
