"""The ledger of the lecture's printed outputs, and how a computed value is held against it.

``course/week10/lecture-outputs.toml`` records each output the lecture prints, once
and verbatim. This module reads it, parses printed NumPy and R text into numbers
with their printed precision, and compares:

- text: both sides normalised by the named sanitising rules in :data:`RULES`, then equal;
- numbers: equal at the printed precision, or numerically zero where the ledger
  marks a token as an exact zero's rounding noise;
- stochastic numbers: where the printed value falls among seeded runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable

import numpy as np

from ..paths import LEDGER

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

LEDGER_PATH = LEDGER
KINDS = ("deterministic", "stochastic")
FORMATS = ("numpy", "r")

_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_NUMPY_NUMBER = re.compile(r"[-+]?(?:(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan\b|inf\b)")


# ---------------------------------------------------------------- sanitising rules


def _markdown_table(text: str) -> str:
    text = re.sub(r"(?m)^\s*\|[-| :]+\|\s*$", "", text)  # the rule under the header
    return re.sub(r"(?m)^\s*\|.*\|\s*$", lambda row: row.group(0).replace("|", " "), text)


def _r_pvalue_header(text: str) -> str:
    return re.sub(r"Pr\(>\|([tz])\|\)", r"Pr(> \1)", text)


def _r_deviance_residuals(text: str) -> str:
    return re.sub(r"Deviance Residuals:\s*\n[^\n]*\n[^\n]*\n", "", text)


@dataclass(frozen=True)
class Rule:
    """One named sanitising rule: what it undoes and when it applies."""

    name: str
    why: str
    apply: Callable[[str], str]


RULES = {
    rule.name: rule
    for rule in (
        Rule("markdown-table", "the lecture's text extraction turned R's tables into Markdown tables", _markdown_table),
        Rule("r-pvalue-header", "the lecture's text extraction lost the bars of Pr(>|t|) / Pr(>|z|)", _r_pvalue_header),
        Rule(
            "r-deviance-residuals",
            "R < 4.3 prints a Deviance Residuals block in summary.glm; the lecture's newer R does not",
            _r_deviance_residuals,
        ),
    )
}


def rules_for(language: str, r_version: tuple[int, int] | None = None) -> tuple[str, ...]:
    """Names of the rules that apply to output printed by ``language`` (R's version decides one)."""
    if language != "r":
        return ()
    rules = ("markdown-table", "r-pvalue-header")
    if r_version is not None and tuple(r_version) < (4, 3):
        rules += ("r-deviance-residuals",)
    return rules


def sanitise(text: str, rules: tuple[str, ...] = ()) -> list[list[str]]:
    """Apply ``rules`` to ``text``; return its non-empty lines as lists of tokens."""
    for name in rules:
        text = RULES[name].apply(text)
    return [line.split() for line in text.splitlines() if line.strip()]


def normalise(text: str, rules: tuple[str, ...] = ()) -> str:
    """The text modulo whitespace, after ``rules``: what text comparison compares."""
    return " ".join(token for line in sanitise(text, rules) for token in line)


# ---------------------------------------------------------------- parsing printed numbers


@dataclass(frozen=True)
class PrintedNumber:
    """One number as printed: its text, its value, and the precision the text carries."""

    text: str
    value: float
    decimals: int  # the value is known to half a unit in this decimal place
    zero: bool = False  # the ledger marks it as an exact zero's rounding noise

    @property
    def tolerance(self) -> float:
        return 0.5 * 10.0 ** (-self.decimals)


def _decimals(token: str, *, fixed_digits: int | None = None) -> int:
    if token.lstrip("+-") in ("nan", "inf"):
        return 0
    mantissa, _, exponent = token.lower().partition("e")
    shown = len(mantissa.partition(".")[2])
    if fixed_digits is not None:
        shown = fixed_digits  # NumPy prints `precision` digits and trims trailing zeros
    return shown - int(exponent or 0)


def parse_numpy(text: str, precision: int = 8) -> list[PrintedNumber]:
    """Numbers of a NumPy repr such as ``array([ 1.470222 , -2.02156959])``, in order.

    NumPy prints each value to ``precision`` digits and trims trailing zeros, so
    ``1.470222`` means 1.47022200: the precision is ``precision`` digits, not the
    digits shown. ``nan`` and ``inf`` are numbers too (of no precision).
    """
    if not isinstance(text, str):
        raise TypeError(f"text: expected printed NumPy output (a str), got {type(text).__name__}")
    body = text.strip()
    if body.startswith("array("):
        body = body[len("array(") :]
    body = re.sub(r",\s*dtype=\w+", "", body)
    return [
        PrintedNumber(m.group(0), float(m.group(0)), _decimals(m.group(0), fixed_digits=precision))
        for m in _NUMPY_NUMBER.finditer(body)
    ]


def parse_r(text: str, rules: tuple[str, ...] = ()) -> list[PrintedNumber]:
    """Numbers of R's printed output (``print``, ``summary``), in reading order.

    Labels are left out: a line of integers over a line of as many numbers is a
    named vector's names (R prints ``1 2 3 4`` over the values). The precision is
    the digits shown.
    """
    lines = sanitise(text, rules)
    numbers: list[PrintedNumber] = []
    for i, tokens in enumerate(lines):
        values = [_r_token(t) for t in tokens]
        following = [_r_token(t) for t in lines[i + 1]] if i + 1 < len(lines) else []
        is_names = (
            all(v is not None and re.fullmatch(r"\d+", v) for v in values)
            and len(following) == len(values)
            and all(v is not None for v in following)
        )
        if not is_names:
            numbers.extend(PrintedNumber(v, float(v), _decimals(v)) for v in values if v is not None)
    return numbers


def _r_token(token: str) -> str | None:
    token = token.strip(",;").strip("()")
    return token if _NUMBER.match(token) else None


# ---------------------------------------------------------------- the ledger


@dataclass(frozen=True)
class Entry:
    """One printed output of the lecture."""

    id: str
    slide: str
    language: str
    expression: str
    code: str
    format: str
    kind: str
    printed: str
    zero: tuple[str, ...] = ()
    numpy_precision: int = 8

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"entry {self.id}: kind expected one of {KINDS}, got {self.kind!r}")
        if self.format not in FORMATS:
            raise ValueError(f"entry {self.id}: format expected one of {FORMATS}, got {self.format!r}")
        unknown = set(self.zero) - {n.text for n in self.parse(self.printed)}
        if unknown:
            raise ValueError(f"entry {self.id}: zero names tokens not printed: {sorted(unknown)}")

    @property
    def rules(self) -> tuple[str, ...]:
        """The rules that undo the text extraction on the lecture's side."""
        return rules_for(self.language)

    def parse(self, text: str, rules: tuple[str, ...] | None = None) -> list[PrintedNumber]:
        """Parse printed text in this entry's format (R text after ``rules``, default :attr:`rules`)."""
        if self.format == "numpy":
            return parse_numpy(text, self.numpy_precision)
        return parse_r(text, self.rules if rules is None else rules)

    @cached_property
    def numbers(self) -> tuple[PrintedNumber, ...]:
        """The printed numbers, with the ledger's zero marks."""
        return tuple(
            PrintedNumber(n.text, n.value, n.decimals, zero=n.text in self.zero) for n in self.parse(self.printed)
        )

    @property
    def values(self) -> np.ndarray:
        return np.array([n.value for n in self.numbers])


