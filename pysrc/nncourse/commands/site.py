"""``nncourse site DIR``: the week's folder to publish as it is (see :mod:`nncourse.site.build`)."""

from __future__ import annotations

import sys
from pathlib import Path

from .console import UsageError, progress_to_stderr

NAME = "site"


def add_parser(subparsers):
    site = subparsers.add_parser(NAME, help="write the week's site (index, deck, R tutorial, notebook, report, webR) into a folder to publish")
    site.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    site.add_argument("--deck", type=Path, default=None, help="the rendered deck to copy (default: the week's slides in slides/_output; render it first)")
    site.add_argument("--report", type=Path, default=None, help="an HTML report to publish (`nncourse report --format html --output FILE`; default: build it now)")
    site.add_argument("--runs", type=int, default=None, help="seeded runs per stochastic output when the report is built now (default 2000)")
    return site


def run(args) -> int:
    from ..deck import render
    from ..site import build
    from ..site.page import PageError

    deck = args.deck or render.rendered_path()
    if args.report is not None and not args.report.is_file():
        raise UsageError(f"--report: expected an HTML report file, got {args.report} (write one with nncourse report --format html --output FILE)")
    try:
        report_html = args.report.read_text(encoding="utf-8") if args.report else _report(args.runs)
        written = build.build(args.folder, deck=deck, report_html=report_html)
    except build.SiteError as exc:
        raise UsageError(str(exc)) from None
    except PageError as exc:
        print(f"nncourse site: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.folder}: " + ", ".join(p.name for p in written), file=sys.stderr)
    print(f"Publish the folder as it is, or try it: python -m http.server -d {args.folder} (open /index.html)", file=sys.stderr)
    return 0


def _report(runs) -> str:
    from ..repro import report

    built = report.build(runs=report.check_runs(report.RUNS if runs is None else runs, "--runs"), progress=progress_to_stderr)
    return report.write(built, "html", None)
