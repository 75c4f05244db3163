"""Every goal of issue 21 beside what this machine measures, in one run: python benchmarks/all.py

Each goal is a ratio measured side by side in this run (never a fixed number of seconds,
which would say more about the machine than about the code), except the suite's time,
whose goal is the issue's 5 minutes on 2 cores. The table's last column says whether the
goal is met here; run it on a quiet machine (other work on the cores moves every ratio).
The other files of this folder go into each part's detail (run them alone).

  --no-suite   leave out the test suite's time (it takes minutes)
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import grading as grading_benchmark  # noqa: E402
import report_time  # noqa: E402
import sgd_sampler  # noqa: E402
import studies  # noqa: E402

ROWS = []


def goal(name: str, measured: str, ratio: float, limit: float) -> None:
    verdict = "met" if 0 < ratio <= limit else "NOT met" if ratio > limit else "not measured (a negative time: noise)"
    ROWS.append((name, measured, f"{ratio:.2f}x", f"<= {limit:g}x", verdict))
    print(f"  {name}: {measured} -> {ratio:.2f}x (goal <= {limit:g}x)", flush=True)


def sgd() -> None:
    r = sgd_sampler.call_ratios()
    goal("SGD whole call after its one read of the data, N = 10^7 vs 10^3 (1000 epochs)",
         f"{r['call large'] - r['read large']:.3f} s vs {r['call small'] - r['read small']:.3f} s", r["call"], 3)
    print(f"    the one read of the data (the input checks): {r['read large'] * 1e3:.1f} ms at N = 10^7, {r['read small'] * 1e3:.2f} ms at 10^3;"
          f" the whole calls with it: {r['call large']:.3f} s vs {r['call small']:.3f} s ({r['call with read']:.2f}x)", flush=True)
    goal("SGD one step, N = 10^7 vs 10^3", f"{r['step large'] * 1e6:.1f} us vs {r['step small'] * 1e6:.1f} us", r["step"], 1.5)


def seeded_studies() -> None:
    for name, (seconds, floor) in studies.floor_ratios(2000).items():
        goal(f"{name} study, 2000 seeded runs, vs its floor", f"{seconds:.2f} s vs {floor:.2f} s", seconds / floor, 2)
        if name == "SGD":  # what drawing bit-identical batches cannot do without, whatever the code
            doubles = studies.doubles_seconds(2000)
            print(f"    of it, seeding 2000 generators and drawing their 40M doubles alone: {doubles:.2f} s ({doubles / floor:.2f}x the floor)", flush=True)
            training, drawing, floor_cpu, waits = studies.thread_seconds(2000)
            print(
                f"    CPU of its training thread {training:.2f} s (with its share of the drawing), of its drawing thread {drawing:.2f} s,"
                f" of the floor {floor_cpu:.2f} s; the training waited {waits:.3f} s for row numbers: with a core free for each,"
                f" {(training + waits) / floor_cpu:.2f}x the floor; on one core, {(training + drawing) / floor_cpu:.2f}x",
                flush=True,
            )


def report() -> None:
    total, parts = report_time.report_against_parts(2000)
    slowest = max(parts, key=parts.get)
    shown = ", ".join(f"{k} {v:.2f} s" for k, v in parts.items())
    goal("nncourse report vs its slowest part", f"{total:.2f} s vs {slowest} {parts[slowest]:.2f} s ({shown})", total / parts[slowest], 1.3)


def grading() -> None:
    """Grading per submission (``--jobs 2``) against one plain run of the solutions notebook,
    and the class of 300 it gives against issue 18's 10 minutes (benchmarks/grading.py)."""
    per, one, limit = grading_benchmark.per_submission()
    goal("grading per submission (--jobs 2) vs one solutions run", f"{per:.2f} s vs {one:.2f} s", per / one, limit)
    goal("a class of 300 graded with --jobs 2 vs 10 min", f"{300 * per / 60:.1f} min", 300 * per / 600, 1)


def suite() -> None:
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=HERE.parent, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    goal("the test suite (2 cores)", f"{seconds:.0f} s, {last}", seconds / 300, 1)


def main() -> None:
    parts = [sgd, seeded_studies, report, grading] + ([] if "--no-suite" in sys.argv else [suite])
    for part in parts:
        print(f"== {part.__name__}", flush=True)
        part()
    widths = [max(len(row[i]) for row in ROWS + [HEAD]) for i in range(5)]
    print()
    for row in [HEAD, tuple("-" * w for w in widths), *ROWS]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))


HEAD = ("goal", "measured", "ratio", "goal", "")

if __name__ == "__main__":
    main()