@dataclass(frozen=True)
class Erratum:
    """Where the lecture's code or claims differ from what the code does."""

    id: str
    slide: str
    title: str
    detail: str
    test: str


@dataclass(frozen=True)
class Ledger:
    meta: dict
    entries: dict[str, Entry]
    errata: tuple[Erratum, ...]

    def __getitem__(self, entry_id: str) -> Entry:
        try:
            return self.entries[entry_id]
        except KeyError:
            raise KeyError(f"entry_id: expected one of {sorted(self.entries)}, got {entry_id!r}") from None

    def __iter__(self):
        return iter(self.entries.values())

    @property
    def zero_tolerance(self) -> float:
        return float(self.meta["zero_tolerance"])


def load(path: str | Path = LEDGER_PATH) -> Ledger:
    """Read the ledger (by default the course's ``lecture-outputs.toml``)."""
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path: expected the path of a ledger file (str or Path), got {type(path).__name__}")
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
    except OSError as exc:
        raise ValueError(f"path: cannot read the ledger {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"path: the ledger {path} is not text (TOML is UTF-8); is it the right file?") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"path: the ledger {path} is not valid TOML: {exc}") from None
    try:
        meta = raw["meta"]
        entries = {}
        for item in raw["entry"]:
            entry = Entry(
                **{**item, "printed": item["printed"].strip("\n"), "zero": tuple(item.get("zero", ()))},
                numpy_precision=int(meta["numpy_precision"]),
            )
            if entry.id in entries:
                raise ValueError(f"ledger {path}: entry id {entry.id!r} recorded twice")
            entries[entry.id] = entry
        errata = tuple(Erratum(**e) for e in raw.get("erratum", ()))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"path: the ledger {path} lacks or misshapes a field the ledger needs: {exc}") from None
    return Ledger(meta, entries, errata)


