"""Plain data as JSON: what a sandboxed student process may send back to a check.

:func:`encode` runs in the student's process and turns whatever the student's function
returned into numbers, strings, containers and NumPy arrays (anything else becomes its
``repr``). :func:`decode` runs in the checker, on bytes the student may have forged: it
parses JSON, accepts only those shapes, and raises :class:`Malformed` for anything else,
so a forged answer fails that student's check and nothing more. No pickle is ever opened
on the checker's side.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np

DEPTH = 20  # containers inside containers, at most
KINDS = "biufc"  # the array dtypes that travel: bool, int, unsigned, float, complex


class Malformed(ValueError):
    """Bytes that are not an answer in this format; the message says what was wrong."""


def encode(value, depth: int = 0):
    """``value`` as JSON-ready plain data (in the student's process)."""
    if depth > DEPTH:
        return repr(value)[:200]
    if type(value) is np.ndarray and value.dtype.kind in KINDS:  # the usual answer: first
        return _encoded_array(value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else {"float": float(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, np.generic) and value.dtype.kind in KINDS:
        return encode(value.item(), depth)
    if isinstance(value, complex):
        return {"complex": [encode(value.real), encode(value.imag)]}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in list(value.items())[:10_000]]}
    if isinstance(value, (list, tuple)):
        items = [encode(v, depth + 1) for v in list(value)[:1_000_000]]
        return items if isinstance(value, list) else {"tuple": items}
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 -- whatever it is, the check is told what it was
        return repr(value)[:200]
    if array.dtype.kind in KINDS:
        return _encoded_array(array)
    if array.dtype.kind in "UO" and array.ndim > 0 and array.size < 100_000:
        return encode(array.tolist(), depth + 1)
    return repr(value)[:200]


def _encoded_array(array: np.ndarray) -> dict:
    array = np.ascontiguousarray(array)
    return {"array": array.dtype.str, "shape": list(array.shape), "data": base64.b64encode(array.tobytes()).decode()}


def dumps(value) -> bytes:
    return json.dumps(value, allow_nan=False).encode()


def loads(raw: bytes):
    """JSON bytes from the student's process, parsed (and nothing else)."""
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=lambda name: (_ for _ in ()).throw(Malformed(f"bare {name}")))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise Malformed(f"not JSON ({exc})") from None


def decode(obj, depth: int = 0):
    """The Python value of :func:`encode`'s output, validated (in the checker)."""
    if depth > DEPTH + 2:
        raise Malformed("nested too deep")
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, list):
        return [decode(v, depth + 1) for v in obj]
    if not isinstance(obj, dict) or len(obj) not in (1, 3):
        raise Malformed(f"unexpected {type(obj).__name__}")
    tag = next(iter(obj))
    if tag == "array" and obj.keys() == {"array", "shape", "data"}:  # the usual answer: first
        return _array(obj)
    body = obj[tag]
    if tag == "float" and (body in ("nan", "inf", "-inf") or isinstance(body, (int, float)) and not isinstance(body, bool)):
        return float(body)
    if tag == "complex" and isinstance(body, list) and len(body) == 2:
        return complex(*(float(decode(part, depth + 1)) for part in body))
    if tag == "bytes" and isinstance(body, str):
        return base64.b64decode(body, validate=True)
    if tag == "tuple" and isinstance(body, list):
        return tuple(decode(v, depth + 1) for v in body)
    if tag == "dict" and isinstance(body, list) and all(isinstance(p, list) and len(p) == 2 for p in body):
        pairs = [(decode(k, depth + 1), decode(v, depth + 1)) for k, v in body]
        try:
            return dict(pairs)
        except TypeError:
            raise Malformed("a dict key that cannot be a key") from None
    raise Malformed(f"unexpected tag {tag!r}")


def _array(obj) -> np.ndarray:
    try:
        dtype = np.dtype(obj["array"])
    except TypeError:
        raise Malformed(f"unknown dtype {obj['array']!r}") from None
    shape = obj["shape"]
    if dtype.kind not in KINDS or dtype.hasobject or not isinstance(shape, list) or not all(isinstance(n, int) and 0 <= n for n in shape):
        raise Malformed("an array that is not plain numbers")
    data = base64.b64decode(obj["data"], validate=True)
    if len(data) != dtype.itemsize * math.prod(shape):
        raise Malformed("an array whose data do not fill its shape")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
