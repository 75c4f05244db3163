"""The report as one self-contained page that fits a 1280 px screen: the verdict, every
printed output beside what this machine gives (the stochastic ones as a picture of their
seeded runs, :mod:`nncourse.repro.study_plots`), the environment and the errata."""

from __future__ import annotations

import html

from . import study_plots
from .judging import STATUS_TEXT, Side, verbatim

CSS = """
* { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; margin: 1.5em auto; padding: 0 16px; max-width: 1240px; color: #222; }
h1 { font-size: 1.5em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; font-size: 0.88em; table-layout: fixed; }
th, td { border-bottom: 1px solid #eee; padding: 0.35em 0.5em; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
pre { margin: 0.3em 0 0 0; font-size: 0.78em; white-space: pre; overflow-x: auto; max-width: 100%; }
.badge { border-radius: 0.8em; padding: 0.1em 0.6em; font-size: 0.85em; display: inline-block; }
.as-printed, .at-precision, .in-band { background: #d8f0e3; color: #0b5d33; }
.zero { background: #e4eefa; color: #17457a; }
.differs, .out-of-band, .damaged { background: #fbe0d8; color: #8a2400; font-weight: bold; }
.not-run { background: #eee; color: #555; }
.detail { color: #555; font-size: 0.85em; margin: 0.2em 0 0 0; padding-left: 1.2em; }
.summary .badge { margin: 0 0.6em 0.3em 0; }
.erratum { border-left: 4px solid #E69F00; padding: 0.2em 1em; margin: 1em 0; background: #fffaf0; }
.plot svg { width: 100%; max-width: 620px; height: auto; display: block; }
.damage { border: 2px solid #8a2400; background: #fbe0d8; padding: 0.5em 1em; }
col.entry { width: 15%; } col.printed { width: 27%; } col.status { width: 9%; }
"""


def _side_cell(side: Side | None, printed: str) -> str:
    e = html.escape
    if side is None:
        return "<td>&ndash;</td>"
    detail = "".join(f"<li>{e(d)}</li>" for d in side.detail)
    shown = f"<pre>{e(side.shown)}</pre>" if side.shown and side.shown.strip() != printed.strip() and side.status != "as-printed" else ""
    return f'<td><span class="badge {side.status}">{e(STATUS_TEXT[side.status])}</span>{shown}<ul class="detail">{detail}</ul></td>'


def _row(report, row) -> str:
    e = html.escape
    head = f'<td><b>{e(row.entry.id)}</b><br><small>{e(row.entry.slide)}</small><br><code>{e(row.entry.expression)}</code></td>'
    printed = f"<td><pre>{e(row.entry.printed)}</pre></td>"
    status = f'<td><span class="badge {row.status}">{e(row.status)}</span></td>'
    if row.entry.kind == "stochastic":
        caption = f"{len(report.runs[row.entry.id])} seeded runs, each row from its lowest (left) to its highest; &#9670; the lecture's value, with its percentile"
        plot = f'<td colspan="{1 + len(report.engines)}" class="plot">{study_plots.svg(row.entry, report.runs[row.entry.id], row.python.percentiles)}<small>{caption}</small></td>'
        return f'<tr id="{e(row.entry.id)}">{head}{printed}{plot}{status}</tr>'
    sides = "".join(_side_cell(s, row.entry.printed) for s in [row.python, *(row.r.get(run.name) for run in report.engines)])
    return f'<tr id="{e(row.entry.id)}">{head}{printed}{sides}{status}</tr>'


def _environment(report) -> str:
    e = html.escape
    env = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in report.environment.items() if k != "r_engines")
    env += "".join(f"<tr><th>R engine {e(k)}</th><td>{e(v['label'])}: {e(v['r'])}</td></tr>" for k, v in report.environment.get("r_engines", {}).items())
    return f'<table><colgroup><col class="entry"><col></colgroup>{env}</table>'


def _errata(report) -> str:
    e = html.escape
    return "".join(
        f'<div class="erratum"><h3>{e(ev.erratum.title)}</h3><p><i>{e(ev.erratum.slide)}</i></p><p>{e(ev.erratum.detail)}</p>'
        f"<p>Measured here:</p><pre>{e(chr(10).join(ev.measured))}</pre><p>Re-run:</p><pre>{e(ev.rerun)}</pre>"
        f"<p><small>Test: <code>{e(ev.erratum.test)}</code></small></p></div>"
        for ev in report.evidence
    )


def as_html(report) -> str:
    """One self-contained page: the verdict, the table, the environment, the errata."""
    e = html.escape
    if report.damage:
        verdict = '<div class="damage"><b>The project is damaged:</b><ul>' + "".join(f"<li>{e(d)}</li>" for d in report.damage) + "</ul></div>"
    elif report.exit_status:
        verdict = "<p>Some deterministic outputs DIFFER.</p>"
    else:
        verdict = "<p>Every deterministic output reproduces.</p>"
    summary = "".join(f'<span class="badge {s}">{n} {e(STATUS_TEXT[s])}</span>' for s, n in report.counts.items())
    lines = "".join(f"<li>{e(line)}</li>" for line in verbatim(report))
    heads = "".join(f"<th>{e(run.head)}</th>" for run in report.engines)
    cols = '<col class="entry"><col class="printed">' + "<col>" * (1 + len(report.engines)) + '<col class="status">'
    rows = "\n".join(_row(report, row) for row in report.rows)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>nncourse: Week 10 reproducibility report</title><style>{CSS}</style></head>
<body>
<h1>Week 10: Neural Networks &mdash; which lecture numbers reproduce on this machine</h1>
{verdict}<p class="summary">{summary}</p><ul>{lines}</ul>
<h2>Every printed output</h2>
<p>The lecture drew its SGD, perceptron and MLP minibatches from an unseeded random state, so those outputs cannot be repeated:
each is shown among seeded runs of the same code.</p>
<table><colgroup>{cols}</colgroup><tr><th>entry</th><th>lecture printed</th><th>Python here</th>{heads}<th>status</th></tr>
{rows}
</table>
<h2>Environment</h2>{_environment(report)}
<h2>Errata</h2>{_errata(report)}
</body></html>
"""
