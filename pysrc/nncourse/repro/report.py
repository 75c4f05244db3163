"""The reproducibility report: every lecture number, the lecture against Python and R on
this machine, with the errata and the stochastic outputs explained.

``build`` computes; ``as_text``, ``as_html`` and ``as_json`` present. The exit status
(``exit_status``) is non-zero when a deterministic entry differs, so a lecturer or CI can
use the report as a gate.
"""

from __future__ import annotations

import base64
import html
import importlib.metadata
import io
import json
import platform
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import errata, computed as lecture, ledger

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
SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


@dataclass
class Side:
    """One language's outcome for an entry."""

    status: str
    shown: str = ""  # what this machine printed or computed
    detail: list[str] = field(default_factory=list)
    percentiles: list[dict] = field(default_factory=list)  # stochastic entries only


@dataclass
class REngine:
    """One R engine of the report: its session, or why it did not run."""

    name: str  # "rpy2" (the system R) or "webr" (R 4.6 in webR)
    session: object | None
    reason: str = ""

    @property
    def label(self) -> str:
        return self.session.label if self.session is not None else f"R via {self.name} (not available)"


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


@dataclass
class Report:
    rows: list[Row]
    environment: dict
    evidence: list[errata.Evidence]
    runs: dict[str, np.ndarray]  # stochastic entry id -> seeded runs
    engines: list[REngine] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        """1 when a deterministic entry differs, else 0."""
        return int(any(r.status == "differs" and r.entry.kind == "deterministic" for r in self.rows))

    @property
    def counts(self) -> dict[str, int]:
        return {s: n for s in SEVERITY if (n := sum(r.status == s for r in self.rows))}


# ---------------------------------------------------------------- judging one side


def judge_numbers(entry: ledger.Entry, values, shown: str, zero_tolerance: float) -> Side:
    """A computed value (full precision) against the printed numbers."""
    checks = ledger.check_numbers(entry, values, zero_tolerance=zero_tolerance)
    bad = [f"{c.printed.text} -> {c.actual:.10g} (off by {c.difference:.3g})" for c in checks if not c.ok]
    same_text = ledger.normalise(shown) == ledger.normalise(entry.printed) if entry.format == "numpy" else False
    status = "differs" if bad else ("as-printed" if same_text else "at-precision")
    return Side(status, shown, bad)


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


RUNS = 2000  # seeded runs per stochastic entry, by default: all trained at once (nncourse.algorithms.studies)


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


# ---------------------------------------------------------------- building


def r_engines(names=None) -> list[REngine]:
    """The R engines to report on (all of them by default), each started or with its reason."""
    from ..r import bridge as rbridge

    engines = []
    for name in names or rbridge.ENGINES:
        try:
            engines.append(REngine(name, rbridge.session(name)))
        except rbridge.RUnavailable as exc:
            engines.append(REngine(name, None, str(exc)))
    return engines


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
    runs: int = RUNS, progress=None, *, book: ledger.Ledger | None = None, errata_sizes=(10**3, 10**4, 10**5, 10**6), engines=None
) -> Report:
    """Compute every ledger entry here, in Python and (where it has an R side) in each R
    engine (``engines``: names from ``rbridge.ENGINES``, all by default)."""
    from ..algorithms import data

    check_runs(runs)
    progress = progress or (lambda message: None)
    book = book or ledger.load()
    tol = book.zero_tolerance
    samples = lecture.seeded_runs(range(runs), progress)
    engines = r_engines(engines)
    X, y = data.regression_data()
    printed, ports = {}, {}
    for engine in engines:
        if engine.session is not None:
            progress(f"{engine.label}: the lecture's scripts")
            printed[engine.name] = {code: chunk.output for code, chunk in engine.session.lecture_chunks().items()}
            ports[engine.name] = {"ols_betas": engine.session.call("ols", X, y), "gd_betas": engine.session.call("gradient_descent", X, y)}
    missing = Side("not-run", "", ["this R is not available here (the reason is under environment, once)"])
    rows = []
    for entry in book:
        python, r = None, {}
        if entry.language == "python":
            if entry.kind == "stochastic":
                python = judge_band(entry, samples[entry.id])
            else:
                value = lecture.DETERMINISTIC[entry.id]()
                python = judge_numbers(entry, value, repr(np.asarray(value)), tol)
            for name, values in ports.items():
                if entry.id in values:
                    value = np.asarray(values[entry.id])
                    r[name] = judge_numbers(entry, value, f"R port: {np.array2string(value, precision=8)}", tol)
        else:
            for engine in engines:
                if engine.session is None:
                    r[engine.name] = missing
                else:
                    rules = ledger.rules_for("r", engine.session.version)  # the R-version rule only for the R that needs it
                    r[engine.name] = judge_printed(entry, printed[engine.name][entry.expression], rules, tol)
            if entry.id in lecture.PYTHON_FOR_R:
                value = np.asarray(lecture.PYTHON_FOR_R[entry.id](), dtype=float)
                python = judge_numbers(entry, value, np.array2string(value, precision=8), tol)
        rows.append(Row(entry, python, r))
    progress("errata: measuring")
    running = [engine.session for engine in engines if engine.session is not None]
    evidence = errata.collect(book, running[0].version if running else None, sizes=errata_sizes)
    return Report(rows, environment(engines), evidence, {k: v for k, v in samples.items()}, engines)


