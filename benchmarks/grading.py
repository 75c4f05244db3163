"""How long ``nncourse grade`` takes per submission, and a class of 300 extrapolated.

Run: .venv/bin/python benchmarks/grading.py [--submissions 6] [--jobs 2]

Goal (issue 18, "Scale"): a class of 300 typical submissions graded in under 10 minutes
with ``--jobs 2`` on a machine of 2 cores. A typical submission is the solutions notebook
(the tutorial's own work: R's lm, the SGD runs, the figure) in one sandboxed run, then
one fresh sandboxed process per recorded answer. This grades ``--submissions`` copies
(each a different file, so the cache does not answer) and reports the measured wall time
per submission and the figure for 300, with the machine's load beside it (the machine
is shared: a loaded one is slower, and the figure says under which load it was taken).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nncourse import paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    import nbformat

    from nncourse.course import key as keys
    from nncourse.deck.document import to_notebook

    solutions = (paths.ROOT or Path.cwd()) / "lecturer" / "week10" / "solutions.qmd"
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        keys.new(folder / "key.toml")
        notebook = to_notebook(solutions)
        for number in range(args.submissions):
            notebook.cells[0].source = f"# student {number}\n" + notebook.cells[0].source.split("\n", 1)[-1]
            (folder / f"s{number:03d}").mkdir()
            nbformat.write(notebook, str(folder / f"s{number:03d}" / "tutorial.ipynb"))
        load = os.getloadavg()[0]
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "nncourse.cli", "grade", *map(str, sorted(folder.glob("s*/tutorial.ipynb"))),
                               "--key", str(folder / "key.toml"), "--csv", str(folder / "grades.csv"), "--jobs", str(args.jobs)],
                              capture_output=True, text=True, cwd=folder)
        wall = time.perf_counter() - began
        totals = [line.rsplit(",", 2)[-2] for line in (folder / "grades.csv").read_text().splitlines()[1:]] if done.returncode == 0 else done.stderr[-500:]
    per = wall / args.submissions
    print(f"{args.submissions} solutions notebooks with --jobs {args.jobs}: {wall:.0f} s wall, {per:.1f} s per submission "
          f"(load average {load:.1f} on {os.cpu_count()} cores at the start); totals {totals}")
    print(f"a class of 300: {300 * per / 60:.1f} min extrapolated (goal: under 10 min on a quiet machine of 2 cores)")


if __name__ == "__main__":
    main()
