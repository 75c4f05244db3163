"""How long ``nncourse report`` takes against its slowest part.

Run: .venv/bin/python benchmarks/report_time.py [--runs 2000]

The report's parts are processes of their own or could be (R 4.2 through rpy2, R 4.6 in
webR, the seeded studies in Python), so its floor is the slowest of them. Each part is
timed alone as a fresh process does it (Python's start and imports included): R started
and the report's R work done (the lecture's scripts, the R ports, R described), or the
2000 seeded runs of each study. Then the command itself, end to end in a fresh process.
Goal (issue 21): the report within 1.3x of its slowest part.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARTS = {
    "seeded studies": "from nncourse.repro import computed; computed.seeded_runs(range({runs}))",
    "R 4.2 (rpy2)": "from nncourse.algorithms import data; from nncourse.repro import engines; r = engines.run('rpy2', *data.regression_data(), print); assert r.ran, r",
    "R 4.6 (webR)": "from nncourse.algorithms import data; from nncourse.repro import engines; r = engines.run('webr', *data.regression_data(), print); assert r.ran, r",
}


def fresh(argv) -> float:
    """Wall seconds of a fresh process (it must succeed)."""
    began = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:4])}... exited {done.returncode}: {done.stderr[-2000:]}")
    return time.perf_counter() - began


def report_against_parts(runs: int = 2000) -> tuple[float, dict[str, float]]:
    """(the report's seconds, {part: seconds alone}), each the best of two, side by side in this run."""
    parts = {name: min(fresh([sys.executable, "-c", code.format(runs=runs)]) for _ in range(2)) for name, code in PARTS.items()}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.json"
        argv = [sys.executable, "-m", "nncourse.cli", "report", "--runs", str(runs), "--format", "json", "--output", str(out)]
        total = min(fresh(argv) for _ in range(2))
    return total, parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    total, parts = report_against_parts(args.runs)
    for name, seconds in parts.items():
        print(f"{name:<16} alone, in a fresh process: {seconds:5.2f} s")
    slowest = max(parts, key=parts.get)
    print(f"`nncourse report --runs {args.runs}` in a fresh process: {total:.2f} s = {total / parts[slowest]:.2f}x its slowest part ({slowest}); goal <= 1.3x")


if __name__ == "__main__":
    main()
