"""Checks at the package boundary: every public function validates its input here.

Errors name the argument, what was expected and what came.
"""

from __future__ import annotations

import numbers
import os

import numpy as np


def as_matrix(name: str, value, *, ncols: int | None = None) -> np.ndarray:
    """Return ``value`` as a finite 2-D float array, or raise naming ``name``."""
    arr = _as_float_array(name, value)
    if arr.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array (rows x features), got {arr.ndim}-D with shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name}: expected at least one row, got shape {arr.shape}")
    if ncols is not None and arr.shape[1] != ncols:
        raise ValueError(f"{name}: expected {ncols} columns, got shape {arr.shape}")
    return arr


def as_vector(name: str, value, *, length: int | None = None, length_of: str = "one per row of X") -> np.ndarray:
    """Return ``value`` as a finite 1-D float array (of ``length`` if given)."""
    arr = _as_float_array(name, value)
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array, got {arr.ndim}-D with shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name}: expected at least one value, got an empty array")
    if length is not None and arr.shape[0] != length:
        raise ValueError(f"{name}: expected {length} values ({length_of}), got {arr.shape[0]}")
    return arr


def check_binary(name: str, y: np.ndarray) -> np.ndarray:
    """Raise unless every value of ``y`` is 0 or 1."""
    bad = ~np.isin(y, (0.0, 1.0))
    if bad.any():
        raise ValueError(f"{name}: expected binary labels 0/1, got {np.unique(y[bad])[:5].tolist()}")
    return y


def boolean(name: str, value) -> bool:
    """Return ``value`` if it is a bool; a string or number where a flag is expected is an error."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def free_memory() -> int | None:
    """Bytes of physical memory free on this machine now (None where the system cannot say)."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def fits_in_memory(name: str, count: int, itemsize: int = 8) -> None:
    """Raise before allocating ``count`` items that would not fit in this machine's free memory."""
    need = int(count) * itemsize
    free = free_memory()
    if free is not None and need > free:
        raise ValueError(f"{name}: this needs {_bytes(need)} of memory, more than the {_bytes(free)} free here")


def _bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{n} B"
        n /= 1024


def positive_int(name: str, value) -> int:
    """Return ``value`` as a positive int, or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected a positive integer, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name}: expected a positive integer, got {value}")
    return int(value)


def seed(name: str, value) -> int | None:
    """A seed for ``numpy.random.default_rng``: a non-negative int, or None for fresh entropy."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected a non-negative integer seed (or None), got {type(value).__name__} {value!r}"[:200])
    if value < 0:
        raise ValueError(f"{name}: expected a non-negative integer seed, got {value}")
    return int(value)


def in_range(name: str, value, low, high, unit: str = ""):
    """Return ``value`` if ``low <= value <= high`` (a number), or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low <= value <= high:
        raise ValueError(f"{name}: expected {low} to {high}{unit}, got {value}")
    return value


def positive_seconds(name: str, value) -> float:
    """A time limit: a positive number of seconds (ValueError naming ``name`` otherwise)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"{name}: expected a positive number of seconds, got {value!r}")
    return float(value)


def positive_float(name: str, value) -> float:
    """Return ``value`` as a finite positive float, or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a positive number, got {type(value).__name__} {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: expected a finite positive number, got {value}")
    return float(value)


def real_array(name: str, value) -> np.ndarray:
    """``value`` as a float array of any shape: numbers only (not None, text, complex, or
    rows of different lengths), NaN and infinities allowed."""
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name}: expected an array of numbers, got {type(value).__name__} {value!r}"[:200])
    if type(value) is np.ndarray and value.dtype.kind in "fiub":  # the common case, fast
        return value.astype(float, copy=False)
    try:
        arr = np.asarray(value)
    except ValueError:
        raise TypeError(f"{name}: expected an array of numbers in rows of equal length, got a ragged {type(value).__name__}") from None
    if arr.dtype.kind == "c":
        raise TypeError(f"{name}: expected real numbers, got complex values (their imaginary part would be dropped)")
    if arr.dtype.kind in "USV" or (arr.dtype.kind == "O" and any(isinstance(v, (str, bytes)) for v in arr.flat)):
        example = str(next(v for v in arr.flat if isinstance(v, (str, bytes)))) if arr.size else ""
        raise TypeError(f"{name}: expected numbers, got text such as {example!r} (convert it with float() first if it is meant as a number)"[:200])
    if arr.dtype.kind not in "fiub":
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"{name}: expected an array of numbers, got {type(value).__name__} holding {arr.dtype.name} values") from None
    return arr.astype(float, copy=False)


def _as_float_array(name: str, value) -> np.ndarray:
    arr = real_array(name, value)
    if not all_finite(arr):
        raise ValueError(f"{name}: expected finite values, got {int((~np.isfinite(arr)).sum())} NaN or infinite")
    return arr


def all_finite(arr: np.ndarray) -> bool:
    """Whether every value is finite, in one read of the data and no copy: a sum is finite
    only if every term is (NaN and infinity propagate); only a sum that overflowed from
    finite values (1e308 + 1e308) needs the elementwise look."""
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(arr)):
            return True
    return bool(np.isfinite(arr).all())
