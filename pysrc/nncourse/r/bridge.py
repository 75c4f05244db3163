"""The one door to R: runs the lecture's R code and the R ports, and captures what R prints.

R runs in a worker process (:mod:`nncourse.r.rpy2_worker`, which embeds it through rpy2),
started once per Python process and kept: code R runs can neither take Python down
nor hang it. ``q()`` becomes an :class:`RError` ("R code called quit()"), a crash
(a segfault, a C stack overflow) an :class:`RError` naming the signal, code that runs
past the time limit (60 s by default: ``session().timeout``, or ``timeout=`` per call)
an :class:`RTimeout`; each time R is restarted for the next call. Ctrl-C stops R and
raises :class:`KeyboardInterrupt`. R cannot change Python's working directory or
environment, and never writes to the console (``rsrc/evaluate.R`` captures output,
messages, warnings and errors).

``import nncourse`` never needs R. The first call that does (:func:`session`) either
returns the running session or raises :class:`RUnavailable` naming what is missing
(R, rpy2, or an rpy2 too new for this R) and how to install it.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import values as rvalues
from .. import workers
from ..paths import RSRC, WEBR_WORKER, node_modules, setup_hint
from ..validation import positive_seconds

SETUP_HINT = setup_hint("r")
NODE_MODULES = node_modules()  # where webR is looked for: the project's, the checkout's or the user's (nncourse.paths)
LECTURE_SCRIPTS = ("lecture_and.R", "lecture_xor.R")  # the lecture's own R code, as it prints


class RUnavailable(RuntimeError):
    """R or a working rpy2 is missing; the message says what and how to install it."""


class RError(RuntimeError):
    """An error raised by R code, with R's message; or R quit or crashed running it."""


class RTimeout(RError):
    """R code ran past its time limit; R was stopped and the next call starts a fresh one."""


class RWarning(UserWarning):
    """A warning raised by R code, with R's message."""


@dataclass(frozen=True)
class Chunk:
    """One top-level R expression: its source, what it printed, its warnings and messages."""

    code: str
    output: str
    warnings: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()


