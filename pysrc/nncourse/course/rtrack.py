"""The tutorial's R track: its boxes, the R checks students source, and grading a box in R.

The track (``course/week10/r/track.toml``) lists the boxes of the R tutorial page in the
tutorial's order, each with the gradebook column of its Python twin. The file students
``source()`` is :func:`checks_source`: the public cases and the lecture's data as R values,
then ``checks.R``. The grader runs a submission's boxes in a sandboxed R process of their
own, each box in a fresh fork of it, and the checks in another (:func:`grade_boxes`), with the
cases drawn from the grading key's seed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import secrets
import shutil
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..algorithms import data
from .. import paths
from . import rcases

SUBMISSION_FORMAT = "nncourse-r-tutorial"


def track_file(name: str) -> Path:
    """A file of the R track (``track.toml``, ``checks.R``) in the project's ``course/week10/r/``."""
    return paths.project().course / "r" / name


def track() -> dict:
    """The R track as ``track.toml`` writes it: title, intro and the boxes in order."""
    return _toml(track_file("track.toml"))


@cache
def _toml(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def boxes() -> list[dict]:
    """The boxes of the page, in order (exercises and quiz questions)."""
    return track()["box"]


def to_r(value) -> str:
    """``value`` (numbers, arrays, dicts, lists, strings, data frames) as R source text that
    gives it back exactly (doubles written with 17 significant digits)."""
    if isinstance(value, pd.DataFrame):
        return "data.frame(" + ", ".join(f"{name} = {to_r(value[name].to_numpy(dtype=float))}" for name in value.columns) + ")"
    if isinstance(value, dict):
        return "list(" + ", ".join(f"`{key}` = {to_r(item)}" for key, item in value.items()) + ")"
    if isinstance(value, (list, tuple)) and not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return "list(" + ", ".join(to_r(item) for item in value) + ")"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    array = np.asarray(value, dtype=float)
    numbers = ", ".join(_double(x) for x in array.ravel(order="F"))
    if array.ndim == 0:
        return numbers
    if array.ndim == 1:
        return f"c({numbers})"
    if array.ndim == 2:
        return f"matrix(c({numbers}), nrow = {array.shape[0]}, ncol = {array.shape[1]})"
    raise ValueError(f"value: expected at most 2 dimensions for R, got shape {array.shape}")


def _double(x: float) -> str:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    return repr(float(x))


def prelude() -> str:
    """The lecture's helpers and data, as R: what every box of the page sees."""
    X, y = data.regression_data()
    return "\n".join([
        "step_fn <- function(z) ifelse(z >= 0, 1, 0)  # the slides' step (`step` is taken in R: stats::step)",
        "sigmoid <- function(z) 1 / (1 + exp(-z))",
        "relu <- function(z) pmax(z, 0)",
        f"and_data <- {to_r(data.and_data())}",
        f"xor_data <- {to_r(data.xor_data())}",
        f"regression_X <- {to_r(X)}  # slide \"Example: OLS\": 100 x 2, default_rng(123)",
        f"regression_y <- {to_r(y)}",
    ])


def checks_source(cases: dict | None = None) -> str:
    """The R file of the checks with ``cases`` (the public ones unless given): what students
    ``source()``, what the page loads into webR, what the grader runs with hidden cases."""
    cases = rcases.public_cases() if cases is None else cases
    head = ("# nncourse R track: the checks of \"Working with Neural Networks\" (written by nncourse; "
            f"version {version()}).\n# source(\"checks.R\") in R, then e.g. check_exercise_1(train).\n")
    return head + f"nncourse_cases <- {to_r(cases)}\n\n{prelude()}\n\n{track_file('checks.R').read_text(encoding='utf-8')}"


def version() -> str:
    """The tutorial's version: a digest of the track and its checks (a downloaded file says
    which page it came from)."""
    digest = hashlib.sha256(track_file("track.toml").read_bytes() + b"\0" + track_file("checks.R").read_bytes()).hexdigest()
    return digest[:12]


@dataclass(frozen=True)
class BoxVerdict:
    """The verdict of one box, as the R check gave it."""

    box: str
    passed: bool
    message: str


def _node() -> str:
    found = shutil.which("node")
    if found is None:
        raise RuntimeError("node: Node.js is not installed here; install it (Debian: apt-get install nodejs) to grade with webR")
    return found


def rscript() -> str:
    """The system R's Rscript, or an error saying how to install it."""
    found = shutil.which("Rscript")
    if found is None:
        raise RuntimeError("Rscript: R is not installed here; install R (Debian: apt-get install r-base-core) to grade the R track")
    return found


ENGINES = ("rscript", "webr")  # the system R, or R 4.6 as webR in Node.js
WEBR_ENGINE = paths.RTRACK_WEBR


def grade_box(box: dict, code: str, checks: str, *, budget: float = 60.0, engine: str = "rscript", sandbox: str = "bwrap") -> BoxVerdict:
    """The verdict of one box's ``code`` under its check, with the checks' source ``checks``
    (cases included): :func:`grade_boxes` of that box alone."""
    return grade_boxes([(box, code)], checks, budget=budget, engine=engine, sandbox=sandbox)[0]


def grade_boxes(graded: list[tuple[dict, str]], checks: str, *, budget: float = 60.0, engine: str = "rscript", sandbox: str = "bwrap") -> list[BoxVerdict]:
    """The verdicts of (box, code) pairs, in order, each box's code under its check with the
    checks' source ``checks`` (cases included), each with ``budget`` seconds. With the system
    R (``engine="rscript"``, what ``nncourse grade`` uses) the code runs in a sandboxed R,
    each box in a fresh fork of it, and the checks in another R that never evaluates it
    (:mod:`.rpair`); webR in Node.js (``"webr"``) runs code and checks in one R, as the page
    does, box after box (an R that a box ended is started again for the next). ``sandbox``:
    "bwrap" (refused where bubblewrap cannot run) or "none", as ``nncourse grade --sandbox``."""
    from . import sandbox as sandboxes

    sandboxes.check_mode(sandbox)
    if engine not in ENGINES:
        raise ValueError(f"engine: expected one of {ENGINES}, got {engine!r}")
    for box, _ in graded:
        if box.get("kind") == "quiz":
            raise ValueError(f"box: {box['id']} is a quiz question, graded from the key, not by R")
    if not graded:
        return []
    if engine == "rscript":
        from . import rpair

        found = rpair.grade_all([(box["check"], code) for box, code in graded], checks, student_setup(), budget=budget, rscript=rscript(), mode=sandbox)
    else:
        found = _on_webr([(box["check"], code) for box, code in graded], checks, budget, sandbox)
    return [BoxVerdict(box["id"], passed, message) for (box, _), (passed, message) in zip(graded, found)]


WEBR_ENDED = "R ended before the check gave a verdict: did the code call q() or crash R?"


def _on_webr(calls: list[tuple[str, str]], checks: str, budget: float, sandbox: str) -> list[tuple[bool, str]]:
    """(call, code) pairs graded by ``rtrack_webr.mjs``, box after box in one webR in Node.js;
    a box that ends R (q(), a crash) gets :data:`WEBR_ENDED` and a new Node.js grades the rest."""
    found: list[tuple[bool, str]] = []
    while len(found) < len(calls):
        got, finished = _webr_run(calls[len(found):], checks, budget, sandbox)
        found += got
        if not finished and len(found) < len(calls):
            found.append((False, WEBR_ENDED if finished is None else f"R ran past {budget + 30:g} s and was stopped: is there a loop that never ends?"))
    return found


def _webr_run(calls, checks: str, budget: float, sandbox: str) -> tuple[list[tuple[bool, str]], bool | None]:
    """The verdicts one Node.js gave, in order, and whether it graded them all (None: it
    ended before, False: it ran past its time)."""
    with tempfile.TemporaryDirectory(prefix="nncourse-r-") as folder:
        folder = Path(folder)
        marker = "nncourse-verdict-" + secrets.token_hex(16)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder), "LANG": "C.UTF-8", "R_LIBS_USER": str(folder)}
        # the real paths: those are what the sandbox binds again over its private /tmp (a symlinked node_modules under /tmp is not seen)
        # --liftoff-only: R's wasm stays on V8's baseline compiler; its optimising one costs more CPU than it saves
        # here (a start and the checks of boxes 8, 6 and 5: 8 s of CPU against 13 s)
        command = [_node(), "--liftoff-only", os.path.realpath(WEBR_ENGINE), os.path.realpath(paths.node_modules() / "webr" / "dist")]
        given = json.dumps({"checks": checks, "boxes": [{"code": code, "call": call} for call, code in calls], "budget": float(budget), "marker": marker})
        if sandbox == "bwrap":
            command = sandboxed(command, folder, readable=(WEBR_ENGINE, paths.node_modules()))
        finished = None
        try:
            out = subprocess.run(command, input=given, capture_output=True, text=True, env=env, timeout=30 + (budget + 30) * len(calls), cwd=folder).stdout
        except subprocess.TimeoutExpired as stopped:
            out, finished = stopped.stdout.decode(errors="replace") if isinstance(stopped.stdout, bytes) else (stopped.stdout or ""), False
    found = []
    for line in out.splitlines():
        if line.startswith(marker + " "):
            mark, _, message = line[len(marker) + 1:].partition(" ")
            if mark == "DONE":
                finished = True
                break
            found.append((mark == "PASSED", message))
    return found, finished


