"""The report for a terminal: a table, then the details worth reading: damage, failures,
noise, bands, the environment and the errata."""

from __future__ import annotations

from .judging import STATUS_TEXT, Side, verbatim


def _side_summary(side: Side | None) -> str:
    return "-" if side is None else STATUS_TEXT[side.status]


def as_text(report) -> str:
    """A terminal table, then the details worth reading: failures, noise, bands, errata."""
    width = max(len(r.entry.id) for r in report.rows)
    lines = ["Week 10: Neural Networks -- which lecture outputs reproduce on this machine", ""]
    if report.damage:
        lines += ["THE PROJECT IS DAMAGED:"] + [f"  {line}" for line in report.damage] + [""]
    heads = ["Python here", *(run.head for run in report.engines)]
    lines.append(f"{'entry':<{width}}  {'lang':<6}  " + "  ".join(f"{h:<36}" for h in heads))
    lines.append("-" * (width + 10 + 38 * len(heads)))
    for row in report.rows:
        sides = [row.python, *(row.r.get(run.name) for run in report.engines)]
        lines.append(f"{row.entry.id:<{width}}  {row.entry.language:<6}  " + "  ".join(f"{_side_summary(s):<36}" for s in sides))
        for head, side in zip(heads, sides):
            if side is not None and side.detail and (side.status != "as-printed" or row.entry.zero):
                lines.extend(f"{'':<{width}}      [{head}] {d}" for d in side.detail)
    lines += ["", "Summary: " + ", ".join(f"{n} {STATUS_TEXT[s]}" for s, n in report.counts.items())]
    lines += [f"  {line}" for line in verbatim(report)]
    lines += ["", "Environment"] + [f"  {k:<11} {v}" for k, v in report.environment.items() if k != "r_engines"]
    for name, described in report.environment.get("r_engines", {}).items():
        lines.append(f"  R engine {name}: {described['label']}: {described['r']}")
    lines += ["", "Errata (each backed by a test; re-run the evidence with the lines shown)"]
    for ev in report.evidence:
        lines += [f"  * {ev.erratum.title} [{ev.erratum.slide}]"] + [f"      {m}" for m in ev.measured]
    return "\n".join(lines)