def environment(engines: list[REngine]) -> dict:
    """Where the numbers came from: Python, NumPy and its BLAS, pandas, R and its BLAS/LAPACK, rpy2, OS, Quarto."""
    env = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_blas": _numpy_blas(),
        "pandas": importlib.metadata.version("pandas"),
        "os": platform.platform(),
        "quarto": _quarto(),
    }
    env["r_engines"] = {}
    for engine in engines:
        if engine.session is None:
            described = {"label": engine.label, "available": False, "r": f"not available: {engine.reason}", "r_blas": "", "r_lapack": ""}
        else:
            (chunk,) = engine.session.evaluate('cat(R.version.string, extSoftVersion()[["BLAS"]], La_library(), La_version(), sep = "\\n")')
            r_string, blas, lapack, la_version = (chunk.output.splitlines() + ["", "", "", ""])[:4]
            described = {"label": engine.label, "available": True, "r": r_string, "r_blas": blas, "r_lapack": f"{lapack} ({la_version})"}
        env["r_engines"][engine.name] = described
    system = env["r_engines"].get("rpy2", {"r": "not asked for (--r-engine)", "r_blas": "", "r_lapack": ""})
    rpy2 = next((e.session.rpy2_version for e in engines if e.name == "rpy2" and e.session is not None), "")
    env.update({"r": system["r"], "r_blas": system["r_blas"], "r_lapack": system["r_lapack"], "rpy2": rpy2})
    return env


def _numpy_blas() -> str:
    try:
        from threadpoolctl import threadpool_info

        libs = [f"{i['internal_api']} {i.get('version') or ''} ({i['filepath']})" for i in threadpool_info() if i["user_api"] == "blas"]
        if libs:
            return "; ".join(libs)
    except ImportError:
        pass
    config = np.show_config(mode="dicts") if "mode" in np.show_config.__code__.co_varnames else {}
    blas = config.get("Build Dependencies", {}).get("blas", {})
    return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()


def _quarto() -> str:
    quarto = shutil.which("quarto")
    if quarto is None:
        return "not found (the deck renders by the built-in path)"
    return subprocess.run([quarto, "--version"], capture_output=True, text=True).stdout.strip() or quarto


# ---------------------------------------------------------------- presenting


def _side_summary(side: Side | None) -> str:
    return "-" if side is None else STATUS_TEXT[side.status]


