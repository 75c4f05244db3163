"""``nncourse grade``: every submission's checks in isolation, the CSV, the feedback pages, a summary."""

from __future__ import annotations

import sys
from pathlib import Path

from .console import UsageError

NAME = "grade"


def add_parser(subparsers):
    grd = subparsers.add_parser(NAME, help="grade a class's tutorial notebooks: every check in isolation, a CSV, a feedback page each")
    grd.add_argument("submissions", nargs="+", type=Path, help="the students' notebooks (.ipynb; also .qmd and .py)")
    grd.add_argument("--csv", type=Path, default=Path("grades.csv"), help="the gradebook to write (default grades.csv)")
    grd.add_argument("--feedback", type=Path, default=None, help="a folder for one HTML feedback page per submission")
    grd.add_argument("--jobs", type=int, default=2, help="checks run side by side (default 2)")
    grd.add_argument("--timeout", type=float, default=60.0, help="seconds each check may take in all (default 60)")
    return grd


def run(args) -> int:
    from ..course import grade
    from ..safe_write import check_target
    from ..validation import in_range

    try:  # the API's own checks, named as the command line names them
        for path in args.submissions:
            grade.check_submission(path)
        in_range("--jobs", args.jobs, *grade.JOBS)
        in_range("--timeout", args.timeout, *grade.BUDGETS, " seconds")
        csv_path = check_target(args.csv, argument="--csv", command="grade")
    except ValueError as exc:  # OutputError is one
        raise UsageError(str(exc)) from None
    graded = grade.grade(args.submissions, jobs=args.jobs, budget=args.timeout, progress=lambda m: print(m, file=sys.stderr, flush=True))
    grade.write_csv(graded, csv_path)
    if args.feedback is not None:
        args.feedback.mkdir(parents=True, exist_ok=True)
        for submission, verdicts in graded:
            (args.feedback / f"{submission.path.stem}.html").write_text(grade.feedback_page(submission, verdicts), encoding="utf-8")
    print(grade.summary(graded))
    print(f"wrote {csv_path}" + (f" and {len(graded)} feedback pages in {args.feedback}" if args.feedback else ""), file=sys.stderr)
    return 0
