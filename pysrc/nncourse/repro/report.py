"""The reproducibility report: every lecture number, the lecture against Python and R on
this machine, with the errata and the stochastic outputs explained.

:func:`build` computes, as fast as its slowest part: both R engines start first, in threads
of their own (:mod:`nncourse.repro.engines`), and the seeded studies train while they start;
every value is computed once. Judging is :mod:`nncourse.repro.judging`, the environment
:mod:`nncourse.repro.environment`; :func:`write` presents in one of three formats
(:mod:`~nncourse.repro.text_report`, :mod:`~nncourse.repro.html_report`,
:mod:`~nncourse.repro.json_report`). The exit status (:attr:`Report.exit_status`) is
non-zero when a deterministic entry differs or the project is damaged, so a lecturer or CI
can use the report as a gate.
"""

from __future__ import annotations

import concurrent.futures
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import computed, engines as r_engines, environment, errata, html_report, json_report, ledger, text_report
from .judging import SEVERITY, Row, Side, judge_band, judge_numbers, judge_printed

RUNS = 2000  # seeded runs per stochastic entry, by default: all trained at once (nncourse.algorithms.studies)


class DamagedProject(ValueError):
    """The project's own files (the ledger, the lecture's R) are missing or broken: no report."""


@dataclass
class Report:
    rows: list[Row]
    environment: dict
    evidence: list[errata.Evidence]
    runs: dict[str, np.ndarray]  # stochastic entry id -> seeded runs
    engines: list[r_engines.EngineRun] = field(default_factory=list)

    @property
    def damage(self) -> list[str]:
        """What of the project is broken, one line each (an R that is not installed is not)."""
        return [f"R via {run.name}: {' '.join(run.damage.split())}" for run in self.engines if run.damage]

    @property
    def exit_status(self) -> int:
        """1 when a deterministic entry differs or the project is damaged, else 0."""
        differs = any(r.status == "differs" and r.entry.kind == "deterministic" for r in self.rows)
        return int(differs or bool(self.damage))

    @property
    def counts(self) -> dict[str, int]:
        return {s: n for s in SEVERITY if (n := sum(r.status == s for r in self.rows))}


def check_runs(runs, name: str = "runs") -> int:
    """``runs`` if a study of that many seeded runs can be made here: at least 2 (a band needs
    two), at most what this machine's free memory holds (:func:`studies.most_runs`)."""
    from ..algorithms import studies

    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 2:
        raise ValueError(f"{name}: expected at least 2 seeded runs, got {runs}")
    most = studies.most_runs()
    if runs > most:
        raise ValueError(f"{name}: expected at most {most:,} seeded runs (what this machine's free memory holds), got {runs:,}")
    return runs


def build(
    runs: int = RUNS, progress=None, *, lecture_ledger: ledger.Ledger | None = None, errata_sizes=(10**3, 10**4, 10**5, 10**6), engines=None
) -> Report:
    """Compute every ledger entry here, in Python and (where it has an R side) in each R
    engine (``engines``: names from ``rbridge.ENGINES``, all by default)."""
    from ..algorithms import data
    from ..r.bridge import ENGINES

    check_runs(runs)
    progress = progress or (lambda message: None)
    lecture_ledger = lecture_ledger or load_ledger()
    X, y = data.regression_data()
    started = r_engines.start_all(list(engines or ENGINES), X, y, progress)  # R first: it starts while Python works
    with concurrent.futures.ThreadPoolExecutor(1) as side:
        machine = side.submit(environment.this_machine)  # subprocesses and file reads: beside the studies
        samples = computed.seeded_runs(range(runs), progress)
        python = {key: f() for key, f in computed.DETERMINISTIC.items()} | computed.python_for_r()
        progress("errata: measuring")

        def engines_done() -> list:
            return [future.result() for future in started.values()]

        evidence = errata.collect(lecture_ledger, lambda: next((run.version for run in engines_done() if run.ran), None), sizes=errata_sizes)
        ran = engines_done()
        rows = [judge_row(entry, python, samples, ran, lecture_ledger.zero_tolerance) for entry in lecture_ledger]
        return Report(rows, environment.environment(ran, machine.result()), evidence, samples, ran)


def load_ledger() -> ledger.Ledger:
    """The course's ledger, with every entry the package computes: or :class:`DamagedProject`."""
    try:
        found = ledger.load()
    except ValueError as exc:
        raise DamagedProject(f"the ledger is damaged: {exc}") from None
    known = set(computed.PYTHON) | set(computed.R_ENTRIES)
    missing = sorted(known - set(found.entries))
    if missing:
        raise DamagedProject(f"the ledger {ledger.LEDGER_PATH} is incomplete: no entry for {', '.join(missing)}")
    unknown = sorted(e.id for e in found if e.id not in known)
    if unknown:
        raise DamagedProject(f"the ledger {ledger.LEDGER_PATH} has entries the package cannot compute: {', '.join(unknown)}")
    no_evidence = sorted(e.id for e in found.errata if e.id not in errata.RERUN)
    if no_evidence:
        raise DamagedProject(f"the ledger {ledger.LEDGER_PATH} names errata the package has no evidence for: {', '.join(no_evidence)}")
    return found


def judge_row(entry: ledger.Entry, python: dict, samples: dict, ran: list, tol: float) -> Row:
    """One entry against everything computed here: Python, and each R engine."""
    r = {}
    if entry.language == "python":
        if entry.kind == "stochastic":
            own = judge_band(entry, samples[entry.id])
        else:
            own = judge_numbers(entry, python[entry.id], repr(np.asarray(python[entry.id])), tol)
        for run in ran:
            if entry.id in run.ports:
                r[run.name] = judge_numbers(entry, run.ports[entry.id], f"R port: {np.array2string(run.ports[entry.id], precision=8)}", tol)
        return Row(entry, own, r)
    for run in ran:
        if not run.ran:
            why = run.damage or "this R is not available here (the reason is under environment, once)"
            r[run.name] = Side("not-run", "", [why])
        else:
            rules = ledger.rules_for("r", run.version)  # the R-version rule only for the R that needs it
            printed = run.printed.get(entry.expression)
            if printed is None:
                r[run.name] = Side("differs", "", [f"the lecture's R scripts printed nothing for `{entry.expression}` here"])
            else:
                r[run.name] = judge_printed(entry, printed, rules, tol)
    value = np.asarray(python[entry.id], dtype=float)
    return Row(entry, judge_numbers(entry, value, np.array2string(value, precision=8), tol), r)


def write(report: Report, fmt: str, output: Path | None) -> str | None:
    """Render in ``fmt`` ("text", "html", "json"); write to ``output`` when given, else return the text."""
    if fmt == "text":
        text = text_report.as_text(report)
    elif fmt == "json":
        text = json.dumps(json_report.as_json(report), indent=2)
    elif fmt == "html":
        text = html_report.as_html(report)
    else:
        raise ValueError(f"fmt: expected text, html or json, got {fmt!r}")
    if output is None:
        return text
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    return None
