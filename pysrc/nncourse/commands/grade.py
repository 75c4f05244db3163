"""``nncourse grade``: a class's notebooks, each run once in a sandbox, every recorded
answer checked with the key's hidden cases; the gradebook updated row by row, the
exports, a feedback page each, a summary. ``--new-key`` makes a key."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .console import UsageError, progress_to_stderr

NAME = "grade"


def add_parser(subparsers):
    grd = subparsers.add_parser(NAME, help="grade a class's tutorial notebooks: each run once in a sandbox, every check with the key's hidden cases, a gradebook")
    grd.add_argument("submissions", nargs="*", type=Path, help="the students' notebooks (.ipynb; also .qmd and .py), and the R tutorial page's downloads (.json)")
    grd.add_argument("--key", type=Path, default=None, help="the lecturer's grading key (TOML: hidden seeds, points, quiz answers)")
    grd.add_argument("--new-key", type=Path, default=None, metavar="KEY", help="write a fresh key (new hidden seeds) to KEY and stop")
    grd.add_argument("--answers", type=Path, default=None, metavar="QUIZ", help="with --new-key: the quiz's answers (default: lecturer/week10/quiz.toml of the project)")
    grd.add_argument("--csv", type=Path, default=Path("grades.csv"), help="the gradebook to write or update row by row (default grades.csv)")
    grd.add_argument("--roster", type=Path, default=None, help="CSV with columns submission,student_id[,name][,email]: who handed in what")
    grd.add_argument("--canvas", type=Path, default=None, help="also write Canvas's gradebook import (needs --roster)")
    grd.add_argument("--moodle", type=Path, default=None, help="also write Moodle's grade import (needs --roster)")
    grd.add_argument("--feedback", type=Path, default=None, help="a folder for one HTML feedback page per submission")
    grd.add_argument("--cache", type=Path, default=None, help="the grading cache (default: .nncourse-cache beside the CSV)")
    grd.add_argument("--jobs", type=int, default=2, help="submissions graded side by side (default 2)")
    grd.add_argument("--timeout", type=float, default=60.0, help="seconds each check, and each cell of the notebook's run, may take (default 60)")
    grd.add_argument("--sandbox", choices=("bwrap", "none"), default="bwrap", help="bwrap (default), or none where bubblewrap cannot run (says what that gives up)")
    grd.add_argument("--cluster", default=None, metavar="ADDRESS", help="a Dask scheduler's address (tcp://host:8786): grade there instead of here")
    return grd


def _writable(path: Path, argument: str, made_by: str | None) -> Path:
    """Where ``grade`` may write, checked before any grading: the folder exists, no link,
    no source of the repository, no file of someone else's (``made_by``: which of ours it
    may replace; None: a folder)."""
    from ..course.gradebook import HEADERS
    from ..safe_write import tracked_source

    absolute = Path(os.path.abspath(path))
    if not absolute.parent.is_dir():
        raise ValueError(f"{argument}: the folder {absolute.parent} does not exist (make it first)")
    if absolute.is_symlink():
        raise ValueError(f"{argument}: {path} is a symbolic link; nncourse does not write through links (give the real path)")
    if made_by is None and absolute.exists() and not absolute.is_dir():
        raise ValueError(f"{argument}: {path} is a file; expected a folder")
    if made_by is not None:
        if absolute.is_dir():
            raise ValueError(f"{argument}: {path} is a folder; expected the path of a file")
        if tracked_source(absolute):
            raise ValueError(f"{argument}: {path} is a source file of the repository; write somewhere else")
        if absolute.exists() and not HEADERS[made_by].match(absolute.read_text(encoding="utf-8", errors="replace")[:200]):
            raise ValueError(f"{argument}: {path} exists and was not written by nncourse grade; write somewhere else")
    probe = absolute if absolute.is_dir() else absolute.parent
    try:
        with tempfile.NamedTemporaryFile(dir=probe, prefix=".nncourse-probe-"):
            pass
    except OSError as exc:
        raise ValueError(f"{argument}: cannot write in {probe}: {exc.strerror or exc}") from None
    return absolute


def _outputs(args) -> dict:
    """Every output of ``grade``, checked before anything is graded."""
    outputs = {"csv": _writable(args.csv, "--csv", "gradebook")}
    for name in ("canvas", "moodle"):
        if getattr(args, name) is not None:
            if args.roster is None:
                raise ValueError(f"--{name}: needs --roster (the export finds each student by the roster's student_id)")
            outputs[name] = _writable(getattr(args, name), f"--{name}", name)
    if args.feedback is not None:
        outputs["feedback"] = _writable(args.feedback, "--feedback", None)
    outputs["cache"] = _writable(args.cache or args.csv.parent / ".nncourse-cache", "--cache", None)
    return outputs


def _prepare(args):
    """Everything ``grade`` needs, refused at once (before any grading) when wrong."""
    from ..course import grade, gradebook, key as keys, sandbox
    from ..validation import in_range

    if not args.submissions:
        raise ValueError("submissions: expected at least one notebook")
    submissions = grade.read_submissions(args.submissions)
    in_range("--jobs", args.jobs, *grade.JOBS)
    in_range("--timeout", args.timeout, *grade.BUDGETS, " seconds")
    if args.key is None:
        raise ValueError("--key: expected the lecturer's grading key (make one with: nncourse grade --new-key KEY.toml)")
    key = keys.load(args.key)
    roster = None if args.roster is None else gradebook.read_roster(args.roster)
    missing = sorted(s.id for s in submissions if roster is not None and s.id not in roster)
    if missing:
        raise ValueError(f"--roster: {args.roster} names no student for {', '.join(missing)}")
    outputs = _outputs(args)
    if args.cluster is None:
        sandbox.check_mode(args.sandbox)
    return key, submissions, roster, outputs


def run(args) -> int:
    from ..course import feedback, grade, gradebook, key as keys, sandbox

    try:
        if args.new_key is not None:
            made = keys.new(args.new_key, args.answers)
            print(f"wrote a fresh key to {args.new_key}: {len(made.seeds)} hidden seeds, {sum(made.points.values()):g} points; keep it private")
            return 0
        key, submissions, roster, outputs = _prepare(args)
    except (ValueError, sandbox.SandboxUnavailable) as exc:
        raise UsageError(str(exc)) from None
    if args.sandbox == "none":
        print(f"nncourse grade: --sandbox none: {sandbox.NOT_SANDBOXED}", file=sys.stderr)
    graded = grade.grade(submissions, key, jobs=args.jobs, budget=args.timeout, sandbox=args.sandbox,
                         cache=grade.Cache(outputs["cache"]), cluster=args.cluster, progress=progress_to_stderr)
    gradebook.write(graded, outputs["csv"], roster)
    if "canvas" in outputs:
        gradebook.write_canvas(graded, outputs["canvas"], roster)
    if "moodle" in outputs:
        gradebook.write_moodle(graded, outputs["moodle"], roster)
    if "feedback" in outputs:
        outputs["feedback"].mkdir(exist_ok=True)
        for g in graded:
            (outputs["feedback"] / feedback.file_name(g.id)).write_text(feedback.page(g, key.points), encoding="utf-8")
    print(gradebook.summary(graded, key.points))
    print(f"\nwrote {', '.join(str(p) for n, p in outputs.items() if n != 'cache')}", file=sys.stderr)
    return 0
