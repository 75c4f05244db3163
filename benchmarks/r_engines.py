"""The two R engines side by side: start-up, and the lecture's R scripts per call.

Run: .venv/bin/python benchmarks/r_engines.py

Each engine starts once per process (the figure below is that once); then the lecture's
R scripts (rsrc/lecture_and.R and lecture_xor.R, every chunk captured) and one call of an
R port (ols on the regression data) are timed, best of five, with webR's time as a ratio
of the system R's.
"""

from __future__ import annotations

import time
import timeit

from nncourse.algorithms import data
from nncourse.r import bridge as rbridge


def main() -> None:
    X, y = data.regression_data()
    results = {}
    for engine in rbridge.ENGINES:
        began = time.perf_counter()
        try:
            session = rbridge.RSession(engine=engine)
        except rbridge.RUnavailable as exc:
            print(f"{engine}: not available ({exc})")
            continue
        start = time.perf_counter() - began
        scripts = min(timeit.repeat(session.lecture_chunks, number=1, repeat=5))
        call = min(timeit.repeat(lambda: session.call("ols", X, y), number=1, repeat=5))
        results[engine] = (start, scripts, call)
        print(f"{session.label:<32} start {start:5.2f} s   lecture scripts {scripts * 1e3:7.1f} ms   call ols {call * 1e3:6.1f} ms")
        session.close()
    if len(results) == 2:
        ratios = [w / s for s, w in zip(results["rpy2"], results["webr"])]
        print(f"webR / system R:                 start {ratios[0]:5.1f}x  lecture scripts {ratios[1]:7.1f}x    call ols {ratios[2]:6.1f}x")


if __name__ == "__main__":
    main()
