"""Judging one side of a ledger entry: a value or a printed text computed here, against
what the lecture printed. The statuses, worst first, and how a row takes its own."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import ledger

STATUS_TEXT = {
    "as-printed": "reproduced as printed (same text)",
    "at-precision": "reproduced at printed precision",
    "zero": "numerically zero, other noise printed",
    "in-band": "inside the band of seeded runs",
    "out-of-band": "OUTSIDE the band of seeded runs",
    "differs": "DIFFERS",
    "not-run": "not computed here",
}
# Worst first: the order of the summary.
SEVERITY = ["differs", "out-of-band", "zero", "at-precision", "in-band", "as-printed", "not-run"]


@dataclass
class Side:
    """One language's outcome for an entry."""

    status: str
    shown: str = ""  # what this machine printed or computed
    detail: list[str] = field(default_factory=list)
    percentiles: list[dict] = field(default_factory=list)  # stochastic entries only


@dataclass
class Row:
    entry: ledger.Entry
    python: Side | None
    r: dict[str, Side]  # engine name -> its outcome (R's text, or the R port's numbers)

    @property
    def status(self) -> str:
        """The status in the language the lecture printed in (its worst over the R engines that
        ran), unless another side differs."""
        ran = [side for side in self.r.values() if side.status != "not-run"]
        if self.entry.language == "python":
            own, others = self.python, ran
        else:
            own = min(ran, key=lambda side: SEVERITY.index(side.status)) if ran else Side("not-run")
            others = [self.python] if self.python is not None else []
        if any(side.status == "differs" for side in others):
            return "differs"
        return own.status


def judge_numbers(entry: ledger.Entry, values, shown: str, zero_tolerance: float) -> Side:
    """A computed value (full precision) against the printed numbers."""
    checks = ledger.check_numbers(entry, values, zero_tolerance=zero_tolerance)
    bad = [f"{c.printed.text} -> {c.actual:.10g} (off by {c.difference:.3g})" for c in checks if not c.ok]
    zeros = [f"{c.printed.text} is numerically zero here ({c.actual:.3g})" for c in checks if c.printed.zero and c.ok]
    same_text = ledger.normalise(shown) == ledger.normalise(entry.printed) if entry.format == "numpy" else False
    status = "differs" if bad else ("as-printed" if same_text else "at-precision")
    return Side(status, shown, bad + zeros)


def judge_printed(entry: ledger.Entry, output: str, rules: tuple[str, ...], zero_tolerance: float) -> Side:
    """Text this machine printed against the entry: text, numbers, and the noise."""
    check = ledger.check_printed(entry, output, rules=rules, zero_tolerance=zero_tolerance)
    if check.numbers is None:
        return Side("differs", output, ["printed another layout (another count of numbers)"])
    detail = [f"{c.printed.text} -> {c.actual_text} (off by {c.difference:.3g})" for c in check.numbers if not c.ok]
    other_noise = False
    for c in check.numbers:
        if c.printed.zero and c.ok:
            other_noise |= not c.same_noise
            detail.append(f"{c.printed.text} is numerically zero here" + ("" if c.same_noise else f", printed as {c.actual_text}"))
    if "r-deviance-residuals" in rules and ledger.RULES["r-deviance-residuals"].apply(output) != output:
        detail.append("rule r-deviance-residuals: this R (< 4.3) prints a Deviance Residuals block, left out")
    if not check.ok:
        status = "differs"
    elif check.same_text:
        status = "as-printed"
    else:
        status = "zero" if other_noise else "at-precision"
    return Side(status, output, detail)


def judge_band(entry: ledger.Entry, runs: np.ndarray) -> Side:
    """Where the printed numbers of a stochastic entry fall among seeded runs."""
    bands = ledger.check_band(entry, runs)
    status = "in-band" if all(b.inside for b in bands) else "out-of-band"
    detail = [
        f"{b.printed.text}: {len(runs)} runs span [{b.low:.8g}, {b.high:.8g}]; printed value at percentile {b.percentile:.0f}"
        + ("" if b.inside else "  <-- outside")
        for b in bands
    ]
    percentiles = [
        {"printed": b.printed.text, "low": b.low, "high": b.high, "percentile": b.percentile, "inside": b.inside} for b in bands
    ]
    return Side(status, f"{len(runs)} seeded runs", detail, percentiles)


def verbatim(report) -> list[str]:
    """Per R engine of a :class:`~nncourse.repro.report.Report`, how many of the lecture's R outputs it prints verbatim: as printed, with
    only the rules for the lecture text's extraction (no rule for this R's version)."""
    lines = []
    r_rows = [row for row in report.rows if row.entry.language == "r"]
    for run in report.engines:
        if not run.ran:
            continue
        version_rules = set(ledger.rules_for("r", run.version)) - set(ledger.rules_for("r"))
        needed = [row.entry.id for row in r_rows if any(d.startswith(f"rule {rule}") for rule in version_rules for d in row.r[run.name].detail)]
        exact = [row.entry.id for row in r_rows if row.r[run.name].status == "as-printed" and row.entry.id not in needed]
        said = f" (with the R-version rule for {', '.join(needed)})" if needed else ""
        lines.append(f"{run.head} prints {len(exact)} of the lecture's {len(r_rows)} R outputs verbatim{said}")
    return lines
