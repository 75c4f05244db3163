"""Where nncourse finds its files: the one place that computes them.

- The package's own files sit inside it: the modules' assets beside them, and
  :data:`BUNDLED`, its copy of the Week 10 project (the slides, the tutorial, the ledger
  of what the lecture printed, the R scripts and the npm manifest; never the solutions).
  In a source checkout ``nncourse/week10/*`` are links to the checkout's own folders;
  in a wheel they are copies.
- The project a command works on (:func:`project`): ``--project DIR``, else the folder
  around the current one that holds :data:`MARKER` (found upward, as Quarto finds
  ``_quarto.yml``), else the bundled copy, which is read and never written: what is made
  from it goes under the current folder.
- ``node_modules`` (reveal.js, MathJax, webR; :func:`node_modules`): in the project, else
  in the checkout the package runs from, else in :data:`NPM_HOME`.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

MARKER = "nncourse.toml"  # the file that makes a folder an nncourse project
PACKAGE = Path(__file__).resolve().parent
ASSETS = PACKAGE / "deck" / "assets"  # the deck's browser and Node.js scripts and styles
REPORT_SCHEMA = PACKAGE / "repro" / "report.schema.json"
WEBR_WORKER = PACKAGE / "r" / "webr_worker.mjs"
SITE_ASSETS = PACKAGE / "site" / "assets"  # the browser tutorial's scripts and styles
RTRACK_WEBR = PACKAGE / "course" / "rtrack_webr.mjs"  # the R track's checks in webR
RTRACK_STUDENT = PACKAGE / "course" / "rtrack_student.R"  # a graded R box: the student's R
RTRACK_CHECKER = PACKAGE / "course" / "rtrack_checker.R"  # a graded R box: the checker's R
BUNDLED = PACKAGE / "week10"  # not resolved: in a checkout its folders are links out of the package
RSRC = BUNDLED / "rsrc"  # the R side of the algorithms and the lecture's R scripts
LEDGER = BUNDLED / "course" / "week10" / "lecture-outputs.toml"
# The source checkout the package runs from (pysrc/nncourse -> the repository), if it does.
ROOT = PACKAGE.parents[1] if (PACKAGE.parents[1] / MARKER).is_file() and PACKAGE.parent.name == "pysrc" else None
# The set-up's Python packages, pinned with hashes (scripts/run.sh): a checkout's; a wheel has none.
LOCK = ROOT / "requirements.lock" if ROOT else None
# Where an installed nncourse (no project, no checkout) looks for node_modules: documented in the README.
NPM_HOME = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nncourse"
DECK = "week10-neural-networks.qmd"


@dataclass(frozen=True)
class Project:
    """A Week 10 project: ``slides/`` (the deck) and ``course/week10/`` (the tutorial)."""

    root: Path
    bundled: bool = False  # the package's own copy: read, never written

    @property
    def deck(self) -> Path:
        return self.root / "slides" / DECK

    @property
    def course(self) -> Path:
        return self.root / "course" / "week10"

    @property
    def tutorial(self) -> Path:
        return self.course / "tutorial.qmd"


WEEK10 = Project(BUNDLED, bundled=True)  # the package's own copy
_chosen: list[Project] = []  # the --project of the command running (see working_on)


def find_project(start: Path | None = None) -> Project:
    """The project around ``start`` (the current folder by default): the nearest folder,
    ``start`` or above it, holding :data:`MARKER`; else the package's bundled copy."""
    here = Path(os.path.abspath(start or Path.cwd()))
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return Project(folder)
    return WEEK10


def as_project(folder, name: str = "project") -> Project:
    """``folder`` as a project (it must hold :data:`MARKER`), or ValueError naming ``name``."""
    root = Path(os.path.abspath(Path(folder).expanduser()))
    if not (root / MARKER).is_file():
        raise ValueError(f"{name}: expected a folder holding {MARKER} (an nncourse project, such as a copy of the course), got {folder}")
    return Project(root)


def project() -> Project:
    """The project the running command works on: its ``--project``, else :func:`find_project`."""
    return _chosen[-1] if _chosen else find_project()


@contextlib.contextmanager
def working_on(chosen: Project | None):
    """While the block runs, :func:`project` is ``chosen`` (None: found from the current folder)."""
    _chosen.append(chosen or find_project())
    try:
        yield _chosen[-1]
    finally:
        _chosen.pop()


def output_folder(document: Path) -> Path:
    """Where a render of ``document`` goes by default: ``_output`` beside it (Quarto's place),
    or in the current folder when it is the package's bundled copy (never into the package)."""
    document = Path(os.path.abspath(document))
    return Path.cwd() / "_output" if document.is_relative_to(BUNDLED) else document.parent / "_output"


def is_bundled(path: Path) -> bool:
    """Whether ``path`` lies in the package's bundled copy of the project (read only)."""
    return Path(os.path.abspath(path)).is_relative_to(BUNDLED)


def node_modules() -> Path:
    """The ``node_modules`` holding reveal.js, MathJax and webR: the project's, the checkout's
    or :data:`NPM_HOME`'s, the first that exists (else where :func:`setup_hint` says to install)."""
    here = project()
    places = [p for p in (None if here.bundled else here.root, ROOT, NPM_HOME) if p is not None]
    for folder in places:
        if (folder / "node_modules").is_dir():
            return folder / "node_modules"
    return places[0] / "node_modules"


def setup_hint(what: str, modules: Path | None = None) -> str:
    """How to install ``what``, worded once for every message that needs it: "r" (R and the
    rpy2 that fits it) or "npm" (reveal.js, MathJax and webR into ``modules``, by default
    :func:`node_modules`)."""
    if what == "r":
        return "to install R (Debian, as root) and the rpy2 that fits it, run `bash scripts/run.sh setup` in the nncourse checkout, or follow the README's set-up"
    if what != "npm":
        raise ValueError(f"what: expected 'r' or 'npm', got {what!r}")
    folder = (modules or node_modules()).parent
    if folder == ROOT:
        return f"run `npm ci` in {folder} (`bash scripts/run.sh setup` does)"
    if (folder / "package-lock.json").is_file():
        return f"run `npm ci` in {folder}"
    return f"run `npm ci` in {folder}, after copying package.json and package-lock.json there from {BUNDLED}"