def student_setup() -> str:
    """What the student's R holds before the box's code: the lecture's helpers and data, and
    each check's name as a function that does nothing (a check the student left in the box
    runs in the checker's R, after the code, not in theirs)."""
    names = sorted({box["check"].split("(")[0] for box in boxes() if box.get("kind") != "quiz"})
    return prelude() + "\n" + "\n".join(f"{name} <- function(...) invisible(NULL)" for name in names)


def sandboxed(command: list[str], folder: Path, readable=()) -> list[str]:
    """``command`` inside bubblewrap (read-only root, a private /tmp with ``folder`` writable in
    it, no network, own PID namespace). The ``readable`` paths are bound again over the
    private /tmp (read-only, as their real files), so that a project or a virtual
    environment that lives under /tmp is still seen."""
    bwrap = shutil.which("bwrap")
    rebound = [arg for path in readable for real in [os.path.realpath(path)] for arg in ("--ro-bind", real, real)]
    return [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", *rebound,
            "--bind", str(folder), str(folder), "--unshare-all", "--die-with-parent", "--new-session", "--", *command]


def read_work(path) -> dict:
    """A file from the page's "Download my work", checked: its boxes by id."""
    import json

    path = Path(path)
    try:
        work = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: expected the JSON file the R tutorial's \"Download my work\" writes, could not read it ({exc})") from None
    if not isinstance(work, dict) or work.get("format") != SUBMISSION_FORMAT or not isinstance(work.get("boxes"), dict):
        raise ValueError(f"{path}: expected a file with \"format\": \"{SUBMISSION_FORMAT}\" and its boxes, got something else")
    return work


