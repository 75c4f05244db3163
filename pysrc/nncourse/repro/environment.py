"""Where the report's numbers came from: Python, NumPy and its BLAS, the locked Python
packages, each R with its BLAS and LAPACK, rpy2, the OS and Quarto."""

from __future__ import annotations

import importlib.metadata
import platform
import re
import shutil
import subprocess

import numpy as np

from ..paths import LOCK
SHOWN = ("numpy", "pandas", "matplotlib", "rpy2", "nbclient", "ipykernel", "playwright")


def this_machine() -> dict:
    """The environment block's Python side (versions, BLAS, the lock, the OS, Quarto): what
    needs no R, so the report asks for it while R starts and the studies train."""
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_blas": _numpy_blas(),
        "pandas": importlib.metadata.version("pandas"),
        "locked": locked_versions(),
        "os": platform.platform(),
        "quarto": quarto_version(),
    }


def environment(runs, machine: dict) -> dict:
    """The environment block: ``machine`` from :func:`this_machine`, and each R of ``runs``
    (the report's :class:`~nncourse.repro.engines.EngineRun`)."""
    env = dict(machine)
    env["r_engines"] = {run.name: _engine_block(run) for run in runs}
    system = env["r_engines"].get("rpy2", {"r": "not asked for (--r-engine)", "r_blas": "", "r_lapack": ""})
    rpy2 = next((run.session.rpy2_version for run in runs if run.name == "rpy2" and run.session is not None), "")
    env.update({"r": system["r"], "r_blas": system["r_blas"], "r_lapack": system["r_lapack"], "rpy2": rpy2})
    return env


def _engine_block(run) -> dict:
    if run.described:
        return run.described
    said = f"damaged: {run.damage}" if run.damage else f"not available: {run.reason}"
    label = run.session.label if run.session is not None else f"R via {run.name} (not available)"
    return {"label": label, "available": run.session is not None, "r": said, "r_blas": "", "r_lapack": ""}


def locked_versions() -> str:
    """The lock's versions of the packages the numbers depend on, and whether this machine has
    them: "numpy 2.4.6, pandas 3.1.1, ... (as locked; 79 pins in requirements.lock)" or what differs."""
    if LOCK is None:
        return "no lock file: nncourse is installed from a wheel, its packages are whatever pip resolved"
    try:
        text = LOCK.read_text(encoding="utf-8")
    except OSError:
        return f"no lock file here ({LOCK.name} is missing): the packages are whatever pip resolved"
    pins = lock_pins(text)
    shown, differs = [], []
    for name in (n for n in SHOWN if n in pins):
        shown.append(f"{name} {pins[name]}")
        try:
            here = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            here = "not installed"
        if here != pins[name]:
            differs.append(f"{name} {here} here")
    said = "as locked" if not differs else "NOT as locked: " + ", ".join(differs)
    return f"{', '.join(shown) or 'no pins'} ({said}; {len(pins)} packages for this Python in {LOCK.name})"


def lock_pins(text: str) -> dict[str, str]:
    """``name -> version`` of a hashed requirements file, for this Python and platform: a
    pin under an environment marker (``numpy==2.2.6 ; python_full_version < '3.11'``) counts
    where its marker holds (judged by ``packaging``, else such pins are left out)."""
    try:
        from packaging.markers import Marker
    except ImportError:
        Marker = None
    pins = {}
    for name, version, marker in re.findall(r"(?m)^([A-Za-z0-9_.-]+)==([^\s;\\]+)(?:\s*;\s*([^\\\n]+?))?\s*\\?$", text):
        if marker and (Marker is None or not Marker(marker).evaluate()):
            continue
        pins[name.lower().replace("_", "-")] = version
    return pins


def _numpy_blas() -> str:
    try:
        from threadpoolctl import threadpool_info

        libs = [f"{i['internal_api']} {i.get('version') or ''} ({i['filepath']})" for i in threadpool_info() if i["user_api"] == "blas"]
        if libs:
            return "; ".join(libs)
    except ImportError:
        pass
    config = np.show_config(mode="dicts") if "mode" in np.show_config.__code__.co_varnames else {}
    blas = config.get("Build Dependencies", {}).get("blas", {})
    return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()


def quarto_version() -> str:
    """What `quarto --version` says, or that the deck renders without it."""
    quarto = shutil.which("quarto")
    if quarto is None:
        return "not found (the deck renders by the built-in path)"
    return subprocess.run([quarto, "--version"], capture_output=True, text=True).stdout.strip() or quarto