# ---------------------------------------------------------------- comparisons


@dataclass(frozen=True)
class NumberCheck:
    """One printed number against the value computed here."""

    printed: PrintedNumber
    actual: float
    status: str  # "equal" (at printed precision), "zero" (numerically zero), "differs"
    actual_text: str | None = None  # the token this machine printed, where known

    @property
    def ok(self) -> bool:
        return self.status != "differs"

    @property
    def difference(self) -> float:
        return self.actual - self.printed.value

    @property
    def same_noise(self) -> bool | None:
        """For a zero: did this machine print the very same noise token?"""
        if not self.printed.zero or self.actual_text is None:
            return None
        return self.actual_text == self.printed.text


def check_numbers(entry: Entry, actual, *, zero_tolerance: float = 1e-10, actual_text=None) -> list[NumberCheck]:
    """Compare computed values (in printed order) with the entry's printed numbers.

    Deterministic numbers must equal the printed ones at the printed precision;
    zeros must be below ``zero_tolerance`` in absolute value.
    """
    from ..validation import real_array

    actual = np.ravel(real_array("actual", actual))
    if actual.shape[0] != len(entry.numbers):
        raise ValueError(f"actual: expected {len(entry.numbers)} values for entry {entry.id}, got {actual.shape[0]}")
    texts = list(actual_text) if actual_text is not None else [None] * len(actual)
    checks = []
    for printed, value, text in zip(entry.numbers, actual, texts):
        if printed.zero:
            status = "zero" if abs(value) <= zero_tolerance else "differs"
        else:
            # a hair of slack for values that sit on a rounding boundary in binary
            status = "equal" if abs(value - printed.value) <= printed.tolerance * (1 + 1e-9) else "differs"
        checks.append(NumberCheck(printed, float(value), status, text))
    return checks


@dataclass(frozen=True)
class PrintedCheck:
    """Text this machine printed against the entry: as text, and number by number."""

    expected: str  # the lecture's text, normalised
    actual: str  # this machine's text, normalised
    numbers: tuple[NumberCheck, ...] | None  # None where the layout differs (another count of numbers)

    @property
    def same_text(self) -> bool:
        return self.expected == self.actual

    @property
    def ok(self) -> bool:
        """Every number agrees (the text may differ only in how noise printed)."""
        return self.numbers is not None and all(check.ok for check in self.numbers)


def check_printed(entry: Entry, actual_text: str, *, rules: tuple[str, ...] = (), zero_tolerance: float = 1e-10) -> PrintedCheck:
    """Compare text this machine printed with the entry: text modulo whitespace after
    ``rules`` (and the entry's own rules on the lecture's side), and every number."""
    actual_numbers = entry.parse(actual_text, rules)
    numbers = None
    if len(actual_numbers) == len(entry.numbers):
        numbers = tuple(
            check_numbers(
                entry,
                [n.value for n in actual_numbers],
                zero_tolerance=zero_tolerance,
                actual_text=[n.text for n in actual_numbers],
            )
        )
    return PrintedCheck(normalise(entry.printed, entry.rules), normalise(actual_text, rules), numbers)


@dataclass(frozen=True)
class BandCheck:
    """Where a printed stochastic number falls among seeded runs."""

    printed: PrintedNumber
    low: float
    high: float
    percentile: float  # share of runs below the printed value, in percent

    @property
    def inside(self) -> bool:
        t = self.printed.tolerance
        return self.low - t <= self.printed.value <= self.high + t


def check_band(entry: Entry, runs) -> list[BandCheck]:
    """Place each printed number of a stochastic entry among ``runs`` (runs x numbers)."""
    runs = np.asarray(runs, dtype=float)
    if runs.ndim != 2 or runs.shape[1] != len(entry.numbers):
        raise ValueError(f"runs: expected shape (n_runs, {len(entry.numbers)}) for entry {entry.id}, got {runs.shape}")
    return [BandCheck(n, float(column.min()), float(column.max()), percentile(column, n.value)) for n, column in zip(entry.numbers, runs.T)]


def percentile(runs: np.ndarray, value: float) -> float:
    """Where ``value`` falls among ``runs``, in percent: the share below it, ties counted half."""
    return 100 * float(np.mean(runs < value) + 0.5 * np.mean(runs == value))