def grade_work(path, checks: str, quiz: dict[str, str], *, budget: float = 60.0, engine: str = "rscript", sandbox: str = "bwrap") -> dict[str, BoxVerdict]:
    """Grade a downloaded R tutorial file: its exercise boxes in R with ``checks`` (hidden
    cases from the key; one R for the file's code, each box in a fresh fork of it, see
    :func:`grade_boxes`), each question against the key's ``quiz`` answers; by gradebook column."""
    work = read_work(path)
    verdicts, exercises = {}, []
    for box in boxes():
        given = work["boxes"].get(box["id"]) or {}
        if box.get("kind") == "quiz":
            answer = str(given.get("answer") or "").strip().lower()
            right = quiz.get(box["question"])
            verdicts[box["column"]] = BoxVerdict(box["id"], answer == right, "right" if answer == right else f"answer {answer or 'missing'}")
        else:
            exercises.append((box, given.get("code") if isinstance(given.get("code"), str) else box.get("starter", "")))
            verdicts[box["column"]] = None  # the track's order
    for (box, _), verdict in zip(exercises, grade_boxes(exercises, checks, budget=budget, engine=engine, sandbox=sandbox)):
        verdicts[box["column"]] = verdict
    return verdicts


def grade_with_key(path, key, *, budget: float = 60.0, engine: str = "rscript", sandbox: str = "bwrap") -> dict[str, BoxVerdict]:
    """A downloaded R tutorial file graded with a grading key (``key.seeds``: a seed per
    gradebook column for the hidden cases; ``key.quiz``: question -> (answer, why))."""
    checks = checks_source(rcases.hidden_cases(dict(key.seeds)))
    quiz = {question: (given[0] if isinstance(given, (tuple, list)) else given) for question, given in key.quiz.items()}
    return grade_work(path, checks, quiz, budget=budget, engine=engine, sandbox=sandbox)
