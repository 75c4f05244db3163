"""What R prints comes back in time linear in its size: seconds per line at 10^4, 10^5, 10^6 lines.

Run: .venv/bin/python benchmarks/r_output.py

The bridge used to capture with a textConnection, which copies what it holds on every
append: 10k / 20k / 40k lines took 0.7 / 2.6 / 10.7 s. rsrc/evaluate.R now sinks to a
file. Printed here: the time per line at each size, and its ratio to the smallest size
(about 1 when the capture is linear).
"""

from __future__ import annotations

import time

from nncourse.r import bridge as rbridge


def main() -> None:
    r = rbridge.session()
    r.evaluate("1")  # R started
    base = None
    for lines in (10**4, 10**5, 10**6):
        began = time.perf_counter()
        (chunk,) = r.evaluate(f"cat(paste0('line ', seq_len({lines})), sep = '\\n')", timeout=600)
        seconds = time.perf_counter() - began
        per_line = seconds / lines
        base = base or per_line
        print(f"{lines:>9,} lines: {seconds:6.2f} s, {per_line * 1e6:6.2f} us per line, ratio to 10^4: {per_line / base:.2f}")
    print("R start-up, paid once per process:", end=" ")
    began = time.perf_counter()
    rbridge.RSession().close()
    print(f"{time.perf_counter() - began:.2f} s")


if __name__ == "__main__":
    main()
