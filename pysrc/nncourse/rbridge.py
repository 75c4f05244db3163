"""The one module that touches rpy2: starts R once, sources ``rsrc/``, converts data,
runs the lecture's R code and captures what R prints.

``import nncourse`` never needs R. The first call that does (:func:`session`) either
returns the running session or raises :class:`RUnavailable` naming what is missing
(R, rpy2, or an rpy2 too new for this R) and how to install it. R errors come back
as :class:`RError` with R's message, R warnings as :class:`RWarning`; R itself
never writes to the console (``rsrc/evaluate.R`` captures everything).
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

RSRC = Path(__file__).resolve().parents[2] / "rsrc"
SETUP_HINT = "`bash scripts/run.sh setup` installs R (Debian, as root) and the rpy2 that fits it"
LECTURE_SCRIPTS = ("lecture_and.R", "lecture_xor.R")  # the lecture's own R code, as it prints


class RUnavailable(RuntimeError):
    """R or a working rpy2 is missing; the message says what and how to install it."""


class RError(RuntimeError):
    """An error raised by R code, with R's message."""


class RWarning(UserWarning):
    """A warning raised by R code, with R's message."""


@dataclass(frozen=True)
class Chunk:
    """One top-level R expression: its source, what it printed, its warnings."""

    code: str
    output: str
    warnings: tuple[str, ...] = ()


def r_version() -> tuple[int, int]:
    """The installed R's (major, minor), asked of ``Rscript`` (R need not be embedded yet)."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        raise RUnavailable(
            "R is not installed (no Rscript on PATH). Install R >= 4.2 with its headers "
            f"(Debian: apt-get install r-base-core r-base-dev); {SETUP_HINT}."
        )
    out = subprocess.run(
        [rscript, "-e", 'cat(R.version$major, R.version$minor, sep=".")'], capture_output=True, text=True, check=True
    ).stdout
    major, minor = re.match(r"(\d+)\.(\d+)", out).groups()
    return int(major), int(minor)


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


class RSession:
    """The embedded R, with ``rsrc/`` sourced. Get it from :func:`session`."""

    def __init__(self):
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
        os.environ.setdefault("R_HOME", subprocess.run(["R", "RHOME"], capture_output=True, text=True).stdout.strip())
        try:
            import rpy2.robjects as ro
            from rpy2.robjects import numpy2ri, pandas2ri
            from rpy2.robjects.conversion import localconverter
        except (ImportError, OSError) as exc:
            raise RUnavailable(f"rpy2 {rpy2_version} fails to start R {version[0]}.{version[1]}: {exc}. {SETUP_HINT}.") from None
        self.version = version
        self.rpy2_version = rpy2_version
        self._ro = ro
        self._localconverter = localconverter
        self._converter = ro.default_converter + numpy2ri.converter + pandas2ri.converter
        self._base = ro.r("new.env(parent = globalenv())")
        self._source("evaluate.R", self._base)
        self.algorithms = self.new_env()
        self._source("algorithms.R", self.algorithms)

    def _source(self, name: str, env) -> None:
        self._ro.r["sys.source"](str(RSRC / name), envir=env)

    def new_env(self):
        """A fresh R environment whose parent sees ``rsrc/evaluate.R``'s helpers."""
        return self._ro.r["new.env"](parent=self._base)

    def evaluate(self, code: str, env=None) -> list[Chunk]:
        """Run R code expression by expression in ``env`` (a new one by default).

        Returns a :class:`Chunk` per expression; R's warnings are also issued as
        :class:`RWarning`; an R error raises :class:`RError` naming the expression.
        """
        env = self.new_env() if env is None else env
        chunks = []
        for item in self._base["nncourse_evaluate"](code, env):
            fields = dict(zip(item.names, item))
            chunk = Chunk(str(fields["code"][0]), str(fields["output"][0]), tuple(str(w) for w in fields["warnings"]))
            self._surface(fields, f"`{chunk.code}`")
            chunks.append(chunk)
        return chunks

    def _surface(self, fields: dict, where: str) -> None:
        """R's warnings (``fields["warnings"]``) as :class:`RWarning`, its error as :class:`RError`."""
        for message in fields["warnings"]:
            warnings.warn(str(message), RWarning, stacklevel=3)
        error = fields["error"][0]
        if error is not self._ro.NA_Character:
            raise RError(f"R error in {where}: {error}")

    def run_script(self, name: str):
        """Run ``rsrc/<name>`` in a fresh environment: its chunks, and the environment."""
        env = self.new_env()
        return self.evaluate(_rsrc_file(name).read_text(), env), env

    def script(self, name: str) -> "RScript":
        """``rsrc/<name>``, to be run section by section in one environment."""
        return RScript(self, name)

    def lecture_chunks(self) -> dict[str, Chunk]:
        """What the lecture's R scripts print here, chunk by chunk, keyed by the chunk's code."""
        return {chunk.code: chunk for script in LECTURE_SCRIPTS for chunk in self.run_script(script)[0]}

    def call(self, function: str, *args, env=None, **kwargs):
        """Call an R function (from ``rsrc/algorithms.R`` unless ``env`` is given) on
        Python values; returns the result converted to NumPy/pandas (lists as dicts)."""
        env = self.algorithms if env is None else env
        result = self._base["nncourse_call"](env.find(function), self._args(args, kwargs))
        fields = dict(zip(result.names, result))
        self._surface(fields, f"{function}()")
        return self.from_r(fields["value"])

    def _args(self, args, kwargs):
        names = [""] * len(args) + list(kwargs)
        values = self._ro.vectors.ListVector.from_length(len(names))
        for i, value in enumerate([*args, *kwargs.values()]):
            values[i] = self.to_r(value)
        values.names = self._ro.StrVector(names)
        return values

    def get(self, name: str, env):
        """The R object ``name`` in ``env``, converted to Python."""
        with self._localconverter(self._converter):
            return _to_python(env[name])

    def to_r(self, value):
        """A Python value as an R object: DataFrame -> data.frame, 2-D array -> matrix,
        1-D array -> vector, dict -> named list."""
        if isinstance(value, dict):
            return self._ro.vectors.ListVector({str(k): self.to_r(v) for k, v in value.items()})
        with self._localconverter(self._converter):
            converted = self._ro.conversion.get_conversion().py2rpy(value)
        if isinstance(value, np.ndarray) and value.ndim == 1:
            converted = self._ro.r["as.vector"](converted)  # a 1-D array is an R vector, without dim
        return converted

    def from_r(self, value):
        """An R object as Python (data.frame -> DataFrame, vector/matrix -> ndarray)."""
        with self._localconverter(self._converter):
            return _to_python(self._ro.conversion.get_conversion().rpy2py(value))

    def assign(self, name: str, value, env) -> None:
        """Bind a Python value, converted, to ``name`` in an R environment."""
        env[name] = self.to_r(value)


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
    path = RSRC / name
    if not path.is_file():
        raise FileNotFoundError(f"name: expected an R file in {RSRC}, got {name!r}")
    return path


def _to_python(value):
    """Finish rpy2's conversion: R lists become dicts, NULL becomes None."""
    from rpy2.rinterface_lib.sexp import NULLType
    from rpy2.rlike.container import OrdDict

    if isinstance(value, OrdDict):
        return {str(k): _to_python(v) for k, v in value.items()}
    if isinstance(value, NULLType):
        return None
    return value


_SESSION: RSession | None = None


def session() -> RSession:
    """The running R session, started on first use (raises :class:`RUnavailable`)."""
    global _SESSION
    if _SESSION is None:
        _SESSION = RSession()
    return _SESSION
