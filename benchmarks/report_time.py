"""How long ``nncourse report`` takes, by part: seeded runs, R, errata, HTML.

Run: .venv/bin/python benchmarks/report_time.py [--runs 2000]

Goals (issue "The report in seconds"): the report with 2000 runs per entry and R at
most 8 s, of which the seeded studies at most 2 s. The command itself, end to end in a
fresh process (Python and R start-up included), is timed too.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from nncourse.repro import computed as lecture
from nncourse.repro import report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=report.RUNS)
    args = parser.parse_args()
    start = time.perf_counter()
    lecture.seeded_runs(range(args.runs))
    runs = time.perf_counter() - start
    start = time.perf_counter()
    built = report.build(runs=args.runs)
    total = time.perf_counter() - start
    start = time.perf_counter()
    report.as_html(built)
    page = time.perf_counter() - start
    print(f"report with {args.runs} seeded runs: {total:.1f} s in all (goal 8 s), of which the seeded runs {runs:.2f} s (goal 2 s); HTML page {page:.1f} s more")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "nncourse.cli", "report", "--runs", str(args.runs)], capture_output=True, text=True)
    print(f"`nncourse report --runs {args.runs}` in a fresh process: {time.perf_counter() - start:.1f} s wall (exit {done.returncode})")


if __name__ == "__main__":
    main()
