"""Evidence for each erratum of the ledger, measured on this machine.

Each function returns :class:`Evidence`: what was measured here, and the lines a
reader can paste into Python to see it again.
"""

from __future__ import annotations

import textwrap
import timeit
from dataclasses import dataclass

import numpy as np

from ..algorithms import data, mlp, perceptron
from . import ledger


@dataclass(frozen=True)
class Evidence:
    erratum: ledger.Erratum
    measured: list[str]
    rerun: str


def mlp_listing_cut(lecture_ledger: ledger.Ledger) -> list[str]:
    """b2 stays 0.0 when the listing runs as printed; the printed outputs need b2 = -1.44."""
    X, y = data.features(data.xor_data())
    complete = mlp.train_mlp(X, y, rng=np.random.RandomState(0))
    weights = mlp.init_weights()
    b2_printed = lecture_ledger["mlp_output_pre"].values[0]
    return [
        f"printed output pre-activation at (0, 0), where both hidden units are off: b2 = {b2_printed}",
        f"initial b2 = {weights.b2}; the listing as printed never changes it",
        f"with the output update (seeded run): b2 = {complete.b2:.8f}; sigmoid outputs {np.round(mlp.forward(complete, X), 4).tolist()}",
    ]


def sgd_draw_costs_n(sizes=(10**3, 10**4, 10**5, 10**6)) -> list[str]:
    """Time of one minibatch draw of 20 without replacement, the lecture's sampler against ours.
    The lecture's is the best of three timings up to N = 10^4; beyond, where one draw (a
    permutation of N) takes milliseconds and the report waits for it, of one."""
    lines = [f"{'N':>9}  {'np.random.choice':>17}  {'Generator.choice':>17}"]
    legacy, ours = np.random.RandomState(0), np.random.default_rng(0)
    for n in sizes:
        number = max(1, 10**5 // n)
        t_legacy = min(timeit.repeat(lambda: legacy.choice(n, size=20, replace=False), number=number, repeat=3 if n <= 10**4 else 1)) / number
        t_ours = min(timeit.repeat(lambda: ours.choice(n, size=20, replace=False), number=200, repeat=3)) / 200
        lines.append(f"{n:>9}  {t_legacy * 1e6:>14.1f} us  {t_ours * 1e6:>14.1f} us")
    return lines


def and_boundary(lecture_ledger: ledger.Ledger) -> list[str]:
    """z(1, 0) with the printed parameters, and what step makes of it."""
    params = lecture_ledger["and_perceptron_params"].values
    X, y = data.features(data.and_data())
    z = X @ params[:2] + params[2]
    return [
        f"printed params {params.tolist()}: z at (1, 0) = {params[0]} + ({params[2]}) = {z[2]}",
        f"step(z) = {perceptron.predict(params, X).tolist()} against AND = {y.tolist()}: (1, 0) misclassified",
    ]


def unseeded_draws(lecture_ledger: ledger.Ledger) -> list[str]:
    """The entries drawn from the unseeded global state."""
    return [f"{e.id} ({e.slide})" for e in lecture_ledger if e.kind == "stochastic"]


def glm_deviance_residuals(r_version) -> list[str]:
    if r_version is None:
        return ["R is not available here: cannot say whether this R prints the block"]
    applies = tuple(r_version) < (4, 3)
    return [f"R {r_version[0]}.{r_version[1]} here: {'prints' if applies else 'does not print'} the block; rule r-deviance-residuals {'applied' if applies else 'not needed'}"]


RERUN = {
    "mlp-listing-cut": """
        from nncourse import mlp, data
        X, y = data.features(data.xor_data())
        print(mlp.init_weights().b2)                    # 0.0: the listing never updates it
        print(mlp.train_mlp(X, y, rng=0).b2)            # about -1.4 with the update
    """,
    "sgd-draw-costs-n": """
        import numpy as np, timeit
        for n in (10**3, 10**6):
            print(n, timeit.timeit(lambda: np.random.choice(n, 20, replace=False), number=10))
        # or: python benchmarks/sgd_sampler.py
    """,
    "and-boundary": """
        import numpy as np
        from nncourse.algorithms.perceptron import predict
        print(predict([0.14, 0.1, -0.14], [[0, 0], [0, 1], [1, 0], [1, 1]]))   # [0. 0. 1. 1.]
    """,
    "unseeded-draws": """
        from nncourse import lecture
        print(lecture.sgd_betas(rng=1), lecture.sgd_betas(rng=2))              # differ by seed
    """,
    "glm-deviance-residuals": """
        from nncourse import rbridge
        chunks, _ = rbridge.session().run_script("lecture_xor.R")
        print([c.output for c in chunks if c.code == "summary(xor_glm_fit)"][0])
    """,
}


def collect(lecture_ledger: ledger.Ledger, r_version, *, sizes=(10**3, 10**4, 10**5, 10**6)) -> list[Evidence]:
    """Evidence for every erratum of the ledger, in its order. ``r_version`` is the R's
    (major, minor), None without R, or a function giving it when first needed (the report
    measures the other errata while R starts)."""
    measure = {
        "mlp-listing-cut": lambda: mlp_listing_cut(lecture_ledger),
        "sgd-draw-costs-n": lambda: sgd_draw_costs_n(sizes),
        "and-boundary": lambda: and_boundary(lecture_ledger),
        "unseeded-draws": lambda: unseeded_draws(lecture_ledger),
        "glm-deviance-residuals": lambda: glm_deviance_residuals(r_version() if callable(r_version) else r_version),
    }
    missing = {e.id for e in lecture_ledger.errata} - set(measure)
    if missing:
        raise KeyError(f"errata: no evidence for {sorted(missing)}")
    return [Evidence(e, measure[e.id](), textwrap.dedent(RERUN[e.id]).strip()) for e in lecture_ledger.errata]
