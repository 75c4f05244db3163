"""One gradient-descent epoch at large N against its floor, one ``X.T @ (y - X @ b)``.

Run: .venv/bin/python benchmarks/gd_epoch.py [--n 10000000]

An epoch of slide "Regression with Gradient Descent" is one pass over the data; no
implementation can beat the matrix products it needs. The ratio, measured in this run,
says how much our ``linear.mse_gradient`` step costs over that floor.
"""

from __future__ import annotations

import argparse
import timeit

import numpy as np

from nncourse.algorithms.linear import mse_gradient


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**7, help="rows (default 10**7, about 240 MB)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.n, 2))
    y = X @ np.array([1.5, -2.0]) + rng.normal(size=args.n)
    b = np.zeros(2)
    floor = min(timeit.repeat(lambda: X.T @ (y - X @ b), number=3, repeat=5)) / 3
    epoch = min(timeit.repeat(lambda: b - 0.01 * mse_gradient(X, y, b), number=3, repeat=5)) / 3
    print(f"N = {args.n:,}: floor X.T @ (y - X @ b) {floor * 1e3:.1f} ms, one epoch {epoch * 1e3:.1f} ms, ratio {epoch / floor:.2f}")


if __name__ == "__main__":
    main()
