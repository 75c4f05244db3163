"""The system R's worker: ``python -m nncourse.r.rpy2_worker``, started by :mod:`nncourse.r.bridge`.

This process embeds R through rpy2, sources ``rsrc/evaluate.R`` and
``rsrc/algorithms.R``, and answers requests from its parent, one at a time: a
pickled dict in, a pickled dict out, each framed as :mod:`nncourse.workers` frames
them. R may quit, crash, loop or print anything here: the parent is another process.

Its real standard output carries the answers and nothing else
(:func:`nncourse.workers.child_channel`): whatever R or rpy2 prints outside
``evaluate.R``'s capture goes to stderr, never into an answer.
"""

from __future__ import annotations

import functools
import os
import pickle

from ..paths import RSRC
from ..workers import child_channel, read_frame, write_frame
from .installed import R_LD_ENV


def take_r_environment() -> None:
    """Give rpy2 the library path the parent found (:func:`nncourse.r.installed.r_environment`,
    in :data:`~nncourse.r.installed.R_LD_ENV`) instead of letting it ask R. rpy2 3.5 asks at
    ``import rpy2.rinterface`` (rpy2/rinterface_lib/openrlib.py calls
    ``rpy2.situation.r_ld_library_path_from_subprocess``, which runs ``Rscript``): a whole
    R's start, 0.3 s of CPU of a 0.9 s worker start, again at every start of every worker
    (in the grader, once per answer that uses R), for a value that does not change. This is
    the one place rpy2 is patched; without the variable rpy2 asks R as it always does."""
    found = os.environ.get(R_LD_ENV)
    if found is None:
        return
    import rpy2.situation

    rpy2.situation.r_ld_library_path_from_subprocess = lambda r_home: found


