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


def r_row(entry: ledger.Entry, output: str, r_version: tuple[int, int]) -> Row:
    """Judge what R printed here for an R entry: text, numbers, and whether the noise is the lecture's."""
    rules = ledger.rules_for("r", r_version)
    check = ledger.check_printed(entry, output, rules=rules)
    if check.numbers is None:
        return Row(entry, "differs", output, ["R printed another layout (another count of numbers)"])
    detail = [f"{c.printed.text} -> {c.actual_text} (off by {c.difference:.3g})" for c in check.numbers if not c.ok]
    for c in check.numbers:
        if c.printed.zero:
            noise = "the same noise" if c.same_noise else f"other noise, {c.actual_text}"
            detail.append(f"{c.printed.text} is numerically zero here ({noise})")
    if "r-deviance-residuals" in rules and ledger.RULES["r-deviance-residuals"].apply(output) != output:
        detail.append(f"rule r-deviance-residuals applied (R {r_version[0]}.{r_version[1]} < 4.3)")
    status = "differs" if not check.ok else ("as-printed" if check.same_text else "at-precision")
    return Row(entry, status, output, detail)


def r_outputs() -> tuple[dict[str, str], tuple[int, int] | None, str]:
    """What R prints here for each lecture R expression, R's version, and why not if R is missing."""
    from . import rbridge

    try:
        session = rbridge.session()
    except rbridge.RUnavailable as exc:
        return {}, None, str(exc)
    outputs = {}
    for script in ("lecture_and.R", "lecture_xor.R"):
        outputs.update({chunk.code: chunk.output for chunk in session.run_script(script)[0]})
    return outputs, session.version, ""


def build(runs: int = 200, progress=None) -> list[Row]:
    """One row per ledger entry: Python entries computed here, R entries printed by R here."""
    samples = lecture.seeded_runs(range(runs), progress)
    outputs, r_version, why_not = r_outputs()
    rows = []
    for entry in ledger.load():
        if entry.language == "r":
            if r_version is None:
                rows.append(Row(entry, "not-run", "", [why_not]))
            else:
                rows.append(r_row(entry, outputs[entry.expression], r_version))
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
        if row.status in FAILING or row.entry.kind == "stochastic" or row.entry.language == "r":
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
