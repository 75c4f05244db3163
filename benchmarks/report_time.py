"""How long ``nncourse report`` takes, by part: seeded runs, R, errata, HTML.

Run: .venv/bin/python benchmarks/report_time.py [--runs 200]
"""

from __future__ import annotations

import argparse
import time

from nncourse import lecture, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
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
    print(f"report with {args.runs} seeded runs: {total:.1f} s in all, of which the seeded runs {runs:.1f} s ({runs / total:.0%}); HTML page {page:.1f} s more")


if __name__ == "__main__":
    main()
