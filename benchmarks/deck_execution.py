"""How long executing the whole deck takes, R included (goal: under 15 s on the course machines).

Run: .venv/bin/python benchmarks/deck_execution.py [--repeat 3]

Times ``nncourse.deck.execute.execute`` (a fresh Jupyter kernel, every chunk, R through rpy2)
and the full built-in render (plus Pandoc and reveal.js), each best of --repeat runs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from nncourse.deck import render
from nncourse.deck.execute import execute

GOAL = 15.0


def best_of(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    executed = best_of(args.repeat, execute)
    with tempfile.TemporaryDirectory() as out:
        full = best_of(args.repeat, lambda: render.render("revealjs", Path(out), use_quarto=False))
    print(f"execute the deck (kernel + R): {executed:6.2f} s   goal {GOAL:.0f} s: {'met' if executed < GOAL else 'NOT met'} ({executed / GOAL:.2f} of it)")
    print(f"full built-in render:          {full:6.2f} s   (Pandoc and embedding add {full - executed:.2f} s)")


if __name__ == "__main__":
    main()
