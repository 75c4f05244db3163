"""How long ``nncourse grade`` takes per submission, and a class of 300 extrapolated.

Run: .venv/bin/python benchmarks/grading.py [--submissions 6] [--jobs 2]

Goal (issue 18, "Scale"): a class of 300 typical submissions graded in under 10 minutes
with ``--jobs 2`` on a machine of 2 cores, i.e. 2 s of wall time per submission. A typical
submission is the solutions notebook (the tutorial's own work: R's lm, the SGD runs, the
figure) in one sandboxed run, then one fresh process of the same sandbox per recorded
answer. This grades ``--submissions`` copies (each with a comment of its own in its code, so
that neither the cache nor a copy's grading answers) and reports the measured wall time per
submission and the figure for 300, with the machine's load beside it (the machine is
shared: a loaded one is slower, and the figure says under which load it was taken), and
the CPU time per submission, counted with
every process the grading starts (a cgroup v1 ``cpuacct`` group, where one can be made:
the sandboxes' processes live in PID namespaces of their own, which ``getrusage`` misses),
with the class of 300 it gives on 2 idle cores; and, from one submission graded alone, what
of it is the grader's start (paid once per class) and what each further submission costs.

Beside it, one plain run of the same notebook (its cells in one Python, the checks live,
as a student runs it): :func:`per_submission` gives both, for ``benchmarks/all.py``. Two
submissions graded side by side on 2 cores, grading costs no more than a plain run of the
notebook when the ratio is at most 0.5 (the goal); the 10 minutes for 300 depend on what
the notebook itself costs (its SGD runs and R's start-up are the student's work).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nncourse import paths

SOLUTIONS = (paths.ROOT or Path.cwd()) / "lecturer" / "week10" / "solutions.qmd"
GOAL = 0.5  # grading per submission (two side by side on 2 cores) against one plain run
PLAIN = """import sys, matplotlib
matplotlib.use("Agg")
from nncourse.course.grade import cells_of
namespace = {"__name__": "__main__"}
for cell in cells_of(__import__("pathlib").Path(sys.argv[1])):
    exec(compile(cell, "<cell>", "exec"), namespace)
"""


def plain_run() -> float:
    """Seconds of one run of the solutions notebook in one Python, its checks live."""
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", PLAIN, str(SOLUTIONS)], check=True, capture_output=True, cwd=folder)
        return time.perf_counter() - began


@contextlib.contextmanager
def cpu_counted():
    """A function giving the CPU seconds this process and every process it starts from here on
    have used (a cgroup v1 cpuacct group this process is moved into), or None where no group
    can be made (not root, no cgroup v1)."""
    group = Path(f"/sys/fs/cgroup/cpuacct/nncourse-grading-{os.getpid()}")
    try:
        group.mkdir()
        (group / "tasks").write_text(str(os.getpid()))
    except OSError:
        yield None
        return
    try:
        yield lambda: int((group / "cpuacct.usage").read_text()) / 1e9
    finally:
        (group.parent / "tasks").write_text(str(os.getpid()))
        with contextlib.suppress(OSError):
            group.rmdir()


def graded(submissions: int, jobs: int) -> tuple[float, float, list, float | None]:
    """(wall seconds, load average at the start, the totals, CPU seconds or None) of grading
    ``submissions`` copies."""
    import nbformat

    from nncourse.course import key as keys
    from nncourse.deck.document import to_notebook

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        keys.new(folder / "key.toml")
        notebook = to_notebook(SOLUTIONS)
        first = next(c for c in notebook.cells if c.cell_type == "code")
        code = first.source
        for number in range(submissions):
            first.source = f"# student {number}\n{code}"  # code of its own: graded, not given a copy's marks
            (folder / f"s{number:03d}").mkdir()
            nbformat.write(notebook, str(folder / f"s{number:03d}" / "tutorial.ipynb"))
        load = os.getloadavg()[0]
        with cpu_counted() as cpu:
            began, cpu_began = time.perf_counter(), cpu and cpu()
            done = subprocess.run([sys.executable, "-m", "nncourse.cli", "grade", *map(str, sorted(folder.glob("s*/tutorial.ipynb"))),
                                   "--key", str(folder / "key.toml"), "--csv", str(folder / "grades.csv"), "--jobs", str(jobs)],
                                  capture_output=True, text=True, cwd=folder)
            wall, used = time.perf_counter() - began, cpu and cpu() - cpu_began
        totals = [line.rsplit(",", 2)[-2] for line in (folder / "grades.csv").read_text().splitlines()[1:]] if done.returncode == 0 else done.stderr[-500:]
    return wall, load, totals, used


def per_submission(submissions: int = 4, jobs: int = 2) -> tuple[float, float, float]:
    """(seconds of grading per submission with ``jobs`` side by side, seconds of one plain
    run of the notebook, the goal for their ratio), as ``benchmarks/all.py`` reads them."""
    wall, _, _, _ = graded(submissions, jobs)
    return wall / submissions, plain_run(), GOAL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    wall, load, totals, cpu = graded(args.submissions, args.jobs)
    per = wall / args.submissions
    one = plain_run()
    print(f"{args.submissions} solutions notebooks with --jobs {args.jobs}: {wall:.0f} s wall, {per:.1f} s per submission "
          f"(load average {load:.1f} on {os.cpu_count()} cores at the start); totals {totals}")
    print(f"a class of 300: {300 * per / 60:.1f} min extrapolated (goal: under 10 min on a quiet machine of 2 cores)")
    if cpu is not None:
        print(f"CPU: {cpu / args.submissions:.2f} s per submission, every process counted (the grader's start included); "
              f"a class of 300 on 2 idle cores: {300 * cpu / args.submissions / 2 / 60:.1f} min")
    if cpu is not None and args.submissions > 1:
        _, _, _, alone = graded(1, 1)
        each = (cpu - alone) / (args.submissions - 1)
        print(f"CPU: {alone:.2f} s to grade one submission alone, so {alone - each:.2f} s of the grader's start (once per class: its "
              f"imports, the font list, R's paths) and {each:.2f} s per further submission; a class of 300 on 2 idle cores: "
              f"{(alone + 299 * each) / 2 / 60:.1f} min")
    print(f"one plain run of the notebook (cells in one Python, checks live): {one:.1f} s; grading per submission against it: "
          f"{per / one:.2f}x (goal <= {GOAL:g}x with --jobs 2 on 2 cores: no more than one plain run's work per submission)")


if __name__ == "__main__":
    main()
