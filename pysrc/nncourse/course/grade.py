"""``nncourse grade``: a class's tutorial notebooks, each run once in a sandbox, a gradebook.

Each submission (``.ipynb``, ``.qmd`` or ``.py``) is run once, top to bottom, in a
sandbox that records every check call's arguments (:mod:`.record`); each recorded answer
is then checked, with the key's hidden cases, against a fresh process of that sandbox,
forked from its clean server (:mod:`.checker`, :mod:`.student`): one sandbox per submission. Marks come from those verdicts and the key's points, never from what
the notebook printed. A submission is known by its path relative to the folder the
submissions share (``groupA/tutorial.ipynb``), and its result is cached under the hash
of what grading reads of it (its code cells) and of the key: a second run grades only what
changed, submissions of the same code are graded once, and the class's gradebook is
updated row by row. ``cluster`` sends the same work to a Dask scheduler.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..validation import in_range
from . import exercises
from .checker import AnswerServer, verdict_of
from .key import Key
from .record import run_submission
from .sandbox import Limits, r_start_env
from .student import preloads
from .verdict import Verdict

SUFFIXES = (".ipynb", ".qmd", ".py", ".json")  # .json: the R tutorial page's "Download my work" (rtrack)
JOBS = (1, 32)  # submissions graded side by side, at least and at most
BUDGETS = (1, 600)  # seconds one check (and one cell of the run) may take, at least and at most
CACHE_VERSION = "2"  # bump when a check changes what it accepts: every cached result is then stale


class SubmissionError(ValueError):
    """A submission that cannot be graded; the message names it."""


@dataclass(frozen=True)
class Submission:
    """One student's file: its id (the path relative to the class's folder), and its code cells."""

    id: str
    path: Path
    digest: str  # of what grading reads: the code cells (a notebook saved again with other outputs is the same), an R file's bytes
    cells: list[str]
    unreadable: list[str]  # cells that did not parse, said in the feedback


@dataclass
class Graded:
    """One submission's result: a verdict per gradebook column, the points, where each check was called."""

    id: str
    verdicts: dict[str, Verdict]
    points: dict[str, float]
    where: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(self.points.values()), 4)

    def as_json(self) -> dict:
        return {"id": self.id, "verdicts": {c: v.as_dict() for c, v in self.verdicts.items()}, "points": self.points, "where": self.where, "notes": self.notes}

    @classmethod
    def from_json(cls, obj) -> "Graded":
        return cls(obj["id"], {c: Verdict(**v) for c, v in obj["verdicts"].items()}, obj["points"], obj["where"], obj["notes"])


def cells_of(path: Path) -> list[str]:
    """The code cells of a submission (notebook magics and shell lines left out)."""
    if path.suffix == ".ipynb":
        import nbformat

        cells = [c.source for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "code"]
    elif path.suffix == ".qmd":
        from ..deck.document import parse_qmd

        cells = [c.source for c in parse_qmd(path.read_text(encoding="utf-8"))[1] if c.kind == "code"]
    else:
        cells = [path.read_text(encoding="utf-8")]
    return ["\n".join(line for line in cell.splitlines() if not line.lstrip().startswith(("%", "!"))) for cell in cells]


def check_submission(path) -> Path:
    """``path`` as a gradable file, or :class:`SubmissionError` saying what is wrong with it."""
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"submissions: {path} not found")
    if not path.is_file() or path.suffix not in SUFFIXES:
        raise SubmissionError(f"submissions: expected notebooks ({', '.join(SUFFIXES)}), got {path}")
    return path


def _base(files: list[Path]) -> Path:
    """Where submission ids are counted from: the current folder when every file is inside
    it (so that regrading one student gives the same id as grading the class), else the
    folder the files share."""
    here = Path.cwd().resolve()
    if all(here in f.parents for f in files):
        return here
    return Path(os.path.commonpath([f.parent for f in files])) if files else here


def read_submissions(paths) -> list[Submission]:
    """The submissions, each known by its path relative to :func:`_base` (two
    ``tutorial.ipynb`` in two folders are two students); their code is parsed, not run."""
    import ast

    files = [check_submission(p).resolve() for p in paths]
    base = _base(files)
    submissions, seen = [], set()
    for path in files:
        if path in seen:
            continue
        seen.add(path)
        cells, unreadable = [], []
        try:
            raw = [] if path.suffix == ".json" else cells_of(path)  # an R file's code is R: rtrack reads it
        except Exception as exc:  # noqa: BLE001 -- a damaged notebook is that student's, said in the feedback
            raw, unreadable = [], [f"the file could not be read as a notebook ({type(exc).__name__}: {exc})"]
        for number, cell in enumerate(raw, 1):
            try:
                ast.parse(cell)
            except SyntaxError as exc:
                unreadable.append(f"cell {number}: {exc.msg} (line {exc.lineno})")
                cell = ""  # a cell that does not parse does not run in the notebook either
            cells.append(cell)
        read = path.read_bytes() if path.suffix == ".json" else json.dumps([cells, unreadable]).encode()
        digest = hashlib.sha256(read).hexdigest()
        submissions.append(Submission(path.relative_to(base).as_posix(), path, digest, cells, unreadable))
    return submissions