def r_version() -> tuple[int, int]:
    """The installed R's (major, minor), asked of ``Rscript`` (R need not be embedded yet)."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        raise RUnavailable(
            "R is not installed (no Rscript on PATH). Install R >= 4.2 with its headers "
            f"(Debian: apt-get install r-base-core r-base-dev); {SETUP_HINT}."
        )
    done = subprocess.run([rscript, "-e", 'cat("R-VERSION", R.version$major, R.version$minor, sep=" ")'], capture_output=True, text=True, timeout=60)
    found = re.search(r"R-VERSION (\d+) (\d+)", done.stdout)
    if done.returncode != 0 or found is None:
        said = (done.stderr + done.stdout).strip()[-500:]
        raise RUnavailable(f"R does not start ({rscript} exited with status {done.returncode}): {said}. Check R_HOME and the R installation; {SETUP_HINT}.")
    return int(found.group(1)), int(found.group(2))


def rpy2_fits(rpy2_version: str, r: tuple[int, int]) -> str | None:
    """Why this rpy2 cannot work with R ``r``, or None when it fits.

    rpy2 3.6 calls ``R_getVar``, which R exports from 4.5 on: on older R it fails
    to import with "undefined symbol: R_getVar". rpy2 3.5.17 works with R 4.2-4.4.
    """
    major_minor = tuple(int(p) for p in re.findall(r"\d+", rpy2_version)[:2])
    if major_minor >= (3, 6) and r < (4, 5):
        return (
            f"rpy2 {rpy2_version} needs R >= 4.5 but R {r[0]}.{r[1]} is installed "
            f"(its import fails with 'undefined symbol: R_getVar'). "
            f"Install the rpy2 for this R: pip install 'rpy2==3.5.17'; {SETUP_HINT}."
        )
    return None


class REnv:
    """An R environment in the worker, by number. It dies with the R it was made in."""

    __slots__ = ("number", "generation")

    def __init__(self, number: int, generation: int):
        self.number = number
        self.generation = generation

    def __repr__(self) -> str:
        return f"<R environment {self.number} of R run {self.generation}>"


ENGINES = ("rpy2", "webr")
WEBR_VERSION = "0.6.0"  # pinned in package.json; R 4.6.0 inside


class Rpy2Engine:
    """The system R, embedded by rpy2 in a Python worker (:mod:`nncourse.r.rpy2_worker`)."""

    name = "rpy2"

    def start(self):
        """(argv, env) of the worker, or :class:`RUnavailable` saying what is missing."""
        version = r_version()
        try:
            rpy2_version = importlib.metadata.version("rpy2")
        except importlib.metadata.PackageNotFoundError:
            raise RUnavailable(
                f"rpy2 is not installed. For R {version[0]}.{version[1]}: pip install "
                f"'{'rpy2>=3.6,<3.7' if version >= (4, 5) else 'rpy2==3.5.17'}'; {SETUP_HINT}."
            ) from None
        mismatch = rpy2_fits(rpy2_version, version)
        if mismatch:
            raise RUnavailable(mismatch)
        env = dict(os.environ)
        env.setdefault("R_HOME", subprocess.run(["R", "RHOME"], capture_output=True, text=True).stdout.strip())
        self.rpy2_version = rpy2_version
        self.label = f"rpy2 {rpy2_version}"
        return [sys.executable, "-m", "nncourse.r.rpy2_worker"], env

    encode, decode = staticmethod(pickle.dumps), staticmethod(pickle.loads)

    def prepare(self, op: str, args: dict) -> dict:
        return args

    def result(self, op: str, value):
        return value


class WebREngine:
    """R 4.6 compiled to WebAssembly (npm ``webr``), in a Node.js worker (``assets/webr_worker.mjs``)."""

    name = "webr"

    def start(self):
        node = shutil.which("node")
        if node is None:
            raise RUnavailable(f"webr: Node.js is not installed (no node on PATH). Debian: apt-get install nodejs npm; {SETUP_HINT}.")
        dist = NODE_MODULES / "webr" / "dist"
        try:
            found = json.loads((NODE_MODULES / "webr" / "package.json").read_text())["version"]
        except (OSError, ValueError, KeyError):
            found = None
        if found is None or not (dist / "webr.mjs").is_file():
            raise RUnavailable(f"webr: the npm package webr is not installed in {NODE_MODULES}: {setup_hint('npm', NODE_MODULES)}.")
        if found != WEBR_VERSION:
            raise RUnavailable(f"webr: expected the npm package webr {WEBR_VERSION} (R 4.6.0), found {found}: {setup_hint('npm', NODE_MODULES)}.")
        self.label = f"webR {found}"
        return [node, str(WEBR_WORKER), str(dist), str(RSRC)], None

    @staticmethod
    def encode(message: dict) -> bytes:
        return json.dumps(message).encode("utf-8")

    @staticmethod
    def decode(payload: bytes) -> dict:
        return json.loads(payload.decode("utf-8"))

    def prepare(self, op: str, args: dict) -> dict:
        """Values as R source text, exactly (:mod:`nncourse.r.values`)."""
        if op == "assign":
            return {**args, "value": rvalues.to_r_source(args["value"], args["name"])}
        if op == "call":
            return {"function": args["function"], "args": rvalues.call_arguments(args["args"], args["kwargs"]), "env": args["env"]}
        return args

    def result(self, op: str, value):
        """What the worker sent, as the rpy2 engine gives it."""
        if op in ("get", "call", "evaluate"):
            value = rvalues.from_json(value)
        if op == "evaluate":
            return [_as_sent_by_rpy2(item) for item in value]
        if op == "call":
            return _as_sent_by_rpy2(value)
        return value


def _as_sent_by_rpy2(item: dict) -> dict:
    """A chunk or a call's result from exchange.R's JSON, in the shapes the rpy2 worker sends:
    one string for each text field (None for NA), a list of strings for warnings and messages."""

    def text(vector):
        return None if len(vector) == 0 or vector[0] is None else str(vector[0])

    fields = {key: [str(x) for x in item.get(key, [])] for key in ("warnings", "messages")}
    fields["error"] = text(item["error"])
    fields.update({key: text(item[key]) or "" for key in ("code", "output") if key in item})
    if "value" in item:  # a call's result
        fields["value"] = item["value"]
    return fields


class RSession:
    """R in its worker, with ``rsrc/`` sourced: the system R (``engine="rpy2"``) or R 4.6 in
    webR (``engine="webr"``). Get it from :func:`session`."""

    def __init__(self, timeout: float = 60.0, engine: str = "rpy2"):
        if engine not in ENGINES:
            raise ValueError(f"engine: expected one of {ENGINES}, got {engine!r}")
        self.engine = engine
        self._engine = Rpy2Engine() if engine == "rpy2" else WebREngine()
        argv, env = self._engine.start()
        self.timeout = positive_seconds("timeout", timeout)
        self._worker = workers.Worker(argv, name="R" if engine == "rpy2" else "R (webR)", env=env)
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
        return getattr(self._engine, "rpy2_version", "")

    # ---------------------------------------------------------------- requests to the worker

    def _ask(self, op: str, *, timeout: float | None = None, **args):
        limit = self.timeout if timeout is None else positive_seconds("timeout", timeout)
        try:
            raw = self._worker.request(self._engine.encode({"op": op, **self._engine.prepare(op, args)}), limit)
        except workers.WorkerTimeout:
            raise RTimeout(f"R code ran past its time limit of {limit:g} s: R was stopped, and the next call starts a fresh R (environments made before are gone)") from None
        except workers.WorkerDied as exc:
            if exc.returncode is not None and exc.returncode >= 0:
                raise RError(f"R code called quit() (R exited with status {exc.returncode}); the next call starts a fresh R (environments made before are gone)") from None
            raise RError(f"{exc} (deep recursion overflowing the C stack does this); the next call starts a fresh R (environments made before are gone)") from None
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
        return self.evaluate(_rsrc_file(name).read_text(encoding="utf-8"), env), env

    def script(self, name: str) -> "RScript":
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
        for i, value in enumerate(args):
            _check_value(f"args[{i}]", value)
        for key, value in kwargs.items():
            _check_value(key, value)
        number = 0 if env is None else self._env(env)
        result = self._ask("call", function=function, args=list(args), kwargs=kwargs, env=number)
        self._surface(result, f"{function}()")
        return result["value"]

    def get(self, name: str, env: REnv):
        """The R object ``name`` in ``env``, converted to Python."""
        return self._ask("get", name=_object_name(name), env=self._env(env))

    def assign(self, name: str, value, env: REnv) -> None:
        """Bind a Python value, converted, to ``name`` in an R environment."""
        _check_value(name, value)
        self._ask("assign", name=_object_name(name), value=value, env=self._env(env))

    def close(self) -> None:
        """Stop the worker (the next call starts a fresh R)."""
        self._worker.stop()


def _object_name(name) -> str:
    if not isinstance(name, str) or not name:
        raise TypeError(f"name: expected the name of an R object as a non-empty str, got {name!r}")
    return name


def _check_value(name: str, value) -> None:
    """Values R can take: numbers, strings, booleans, arrays and frames of them, dicts; not complex."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_value(f"{name}[{key!r}]", item)
        return
    if isinstance(value, pd.DataFrame):
        bad = [c for c in value.columns if np.iscomplexobj(value[c].to_numpy())]
        if bad:
            raise TypeError(f"{name}: expected real-valued columns for R, got complex values in {bad}")
        return
    if isinstance(value, complex) or (isinstance(value, np.ndarray) and np.iscomplexobj(value)) or isinstance(value, np.complexfloating):
        raise TypeError(f"{name}: expected real numbers for R, got complex values")