def verbatim(report: Report) -> list[str]:
    """Per R engine, how many of the lecture's R outputs it prints verbatim: as printed, with
    only the rules for the lecture text's extraction (no rule for this R's version)."""
    lines = []
    r_rows = [row for row in report.rows if row.entry.language == "r"]
    for engine in report.engines:
        if engine.session is None:
            continue
        version_rules = set(ledger.rules_for("r", engine.session.version)) - set(ledger.rules_for("r"))
        needed = [row.entry.id for row in r_rows if any(d.startswith(f"rule {rule}") for rule in version_rules for d in row.r[engine.name].detail)]
        exact = [row.entry.id for row in r_rows if row.r[engine.name].status == "as-printed" and row.entry.id not in needed]
        said = f" (with the R-version rule for {', '.join(needed)})" if needed else ""
        lines.append(f"{_engine_head(engine)} prints {len(exact)} of the lecture's {len(r_rows)} R outputs verbatim{said}")
    return lines


def _engine_head(engine: REngine) -> str:
    """A column title naming the R: "R 4.2.2 (rpy2)", "R 4.6.0 (webR)"."""
    if engine.session is None:
        return f"R via {engine.name}: not here"
    return f"{engine.session.label.split(' via ')[0]} ({'webR' if engine.name == 'webr' else engine.name})"


def as_text(report: Report) -> str:
    """A terminal table, then the details worth reading: failures, noise, bands, errata."""
    width = max(len(r.entry.id) for r in report.rows)
    lines = ["Week 10: Neural Networks -- which lecture outputs reproduce on this machine", ""]
    heads = ["Python here", *(_engine_head(e) for e in report.engines)]
    lines.append(f"{'entry':<{width}}  {'lang':<6}  " + "  ".join(f"{h:<36}" for h in heads))
    lines.append("-" * (width + 10 + 38 * len(heads)))
    for row in report.rows:
        sides = [row.python, *(row.r.get(e.name) for e in report.engines)]
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


