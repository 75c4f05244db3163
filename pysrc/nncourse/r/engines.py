"""The two R engines as the session speaks to them: how a request is encoded for each
worker and how its answer comes back, in one shape for both.

- ``rpy2``: the system R, embedded by rpy2 in a Python worker; requests are pickled.
- ``webr``: R 4.6 compiled to WebAssembly, in a Node.js worker; requests are JSON, with
  values as R source text and results as ``rsrc/exchange.R``'s JSON (:mod:`nncourse.r.values`).
"""

from __future__ import annotations

import json
import pickle

from . import installed
from . import values as rvalues

ENGINES = ("rpy2", "webr")


class Rpy2Engine:
    """The system R, embedded by rpy2 in a Python worker (:mod:`nncourse.r.rpy2_worker`)."""

    name = "rpy2"
    worker_name = "R"

    def start(self):
        """(argv, env) of the worker, or :class:`RUnavailable` saying what is missing."""
        argv, env, self.label = installed.rpy2_worker()
        self.rpy2_version = self.label.split(" ", 1)[1]
        return argv, env

    encode, decode = staticmethod(pickle.dumps), staticmethod(pickle.loads)

    def prepare(self, op: str, args: dict) -> dict:
        return args

    def result(self, op: str, value):
        return value


class WebREngine:
    """R 4.6 compiled to WebAssembly (npm ``webr``), in a Node.js worker (``webr_worker.mjs``)."""

    name = "webr"
    worker_name = "R (webR)"
    rpy2_version = ""

    def start(self):
        argv, env, self.label = installed.webr_worker()
        return argv, env

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


def engine(name: str):
    """The engine called ``name`` (one of :data:`ENGINES`)."""
    if name not in ENGINES:
        raise ValueError(f"engine: expected one of {ENGINES}, got {name!r}")
    return Rpy2Engine() if name == "rpy2" else WebREngine()


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