def grade_one(submission: Submission, key: Key, *, budget: float, sandbox: str) -> Graded:
    """One submission: run once in its sandbox, each recorded answer checked in a fresh process of the same sandbox."""
    if submission.path.suffix == ".json":
        return _grade_r(submission, key, budget=budget, sandbox=sandbox)
    verdicts, where = {}, {}
    steps = max(len(submission.cells), len(exercises.EXERCISES))  # the run's cells, or the answers: each process its own CPU time
    server = AnswerServer(sandbox, Limits(cpu_seconds=int(budget * steps) + 5), preload=preloads(submission.cells))
    try:
        run = run_submission(submission.cells, budget=budget, server=server, env=r_start_env() if "nncourse.r.bridge" in server.preload else {})
        for entry in exercises.EXERCISES:
            answer = run.answers.get(entry.column)
            if answer is None:
                verdicts[entry.column] = Verdict(entry.label, False, f"no call of tutorial.{entry.function}(...) ran in the submission", cases="hidden")
                continue
            verdicts[entry.column] = verdict_of(entry, answer, key, budget=budget, sandbox=sandbox, server=server)
            where[entry.column] = answer.where
    finally:
        server.close()
    points = {c: key.score(c, v.passed, v.message) for c, v in verdicts.items()}
    return Graded(submission.id, verdicts, points, where, submission.unreadable + run.notes)


def _grade_r(submission: Submission, key: Key, *, budget: float, sandbox: str) -> Graded:
    """A file of the R tutorial page: each box in an R of its own, in the same ``sandbox`` as the Python track (:mod:`.rtrack`)."""
    from . import rtrack

    try:
        found = rtrack.grade_with_key(submission.path, key, budget=budget, sandbox=sandbox)
    except ValueError as exc:  # not a download of the page: that student's, said in the feedback
        found, note = {}, [str(exc)]
    else:
        note = []
    verdicts = {}
    for entry in exercises.EXERCISES:
        got = found.get(entry.column)
        message = got.message if got else "no such box in the R tutorial's file"
        if got and entry.question and got.passed:
            message = key.quiz[entry.question][1]
        verdicts[entry.column] = Verdict(entry.label, bool(got and got.passed), message, cases="hidden")
    points = {c: key.score(c, v.passed, v.message) for c, v in verdicts.items()}
    return Graded(submission.id, verdicts, points, {}, submission.unreadable + note)


class Cache:
    """Graded results on disk, one JSON file per (submission content, key, checks' version)."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def _file(self, submission: Submission, key: Key, budget: float) -> Path | None:
        if self.folder is None:
            return None
        name = hashlib.sha256(f"{CACHE_VERSION}:{submission.digest}:{key.digest}:{budget}".encode()).hexdigest()
        return self.folder / f"{name}.json"

    def get(self, submission: Submission, key: Key, budget: float) -> Graded | None:
        file = self._file(submission, key, budget)
        try:
            graded = Graded.from_json(json.loads(file.read_text(encoding="utf-8"))) if file is not None else None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if graded is not None:
            graded.id = submission.id  # the same file handed in under another name
        return graded

    def put(self, submission: Submission, key: Key, budget: float, graded: Graded) -> None:
        file = self._file(submission, key, budget)
        if file is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(json.dumps(graded.as_json()), encoding="utf-8")


def grade(submissions: list[Submission], key: Key, *, jobs: int = 2, budget: float = 60.0, sandbox: str = "bwrap",
          cache: Cache | None = None, cluster: str | None = None, progress=None) -> list[Graded]:
    """Every submission not in ``cache``, ``jobs`` at a time (or on the Dask scheduler at ``cluster``)."""
    in_range("jobs", jobs, *JOBS)
    in_range("budget", budget, *BUDGETS, " seconds")
    say = progress or (lambda message: None)
    cache = cache or Cache(None)
    done = {s.id: cache.get(s, key, budget) for s in submissions}
    todo = [s for s in submissions if done[s.id] is None]
    say(f"{len(submissions) - len(todo)} of {len(submissions)} submissions unchanged since they were graded; grading {len(todo)}")
    same: dict[str, list[Submission]] = {}  # the same code, graded once: as the cache gives one file's result to its copies
    for submission in todo:
        same.setdefault(submission.digest, []).append(submission)
    firsts = [copies[0] for copies in same.values()]
    for first, graded in zip(firsts, _map(firsts, key, jobs=jobs, budget=budget, sandbox=sandbox, cluster=cluster)):
        for submission in same[first.digest]:
            own = graded if submission is first else Graded.from_json({**graded.as_json(), "id": submission.id})
            cache.put(submission, key, budget, own)
            done[submission.id] = own
            said = "" if submission is first else f" (the same code as {first.id}, graded once)"
            say(f"graded {submission.id}: {own.total:g}/{sum(key.points.values()):g}{said}")
    return [done[s.id] for s in submissions]


def _map(todo, key, *, jobs, budget, sandbox, cluster):
    if cluster is None:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            yield from pool.map(lambda s: grade_one(s, key, budget=budget, sandbox=sandbox), todo)
        return
    from distributed import Client

    with Client(cluster) as client:  # an address ("tcp://host:8786"), or a cluster object (a LocalCluster in the tests)
        futures = [client.submit(grade_one, s, key, budget=budget, sandbox=sandbox, pure=False) for s in todo]
        for future in futures:
            yield future.result()