class EmbeddedR:
    """R in this process, with ``rsrc/`` sourced; environments are kept by number."""

    def __init__(self):
        import rpy2.robjects as ro

        self.ro = ro
        self.base = ro.r("new.env(parent = globalenv())")
        ro.r["sys.source"](str(RSRC / "evaluate.R"), envir=self.base)
        self.envs = {0: self.new()}
        ro.r["sys.source"](str(RSRC / "algorithms.R"), envir=self.envs[0])
        self.base["nncourse_keep_start"]()  # what every new environment starts from
        major, minor = (str(x) for x in ro.r("c(R.version$major, R.version$minor)"))
        self.version = (int(major), int(minor.split(".")[0]))

    def new(self):
        return self.ro.r["new.env"](parent=self.base)

    @functools.cached_property
    def converter(self):
        """rpy2's conversion of NumPy arrays and pandas frames, made when a value first
        crosses (importing pandas is most of a worker's start, and an R that only runs code
        and prints never needs it)."""
        from rpy2.robjects import numpy2ri, pandas2ri

        return self.ro.default_converter + numpy2ri.converter + pandas2ri.converter

    def converting(self):
        from rpy2.robjects.conversion import localconverter

        return localconverter(self.converter)

    def env(self, number):
        """Environment ``number`` (0: the one holding ``rsrc/algorithms.R``)."""
        if number not in self.envs:
            raise ValueError(f"env: no R environment number {number} in this R")
        return self.envs[number]

    # ---------------------------------------------------------------- the requests

    def hello(self):
        import importlib.metadata

        full = ".".join(str(x) for x in self.ro.r("c(R.version$major, R.version$minor)"))
        return {"version": self.version, "full": full, "rpy2": importlib.metadata.version("rpy2"), "pid": os.getpid()}

    def new_env(self):
        number = max(self.envs) + 1
        self.envs[number] = self.new()
        return number

    def evaluate(self, code: str, env: int):
        chunks = []
        for item in self.base["nncourse_evaluate"](code, self.env(env)):
            fields = dict(zip(item.names, item))
            chunks.append({
                "code": str(fields["code"][0]),
                "output": str(fields["output"][0]),
                "messages": [str(m) for m in fields["messages"]],
                "warnings": [str(w) for w in fields["warnings"]],
                "error": self.error_of(fields),
            })
        return chunks

    def call(self, function: str, args: list, kwargs: dict, env: int):
        where = self.env(env)
        exists = self.ro.r["exists"](function, envir=where, mode="function", inherits=False)[0]
        if not exists:
            names = sorted(str(n) for n in self.ro.r["ls"](where) if self.ro.r["is.function"](where.find(str(n)))[0])
            raise ValueError(f"function: expected a function of rsrc/algorithms.R ({', '.join(names)}), got {function!r}")
        names = [""] * len(args) + list(kwargs)
        values = self.ro.vectors.ListVector.from_length(len(names))
        for i, value in enumerate([*args, *kwargs.values()]):
            values[i] = self.to_r(value)
        values.names = self.ro.StrVector(names)
        result = self.base["nncourse_call"](where.find(function), values)
        fields = dict(zip(result.names, result))
        return {"value": self.from_r(fields["value"]), "warnings": [str(w) for w in fields["warnings"]], "error": self.error_of(fields)}

    def error_of(self, fields: dict) -> str | None:
        """R's error message of an evaluate.R result, None where there was none (NA)."""
        error = fields["error"][0]
        return None if error is self.ro.NA_Character else str(error)

    def assign(self, name: str, value, env: int):
        self.env(env)[name] = self.to_r(value)

    def get(self, name: str, env: int):
        where = self.env(env)
        if not self.ro.r["exists"](name, envir=where, inherits=False)[0]:
            raise ValueError(f"name: no R object {name!r} in this environment")
        return self.from_r(where[name])

    # ---------------------------------------------------------------- conversion

    def to_r(self, value):
        """DataFrame -> data.frame, 2-D array -> matrix, 1-D array -> vector, dict -> named
        list, list -> list (the parent made lists of atoms arrays: nncourse.r.values.for_r)."""
        if isinstance(value, dict):
            return self.ro.vectors.ListVector({str(k): self.to_r(v) for k, v in value.items()})
        if isinstance(value, list):
            return self.ro.r["list"](*[self.to_r(v) for v in value])
        with self.converting():
            converted = self.ro.conversion.get_conversion().py2rpy(value)
        if getattr(value, "ndim", None) == 1:
            converted = self.ro.r["as.vector"](converted)  # a 1-D array is an R vector, without dim
        return converted

    def from_r(self, value):
        """data.frame -> DataFrame, vector/matrix -> ndarray, named list -> dict, unnamed
        list -> list, NULL -> None (as nncourse.r.values reads the webR engine's JSON)."""
        from rpy2.rinterface_lib.sexp import NULLType

        if isinstance(value, NULLType):
            return None
        r = self.ro.r
        if r["is.list"](value)[0] and not r["is.data.frame"](value)[0]:
            items = [self.from_r(r["[["](value, i + 1)) for i in range(r["length"](value)[0])]
            names = r["names"](value)
            return items if isinstance(names, NULLType) else {str(k): v for k, v in zip(names, items)}
        with self.converting():
            return self.ro.conversion.get_conversion().rpy2py(value)


def serve(answers, requests) -> None:
    """Answer requests until the parent closes the pipe."""
    r = None
    while (frame := read_frame(requests)) is not None:
        request = pickle.loads(frame)
        try:
            if r is None:
                try:
                    r = EmbeddedR()
                except Exception as exc:  # noqa: BLE001 -- any failure to start R is reported as such
                    raise RuntimeError(f"R failed to start in the worker: {type(exc).__name__}: {exc}") from None
            op = request.pop("op")
            answer = {"ok": getattr(r, op)(**request)}
        except Exception as exc:  # noqa: BLE001 -- every failure goes back to the parent, named
            kind = "RError" if type(exc).__name__ == "RRuntimeError" else ("RUnavailable" if r is None else type(exc).__name__)
            answer = {"error": str(exc).strip() or type(exc).__name__, "kind": kind}
        try:
            payload = pickle.dumps(answer)
        except Exception as exc:  # noqa: BLE001 -- a value that does not pickle is named, not lost
            payload = pickle.dumps({"error": f"R's result could not be sent back to Python: {exc}", "kind": "RError"})
        write_frame(answers, payload)


def die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies (a killed Jupyter kernel, say), so
    that R busy in a loop is never left running on its own; elsewhere, EOF on stdin ends it."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took hold
        os._exit(0)


def main() -> None:
    die_with_parent()
    take_r_environment()
    requests, answers = child_channel()
    serve(answers, requests)


if __name__ == "__main__":
    main()