SECTION = re.compile(r"^## ---- (\S+)\s*$", re.M)


def sections(name: str) -> dict[str, str]:
    """The labelled sections of ``rsrc/<name>`` (knitr's ``## ---- label`` convention), in order."""
    parts = SECTION.split(_rsrc_file(name).read_text())
    return {label: code.strip("\n") for label, code in zip(parts[1::2], parts[2::2])}


class RScript:
    """An ``rsrc/`` script run one labelled section at a time, in one environment,
    as the deck shows it: in the file's order (a section may run again)."""

    def __init__(self, session: RSession, name: str):
        self.session = session
        self.name = name
        self.sections = sections(name)
        self.env = session.new_env()
        self._done: set[str] = set()

    def run(self, label: str) -> list[Chunk]:
        """Run section ``label``; the sections before it must have run (re-running is fine)."""
        order = list(self.sections)
        if label not in order:
            raise KeyError(f"label: expected a section of rsrc/{self.name} ({', '.join(order)}), got {label!r}")
        missing = [earlier for earlier in order[: order.index(label)] if earlier not in self._done]
        if missing:
            raise RuntimeError(f"label: section {label!r} of rsrc/{self.name} needs {missing} to have run first")
        chunks = self.session.evaluate(self.sections[label], self.env)
        self._done.add(label)
        return chunks


def _rsrc_file(name: str) -> Path:
    """``rsrc/<name>``: a file name of ``rsrc/`` itself, never a path out of it."""
    if not isinstance(name, str) or Path(name).name != name or not name.endswith(".R"):
        raise ValueError(f"name: expected the file name of an R script in {RSRC} (such as 'lecture_xor.R'), got {name!r}")
    path = RSRC / name
    if not path.is_file():
        raise FileNotFoundError(f"name: expected an R file in {RSRC}, got {name!r}")
    return path


_SESSIONS: dict[str, RSession] = {}


def session(engine: str = "rpy2") -> RSession:
    """The running R session of ``engine`` ("rpy2": the system R; "webr": R 4.6 in webR),
    started on first use, once per process (raises :class:`RUnavailable`)."""
    if engine not in ENGINES:
        raise ValueError(f"engine: expected one of {ENGINES}, got {engine!r}")
    if engine not in _SESSIONS:
        _SESSIONS[engine] = RSession(engine=engine)
    return _SESSIONS[engine]
