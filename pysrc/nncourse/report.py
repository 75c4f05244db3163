"""The reproducibility report: every ledger entry, what the lecture printed against what
this machine computes, with a status a reader can act on."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np

from . import lecture, ledger

STATUS_TEXT = {
    "as-printed": "reproduced as printed (same text)",
    "at-precision": "reproduced at printed precision",
    "in-band": "stochastic: inside the band of seeded runs",
    "out-of-band": "stochastic: OUTSIDE the band of seeded runs",
    "differs": "DIFFERS",
    "not-run": "not computed here",
}
FAILING = {"differs", "out-of-band"}


@dataclass
class Row:
    """One ledger entry's outcome on this machine."""

    entry: ledger.Entry
    status: str
    computed: str = ""
    detail: list[str] = field(default_factory=list)


def deterministic_row(entry: ledger.Entry) -> Row:
    """Compute a deterministic Python entry and judge its text and numbers."""
    value = lecture.DETERMINISTIC[entry.id]()
    checks = ledger.check_numbers(entry, value)
    text = repr(np.asarray(value))
    same_text = ledger.normalise(text) == ledger.normalise(entry.printed)
    bad = [f"{c.printed.text} -> {c.actual!r} (off by {c.difference:.3g})" for c in checks if not c.ok]
    status = "differs" if bad else ("as-printed" if same_text else "at-precision")
    return Row(entry, status, text, bad)


def stochastic_row(entry: ledger.Entry, runs: np.ndarray) -> Row:
    """Place a stochastic entry's printed numbers among seeded runs."""
    bands = ledger.check_band(entry, runs)
    status = "in-band" if all(b.inside for b in bands) else "out-of-band"
    detail = [
        f"{b.printed.text}: runs span [{b.low:.8g}, {b.high:.8g}], printed value at percentile {b.percentile:.0f}"
        for b in bands
    ]
    return Row(entry, status, f"{len(runs)} seeded runs", detail)


def build(runs: int = 200, progress=None) -> list[Row]:
    """One row per ledger entry; R entries wait for the R side."""
    samples = lecture.seeded_runs(range(runs), progress)
    rows = []
    for entry in ledger.load():
        if entry.language == "r":
            rows.append(Row(entry, "not-run", "", ["R entries are compared by the R side (rbridge)"]))
        elif entry.kind == "deterministic":
            rows.append(deterministic_row(entry))
        else:
            rows.append(stochastic_row(entry, samples[entry.id]))
    return rows


def render_text(rows: list[Row]) -> str:
    """A terminal table, one line per entry, details indented under failures and bands."""
    width = max(len(r.entry.id) for r in rows)
    lines = ["Week 10 lecture outputs on this machine", ""]
    for row in rows:
        lines.append(f"{row.entry.id:<{width}}  {row.entry.language:<6}  {STATUS_TEXT[row.status]}")
        if row.status in FAILING or row.entry.kind == "stochastic":
            lines.extend(f"{'':<{width}}    {d}" for d in row.detail)
    counts = {s: sum(r.status == s for r in rows) for s in STATUS_TEXT}
    lines += ["", ", ".join(f"{n} {STATUS_TEXT[s]}" for s, n in counts.items() if n)]
    return "\n".join(lines)


def exit_status(rows: list[Row]) -> int:
    """Non-zero when a deterministic entry differs or a printed value leaves its band."""
    return int(any(r.status in FAILING for r in rows))


def progress_to_stderr(message: str) -> None:
    if sys.stderr.isatty():
        print(f"\r\033[K{message}", end="", file=sys.stderr, flush=True)
