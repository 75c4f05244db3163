"""What is installed for each R engine, checked before a worker starts: the system R and
the rpy2 that fits it, or Node.js and the npm package webR. Each check gives the worker's
command line, or :class:`RUnavailable` naming what is missing and how to install it."""

from __future__ import annotations

import functools
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys

from ..paths import RSRC, WEBR_WORKER, node_modules, setup_hint
from ..workers import forkable
from .errors import SETUP_HINT, RUnavailable

RPY2_WORKER = "nncourse.r.rpy2_worker"
forkable(RPY2_WORKER, unless_loaded=("rpy2",))  # a fork of a process that embeds R would share its R
R_LD_ENV = "NNCOURSE_R_LD_LIBRARY_PATH"  # R's own LD_LIBRARY_PATH, found once by a parent (r_environment)
WEBR_VERSION = "0.6.0"  # pinned in package.json; R 4.6.0 inside
NODE_MODULES = node_modules()  # where webR is looked for: the project's, the checkout's or the user's (nncourse.paths)


def r_version() -> tuple[int, int]:
    """The installed R's (major, minor), as its front end ``Rscript --version`` says it (R's
    own version, built with it; R itself is not started, nor embedded yet)."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        raise RUnavailable(
            "R is not installed (no Rscript on PATH). Install R >= 4.2 with its headers "
            f"(Debian: apt-get install r-base-core r-base-dev); {SETUP_HINT}."
        )
    done = subprocess.run([rscript, "--version"], capture_output=True, text=True, timeout=60)
    found = re.search(r"version (\d+)\.(\d+)", done.stdout + done.stderr)
    if done.returncode != 0 or found is None:
        said = (done.stderr + done.stdout).strip()[-500:]
        raise RUnavailable(f"R's front end does not say its version ({rscript} --version exited with status {done.returncode}): {said}. Check R_HOME and the R installation; {SETUP_HINT}.")
    return int(found.group(1)), int(found.group(2))


def rpy2_fits(rpy2_version: str, r: tuple[int, int]) -> str | None:
    """Why this rpy2 cannot work with R ``r``, or None when it fits.

    rpy2 3.6 calls ``R_getVar``, which R exports from 4.5 on: on older R it fails
    to import with "undefined symbol: R_getVar". rpy2 3.5.17 works with R 4.2-4.4.
    """
    major_minor = tuple(int(p) for p in re.findall(r"\d+", rpy2_version)[:2])
    if major_minor >= (3, 6) and r < (4, 5):
        return (
            f"rpy2 {rpy2_version} needs R >= 4.5 but R {r[0]}.{r[1]} is installed "
            f"(its import fails with 'undefined symbol: R_getVar'). "
            f"Install the rpy2 for this R: pip install 'rpy2==3.5.17'; {SETUP_HINT}."
        )
    return None


def rpy2_worker() -> tuple[list[str], dict, str]:
    """(argv, env, label) of the system R's worker (:mod:`nncourse.r.rpy2_worker`)."""
    version = r_version()
    try:
        rpy2_version = importlib.metadata.version("rpy2")
    except importlib.metadata.PackageNotFoundError:
        raise RUnavailable(
            f"rpy2 is not installed. For R {version[0]}.{version[1]}: pip install "
            f"'{'rpy2>=3.6,<3.7' if version >= (4, 5) else 'rpy2==3.5.17'}'; {SETUP_HINT}."
        ) from None
    mismatch = rpy2_fits(rpy2_version, version)
    if mismatch:
        raise RUnavailable(mismatch)
    return [sys.executable, "-m", RPY2_WORKER], {**os.environ, **r_environment(os.environ)}, f"rpy2 {rpy2_version}"


def r_environment(env) -> dict[str, str]:
    """What rpy2 asks R at every start of an R worker in the environment ``env``: ``R_HOME``
    (``R RHOME``, when ``env`` has none) and the library path R's front end sets
    (:data:`R_LD_ENV`: rpy2 starts a whole R to ask it, a third of a worker's start). Given
    in the worker's environment, the worker starts without asking
    (:func:`nncourse.r.rpy2_worker.take_r_environment`). Found once per process for each
    ``env`` (all the grader's sandboxes share one); ``{}`` where R is not installed."""
    if env.get("R_HOME") and R_LD_ENV in env:
        return {"R_HOME": env["R_HOME"], R_LD_ENV: env[R_LD_ENV]}
    return dict(_probe_r(tuple(sorted((k, v) for k, v in env.items() if k != R_LD_ENV))))


@functools.lru_cache(maxsize=8)
def _probe_r(env: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """(R_HOME, R's LD_LIBRARY_PATH) as rpy2 finds them at import (rpy2.situation's ``R RHOME``
    and ``Rscript -e 'cat(Sys.getenv("LD_LIBRARY_PATH"))'``: R adds its own folders to the
    inherited path), in the environment ``env``. ``--vanilla``: no user's or site's profile
    runs here, outside any sandbox (the sandbox's HOME is /tmp; this machine's /tmp is anyone's);
    the worker's R reads its Renviron files itself as it starts."""
    env = dict(env)
    try:
        r_home = env.get("R_HOME") or subprocess.run(["R", "RHOME"], capture_output=True, text=True, env=env, timeout=60).stdout.strip()
        if not r_home:
            return ()
        done = subprocess.run([os.path.join(r_home, "bin", "Rscript"), "--vanilla", "-e", 'cat(Sys.getenv("LD_LIBRARY_PATH"))'],
                              capture_output=True, text=True, env={**env, "R_HOME": r_home}, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ()  # no R here: the worker's start says so, as it would without this
    return (("R_HOME", r_home),) + (((R_LD_ENV, done.stdout),) if done.returncode == 0 else ())


def webr_worker() -> tuple[list[str], None, str]:
    """(argv, env, label) of the webR worker (``webr_worker.mjs`` in Node.js)."""
    node = shutil.which("node")
    if node is None:
        raise RUnavailable(f"webr: Node.js is not installed (no node on PATH). Debian: apt-get install nodejs npm; {SETUP_HINT}.")
    dist = NODE_MODULES / "webr" / "dist"
    try:
        found = json.loads((NODE_MODULES / "webr" / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        found = None
    if found is None or not (dist / "webr.mjs").is_file():
        raise RUnavailable(f"webr: the npm package webr is not installed in {NODE_MODULES}: {setup_hint('npm', NODE_MODULES)}.")
    if found != WEBR_VERSION:
        raise RUnavailable(f"webr: expected the npm package webr {WEBR_VERSION} (R 4.6.0), found {found}: {setup_hint('npm', NODE_MODULES)}.")
    # V8's baseline compiler only (--liftoff-only): its optimising tier spends more compiling R's
    # interpreter than it wins back on a lecture's R (a start, then a 3e6-step loop and 200 glm
    # fits: a third less CPU, and no slower)
    return [node, "--liftoff-only", str(WEBR_WORKER), str(dist), str(RSRC)], None, f"webR {found}"
