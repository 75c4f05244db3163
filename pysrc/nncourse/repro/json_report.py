"""The report for machines: a document that validates against ``report.schema.json``."""

from __future__ import annotations

from ..paths import REPORT_SCHEMA
from .judging import Side

SCHEMA_PATH = REPORT_SCHEMA


def _side(s: Side | None):
    return None if s is None else {"status": s.status, "shown": s.shown, "detail": s.detail, "percentiles": s.percentiles}


def as_json(report) -> dict:
    """A :class:`~nncourse.repro.report.Report` for machines; validates against ``report.schema.json``."""
    return {
        "lecture": "Week 10: Neural Networks (POP77032)",
        "environment": report.environment,
        "damage": report.damage,
        "rows": [
            {
                "id": r.entry.id,
                "slide": r.entry.slide,
                "language": r.entry.language,
                "kind": r.entry.kind,
                "expression": r.entry.expression,
                "printed": r.entry.printed,
                "python": _side(r.python),
                "r": {name: _side(s) for name, s in r.r.items()},
                "status": r.status,
            }
            for r in report.rows
        ],
        "errata": [
            {"id": e.erratum.id, "title": e.erratum.title, "slide": e.erratum.slide, "detail": e.erratum.detail,
             "measured": e.measured, "rerun": e.rerun, "test": e.erratum.test}
            for e in report.evidence
        ],
        "stochastic_runs": {k: len(v) for k, v in report.runs.items()},
        "summary": report.counts,
        "exit_status": report.exit_status,
    }
