"""Python values to R and back as text, exactly: how the webR engine exchanges data.

Into R, a value is written as R source (doubles as C99 hexadecimal literals, which R
parses to the same bits); out of R, ``rsrc/exchange.R`` writes JSON with doubles in
hexadecimal too. The result has the shapes the rpy2 engine gives: a data.frame is a
DataFrame, a matrix a 2-D array, a vector a 1-D array, a named list a dict, NULL None.
"""

from __future__ import annotations

import json
import math
import numbers

import numpy as np
import pandas as pd


R_INTEGER = 2**31 - 1  # R's integers are 32-bit, and -2**31 is its NA_integer_
EXACT_INTEGER = 2**53  # every integer up to this is a double exactly


def check_text(name: str, text: str) -> str:
    """``text``, or ValueError naming ``name`` where it is not Unicode R can read (a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{name}: expected text R can read (valid Unicode), got a lone surrogate {text[exc.start]!r} at position {exc.start}") from None
    return text


def _atom(value) -> bool:
    return isinstance(value, (numbers.Number, str, bool, np.generic)) or value is None


def for_r(value, name: str = "value"):
    """``value`` as both engines hand it to R alike, or an error naming ``name``.

    A list or tuple of numbers, strings or booleans is one vector (as ``c()`` makes), any
    other list an R list; integers beyond R's 32-bit ones become doubles where a double
    holds them exactly (beyond 2**53: TypeError); complex values and text that is not
    Unicode are refused."""
    if isinstance(value, dict):
        return {check_text(f"{name} key", str(key)): for_r(item, f"{name}[{key!r}]") for key, item in value.items()}
    if isinstance(value, pd.DataFrame):
        frame = value.copy()
        for i, column in enumerate(value.columns):
            check_text(f"{name} column", str(column))
            frame.isetitem(i, for_r(value.iloc[:, i].to_numpy(), f"{name}[{column!r}]"))
        return frame
    if isinstance(value, (list, tuple)) and not all(_atom(v) for v in value):
        return [for_r(item, f"{name}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, str):
        return check_text(name, value)
    array = np.asarray(value)
    if array.dtype.kind == "c":
        raise TypeError(f"{name}: expected real numbers for R, got complex values")
    if array.dtype.kind in "UO":
        for i, item in enumerate(array.ravel()):
            if isinstance(item, str):
                check_text(f"{name}[{i}]", item)
    if array.dtype.kind in "iu" and array.size and (int(array.min()) < -R_INTEGER or int(array.max()) > R_INTEGER):
        extreme = max((int(array.min()), int(array.max())), key=abs)
        if abs(extreme) > EXACT_INTEGER:
            raise TypeError(f"{name}: expected integers R can hold exactly (within 2**53 of zero), got {extreme}")
        array = array.astype(float)  # as R itself reads 2147483648: a double
    elif not isinstance(value, (list, tuple)):
        return value
    return float(array) if array.ndim == 0 else array


def to_r_source(value, name: str = "value") -> str:
    """R source text that evaluates to ``value`` (raises TypeError naming ``name``)."""
    if value is None:
        return "NULL"
    if isinstance(value, dict):
        return "list(" + ", ".join(f"{r_symbol(k)} = {to_r_source(v, f'{name}[{k!r}]')}" for k, v in value.items()) + ")"
    if isinstance(value, pd.DataFrame):
        columns = ", ".join(f"{r_symbol(c)} = {to_r_source(value[c].to_numpy(), f'{name}[{c!r}]')}" for c in value.columns)
        return f"data.frame({columns}{', ' if columns else ''}check.names = FALSE, stringsAsFactors = FALSE)"
    if isinstance(value, (list, tuple)) and not all(isinstance(v, (numbers.Number, str, bool, np.generic)) for v in value):
        return "list(" + ", ".join(to_r_source(v, f"{name}[{i}]") for i, v in enumerate(value)) + ")"
    array = np.asarray(value)
    if array.dtype.kind == "c":
        raise TypeError(f"{name}: expected real numbers for R, got complex values")
    flat = _atoms(array.ravel(order="F"), name)
    if array.ndim == 0:
        return flat[0] if flat else "NULL"
    vector = "c(" + ", ".join(flat) + ")" if flat else _empty(array)
    if array.ndim == 1:
        return vector
    return f"array({vector}, dim = c({', '.join(f'{d}L' for d in array.shape)}))"


def call_arguments(args, kwargs: dict) -> str:
    """R source of the argument list ``list(a, b, name = c)`` for a call with these values."""
    parts = [to_r_source(v, f"args[{i}]") for i, v in enumerate(args)]
    parts += [f"{r_symbol(k)} = {to_r_source(v, k)}" for k, v in kwargs.items()]
    return "list(" + ", ".join(parts) + ")"


def _atoms(values: np.ndarray, name: str) -> list[str]:
    kind = values.dtype.kind
    if kind == "b":
        return ["TRUE" if v else "FALSE" for v in values]
    if kind in "iu":
        return [f"{int(v)}L" for v in values]  # within R's integers: for_r made the others doubles
    if kind == "f":
        return [_double(float(v)) for v in values]
    if kind in "UO" and all(isinstance(v, str) or _missing(v) for v in values):
        return ["NA_character_" if _missing(v) else json.dumps(v, ensure_ascii=False) for v in values]
    raise TypeError(f"{name}: expected numbers, booleans or strings for R, got {values.dtype.name} values")


def _missing(v) -> bool:
    """None, NaN or pandas' NA in a column of strings: R's NA."""
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _double(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Inf" if v > 0 else "-Inf"
    return v.hex()


def _empty(array: np.ndarray) -> str:
    return {"b": "logical(0)", "i": "integer(0)", "u": "integer(0)", "f": "numeric(0)"}.get(array.dtype.kind, "character(0)")


def r_symbol(key) -> str:
    """A name as an R symbol in backquotes (any text is a valid name so)."""
    return "`" + str(key).replace("\\", "\\\\").replace("`", "\\`") + "`"


def from_json(text: str):
    """A value ``rsrc/exchange.R`` wrote, as Python."""
    return _value(json.loads(text))


def _value(desc: dict):
    kind = desc["kind"]
    if kind == "null":
        return None
    if kind == "frame":
        return pd.DataFrame({name: _value(column) for name, column in zip(desc["names"], desc["columns"])})
    if kind == "list":
        items = [_value(item) for item in desc["items"]]
        return dict(zip(desc["names"], items)) if desc["names"] is not None else items
    values = desc["values"]
    if desc["type"] == "double":
        special = {"NA": math.nan, "NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}
        array = np.array([special[v] if v in special else float.fromhex(v) for v in values], dtype=float)
    elif desc["type"] == "integer":
        array = np.array(values, dtype=float if None in values else np.int32) if values else np.array([], dtype=np.int32)
        if array.dtype == float:
            array = np.array([math.nan if v is None else v for v in values])
    elif desc["type"] == "logical":
        array = np.array(values, dtype=object if None in values else bool)
    else:
        array = np.array(values, dtype=object if None in values else str)
    if desc["dim"] is not None:
        array = array.reshape(desc["dim"], order="F")
    return array