def as_json(report: Report) -> dict:
    """The report for machines; validates against ``report.schema.json``."""

    def side(s: Side | None):
        return None if s is None else {"status": s.status, "shown": s.shown, "detail": s.detail, "percentiles": s.percentiles}

    return {
        "lecture": "Week 10: Neural Networks (POP77032)",
        "environment": report.environment,
        "rows": [
            {
                "id": r.entry.id,
                "slide": r.entry.slide,
                "language": r.entry.language,
                "kind": r.entry.kind,
                "expression": r.entry.expression,
                "printed": r.entry.printed,
                "python": side(r.python),
                "r": {name: side(s) for name, s in r.r.items()},
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


STUDIES = {
    "sgd_betas": ("SGD betas (slide: Regression with SGD)", ["beta_1", "beta_2"]),
    "and_perceptron_params": ("Perceptron on AND (slide: Back to Boolean AND)", ["w1", "w2", "b"]),
    "mlp_sigmoid": ("MLP outputs for XOR (slide: MLP for XOR)", ["(0,0)", "(0,1)", "(1,0)", "(1,1)"]),
}


def study_figures(report: Report) -> dict[str, str]:
    """One PNG (base64) per stochastic study: the seeded runs' distribution, the lecture's value marked."""
    from ..deck import figures

    book = {r.entry.id: r.entry for r in report.rows}
    out = {}
    for entry_id, (title, labels) in STUDIES.items():
        fig = figures.band_study(title, labels, report.runs[entry_id], book[entry_id].values)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110)
        out[entry_id] = base64.b64encode(buffer.getvalue()).decode()
    return out


CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border-bottom: 1px solid #eee; padding: 0.35em 0.5em; vertical-align: top; text-align: left; }
pre { margin: 0; font-size: 0.8em; white-space: pre; overflow-x: auto; max-width: 34em; }
.badge { border-radius: 0.8em; padding: 0.1em 0.6em; font-size: 0.85em; white-space: nowrap; }
.as-printed, .at-precision, .in-band { background: #d8f0e3; color: #0b5d33; }
.zero { background: #e4eefa; color: #17457a; }
.differs, .out-of-band { background: #fbe0d8; color: #8a2400; font-weight: bold; }
.not-run { background: #eee; color: #555; }
.detail { color: #555; font-size: 0.85em; margin: 0.2em 0 0 0; padding-left: 1.2em; }
.summary span { margin-right: 1em; }
.erratum { border-left: 4px solid #E69F00; padding: 0.2em 1em; margin: 1em 0; background: #fffaf0; }
img { max-width: 100%; }
"""


def as_html(report: Report) -> str:
    """One self-contained page: the table, the environment, the errata, the stochastic studies."""
    e = html.escape

    def side_cell(s: Side | None) -> str:
        if s is None:
            return "<td>&ndash;</td>"
        detail = "".join(f"<li>{e(d)}</li>" for d in s.detail)
        shown = f"<pre>{e(s.shown)}</pre>" if s.shown and s.status not in ("in-band", "out-of-band") else ""
        return f'<td><span class="badge {s.status}">{e(STATUS_TEXT[s.status])}</span>{shown}<ul class="detail">{detail}</ul></td>'

    rows = "\n".join(
        f'<tr id="{e(r.entry.id)}"><td><b>{e(r.entry.id)}</b><br><small>{e(r.entry.slide)}</small><br><code>{e(r.entry.expression)}</code></td>'
        f"<td><pre>{e(r.entry.printed)}</pre></td>{side_cell(r.python)}{''.join(side_cell(r.r.get(x.name)) for x in report.engines)}"
        f'<td><span class="badge {r.status}">{e(r.status)}</span></td></tr>'
        for r in report.rows
    )
    summary = "".join(f'<span class="badge {s}">{n} {e(STATUS_TEXT[s])}</span>' for s, n in report.counts.items())
    env = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in report.environment.items() if k != "r_engines")
    env += "".join(f"<tr><th>R engine {e(k)}</th><td>{e(v['label'])}: {e(v['r'])}</td></tr>" for k, v in report.environment.get("r_engines", {}).items())
    engine_heads = "".join(f"<th>{e(_engine_head(x))}</th>" for x in report.engines)
    errata_html = "".join(
        f'<div class="erratum"><h3>{e(ev.erratum.title)}</h3><p><i>{e(ev.erratum.slide)}</i></p><p>{e(ev.erratum.detail)}</p>'
        f"<p>Measured here:</p><pre>{e(chr(10).join(ev.measured))}</pre><p>Re-run:</p><pre>{e(ev.rerun)}</pre>"
        f"<p><small>Test: <code>{e(ev.erratum.test)}</code></small></p></div>"
        for ev in report.evidence
    )
    studies = "".join(
        f'<h3>{e(STUDIES[k][0])}</h3><img alt="{e(STUDIES[k][0])}" src="data:image/png;base64,{png}">'
        for k, png in study_figures(report).items()
    )
    verdict = "Every deterministic output reproduces." if report.exit_status == 0 else "Some deterministic outputs DIFFER."
    verdict_lines = "".join(f"<li>{e(line)}</li>" for line in verbatim(report))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>nncourse: Week 10 reproducibility report</title><style>{CSS}</style></head>
<body>
<h1>Week 10: Neural Networks &mdash; which lecture numbers reproduce on this machine</h1>
<p>{e(verdict)}</p><p class="summary">{summary}</p><ul>{verdict_lines}</ul>
<h2>Every printed output</h2>
<table><tr><th>entry</th><th>lecture printed</th><th>Python here</th>{engine_heads}<th>status</th></tr>
{rows}
</table>
<h2>Environment</h2><table>{env}</table>
<h2>Errata</h2>{errata_html}
<h2>The stochastic outputs</h2>
<p>The lecture drew its minibatches from an unseeded random state, so these outputs cannot be repeated.
Each figure shows {len(next(iter(report.runs.values())))} seeded runs of the same code and where the lecture's printed value falls.</p>
{studies}
</body></html>
"""


def write(report: Report, fmt: str, output: Path | None) -> str | None:
    """Render in ``fmt`` ("text", "html", "json"); write to ``output`` when given, else return the text."""
    if fmt == "text":
        text = as_text(report)
    elif fmt == "json":
        text = json.dumps(as_json(report), indent=2)
    elif fmt == "html":
        text = as_html(report)
    else:
        raise ValueError(f"fmt: expected text, html or json, got {fmt!r}")
    if output is None:
        return text
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    return None
