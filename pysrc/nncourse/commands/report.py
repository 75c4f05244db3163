"""``nncourse report``: which of the lecture's numbers reproduce on this machine, and why not."""

from __future__ import annotations

import sys
from pathlib import Path

from .console import UsageError, progress_to_stderr

NAME = "report"


def add_parser(subparsers):
    rep = subparsers.add_parser(NAME, help="which lecture numbers reproduce on this machine, and why not")
    rep.add_argument("--format", choices=("text", "html", "json"), default="text", help="terminal table (default), one self-contained HTML page, or JSON")
    rep.add_argument("--output", type=Path, default=None, help="write to this file instead of standard output")
    rep.add_argument("--force", action="store_true", help="replace an --output file that nncourse did not make")
    rep.add_argument("--r-engine", choices=("rpy2", "webr", "all"), default="all", help="which R: the system R via rpy2, R 4.6 via webR, or all that are available (default)")
    rep.add_argument("--runs", type=int, default=None, help="seeded runs per stochastic output (default 2000, trained side by side)")
    return rep


def run(args) -> int:
    from ..repro import report
    from ..safe_write import check_target

    try:  # the API's own checks, named as the command line names them
        runs = report.check_runs(report.RUNS if args.runs is None else args.runs, "--runs")
        output = None if args.output is None else check_target(args.output, argument="--output", command="report", force=args.force)
    except ValueError as exc:  # OutputError is one
        raise UsageError(str(exc)) from None
    try:
        engines = None if args.r_engine == "all" else [args.r_engine]
        built = report.build(runs=runs, progress=progress_to_stderr, engines=engines)
    except KeyboardInterrupt:
        print("\nnncourse report: interrupted; nothing was written", file=sys.stderr)
        return 130
    except report.DamagedProject as exc:
        print(f"\nnncourse report: {exc}; nothing was written", file=sys.stderr)
        return 1
    text = report.write(built, args.format, output)
    if text is not None:
        print(text)
    else:
        print(f"\rwrote {args.output}", file=sys.stderr)
    for line in built.damage:
        print(f"nncourse report: the project is damaged: {line}", file=sys.stderr)
    return built.exit_status
