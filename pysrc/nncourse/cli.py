"""The ``nncourse`` command."""

from __future__ import annotations

import argparse
import sys

from . import report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nncourse", description="Week 10 (Neural Networks) of POP77032, reproduced.")
    commands = parser.add_subparsers(dest="command", required=True)
    rep = commands.add_parser("report", help="which lecture numbers reproduce on this machine, and why not")
    rep.add_argument("--runs", type=int, default=200, help="seeded runs per stochastic output (default 200)")
    args = parser.parse_args(argv)
    if args.command == "report":
        rows = report.build(runs=args.runs, progress=report.progress_to_stderr)
        print(report.render_text(rows))
        return report.exit_status(rows)
    return 2


if __name__ == "__main__":
    sys.exit(main())
