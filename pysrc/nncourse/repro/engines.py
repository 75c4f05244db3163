"""The report's R side: each R engine started, the lecture's R scripts and the R ports run,
and the R described, all in one thread per engine, so that the engines start while the
seeded studies train (R runs in processes of its own; this thread only waits for them).

An engine that is not installed is "not here" (a reason, not a failure); an engine that is
here but cannot load or run the project's R files (``rsrc/``) is damage, which the report
names and which fails its gate.
"""

from __future__ import annotations

import concurrent.futures
import re
from dataclasses import dataclass, field

import numpy as np

from ..paths import RSRC

# What the report needs of rsrc/: the bridge's own R, the R ports, and the lecture's scripts.
R_FILES = ("evaluate.R", "exchange.R", "algorithms.R", "lecture_and.R", "lecture_xor.R")


@dataclass
class EngineRun:
    """One R engine's part of the report: what it printed and computed, or why it did not."""

    name: str  # "rpy2" (the system R) or "webr" (R 4.6 in webR)
    session: object | None = None
    reason: str = ""  # why this R is not here (not installed)
    damage: str = ""  # what of the project's R is broken, where this R is here
    printed: dict[str, str] = field(default_factory=dict)  # chunk code -> what R printed
    ports: dict[str, np.ndarray] = field(default_factory=dict)  # ledger id -> the R port's value
    described: dict = field(default_factory=dict)  # R's version, BLAS and LAPACK

    @property
    def ran(self) -> bool:
        return self.session is not None and not self.damage

    @property
    def version(self):
        return self.session.version if self.session is not None else None

    @property
    def head(self) -> str:
        """A column title naming the R: "R 4.2.2 (rpy2)", "R 4.6.0 (webR)"."""
        if self.session is None:
            return f"R via {self.name}: {'DAMAGED' if self.damage else 'not here'}"
        return f"{self.session.label.split(' via ')[0]} ({'webR' if self.name == 'webr' else self.name})"


def start_all(names, X, y, progress) -> dict[str, concurrent.futures.Future]:
    """Start every engine's work in a thread of its own; the futures give :class:`EngineRun`."""
    return {name: _STARTERS.submit(run, name, X, y, progress) for name in names}


# The threads that start the engines live as long as the process: an R worker asks Linux to
# kill it when the thread that started it ends (PR_SET_PDEATHSIG goes by thread), and its
# session is kept for the process, so a pool shut down after each report took the R of the
# next report in the same process down with it.
_STARTERS = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="report-R")  # one per engine: rpy2, webR


def run(name: str, X, y, progress) -> EngineRun:
    """Everything the report asks of one R, in one go."""
    from ..r import bridge

    missing = [f for f in R_FILES if not (RSRC / f).is_file()]
    if missing:
        return EngineRun(name, damage=f"the project's R files are missing: {', '.join(f'rsrc/{f}' for f in missing)}")
    try:
        session = bridge.session(name)
    except bridge.RUnavailable as exc:
        return _not_started(name, str(exc))
    progress(f"{session.label}: the lecture's scripts")
    done = EngineRun(name, session)
    try:
        for script in bridge.LECTURE_SCRIPTS:
            try:
                chunks = session.run_script(script)[0]
            except (bridge.RError, FileNotFoundError) as exc:
                done.damage = f"rsrc/{script} does not run in {session.label}: {exc}"
                return done
            done.printed.update({chunk.code: chunk.output for chunk in chunks})
        done.ports = {"ols_betas": np.asarray(session.call("ols", X, y)), "gd_betas": np.asarray(session.call("gradient_descent", X, y))}
        done.described = describe(session)
    except bridge.RError as exc:
        done.damage = f"rsrc/algorithms.R does not run in {session.label}: {exc}"
    return done


def _not_started(name: str, said: str) -> EngineRun:
    """An engine that did not start: not installed, or too slow or broken to start (a reason),
    or installed and answering that the project's R does not load (damage: R's own error,
    "Error in ..." or "Error: ...", from sourcing ``rsrc/``). The engine's check of what is
    installed tells the first apart."""
    from ..r import bridge, engines

    probe = engines.engine(name)
    try:
        probe.start()
    except bridge.RUnavailable:
        return EngineRun(name, reason=said)
    if not re.search(r"\bError( in |: )", said):
        return EngineRun(name, reason=said)
    said = re.sub(rf"[;.]? {re.escape(bridge.SETUP_HINT)}\.$", "", said).rstrip(".")
    return EngineRun(name, damage=f"R is installed for {name}, but the project's R files (rsrc/) do not load: {said}")


def describe(session) -> dict:
    """The R's version string, BLAS and LAPACK, as the R itself reports them."""
    (chunk,) = session.evaluate('cat(R.version.string, extSoftVersion()[["BLAS"]], La_library(), La_version(), sep = "\\n")')
    r_string, blas, lapack, la_version = (chunk.output.splitlines() + ["", "", "", ""])[:4]
    return {"label": session.label, "available": True, "r": r_string, "r_blas": blas, "r_lapack": f"{lapack} ({la_version})"}
