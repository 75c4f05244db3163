"""``nncourse grade``: a class's tutorial notebooks, every check in isolation, a gradebook.

A submission (``.ipynb``, ``.qmd`` or ``.py``) is read, never run here: each code cell is
parsed, its ``tutorial.check_*(...)`` statements are taken out, and their argument
expressions kept. Each check then runs in the tutorial's checker (:mod:`nncourse.course.checking`),
which forks a student process that runs the submission's code and evaluates those
expressions; so one exercise's endless loop, crash, ``sys.exit`` or ``os._exit`` costs that
exercise alone, and nothing a submission prints or patches reaches a grade. Marks come
from the checks' verdicts, never from the notebook's printed text.
"""

from __future__ import annotations

import ast
import csv
import html
import pickle
import queue
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import tutorial

# The gradebook's columns, in the tutorial's order: (column, check, question for the quiz).
COLUMNS = [
    ("exercise_1", "check_exercise_1", None),
    ("quiz_1", "check_answer", "1"),
    ("exercise_2", "check_exercise_2", None),
    ("exercise_2_r", "check_exercise_2_r", None),
    ("exercise_3", "check_exercise_3", None),
    ("exercise_4", "check_exercise_4", None),
    ("exercise_4_rates", "check_exercise_4_rates", None),
    ("exercise_5", "check_exercise_5", None),
    ("exercise_6", "check_exercise_6", None),
    ("exercise_7", "check_exercise_7", None),
    ("exercise_8", "check_exercise_8", None),
    ("quiz_8", "check_answer", "8"),
]
SUFFIXES = (".ipynb", ".qmd", ".py")
JOBS = (1, 32)  # checker processes side by side, at least and at most
BUDGETS = (1, 600)  # seconds one check may take in all, at least and at most


@dataclass
class Submission:
    """What a submission holds for the grader: its code without the check calls, and the
    argument expressions of each check call, by column."""

    path: Path
    code: str
    answers: dict[str, list[str]]
    unreadable: list[str]  # cells that did not parse, said in the feedback


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


def _check_call(statement: ast.stmt):
    """(check name, argument nodes) when ``statement`` is ``tutorial.check_*(...)``, else None."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        if isinstance(func, ast.Attribute) and func.attr.startswith("check_") and isinstance(func.value, ast.Name):
            return func.attr, statement.value.args
    return None


def check_submission(path: Path) -> Path:
    """``path`` if it is a notebook the grader reads (a file ending in one of :data:`SUFFIXES`)."""
    if not path.is_file() or path.suffix not in SUFFIXES:
        raise ValueError(f"submissions: expected notebooks ({', '.join(SUFFIXES)}), got {path}")
    return path


def read(path: Path) -> Submission:
    """A submission, parsed (nothing of it is run here)."""
    kept, answers, unreadable = [], {}, []
    for number, cell in enumerate(cells_of(path), 1):
        try:
            tree = ast.parse(cell)
        except SyntaxError as exc:
            unreadable.append(f"cell {number}: {exc.msg} (line {exc.lineno})")
            continue
        body = []
        for statement in tree.body:
            call = _check_call(statement)
            if call is None:
                body.append(statement)
                continue
            name, args = call
            question = args[0].value if name == "check_answer" and args and isinstance(args[0], ast.Constant) else None
            for column, check, wanted in COLUMNS:
                if check == name and wanted == question:
                    answers[column] = [ast.unparse(arg) for arg in args]
        kept.append(ast.unparse(ast.Module(body=body, type_ignores=[])))
    return Submission(path, "\n\n".join(kept), answers, unreadable)


class Checkers:
    """A pool of the tutorial's checker processes, one per job."""

    def __init__(self, jobs: int):
        self.free: queue.Queue = queue.Queue()
        for number in range(jobs):
            self.free.put(tutorial.new_checker(f"checker {number + 1}"))

    def check(self, submission: Submission, column: str, budget: float) -> tutorial.Verdict:
        _, check, _ = next(c for c in COLUMNS if c[0] == column)
        if column not in submission.answers:
            return tutorial.Verdict(tutorial.EXERCISE_OF[check], False, f"no call of tutorial.{check}(...) in the submission")
        payload = pickle.dumps(("source", submission.code, submission.answers[column]))
        worker = self.free.get()
        try:
            return tutorial.ask_checker(worker, check, payload, budget)
        finally:
            self.free.put(worker)

    def close(self) -> None:
        while not self.free.empty():
            self.free.get().stop()


def grade(paths, *, jobs: int = 2, budget: float = tutorial.BUDGET, progress=None) -> list[tuple[Submission, dict[str, tutorial.Verdict]]]:
    """Every check of every submission, ``jobs`` at a time: (submission, verdicts by column)."""
    from ..validation import in_range

    in_range("jobs", jobs, *JOBS)
    in_range("budget", budget, *BUDGETS, " seconds")
    say = progress or (lambda message: None)
    submissions = [read(check_submission(Path(p))) for p in paths]
    checkers = Checkers(jobs)
    graded = []
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for submission in submissions:
                began = time.monotonic()
                futures = {column: pool.submit(checkers.check, submission, column, budget) for column, _, _ in COLUMNS}
                verdicts = {column: future.result() for column, future in futures.items()}
                passed = sum(v.passed for v in verdicts.values())
                say(f"graded {submission.path.name}: {passed}/{len(COLUMNS)} ({time.monotonic() - began:.1f} s)")
                graded.append((submission, verdicts))
    finally:
        checkers.close()
    return graded


def write_csv(graded, path: Path) -> None:
    """The gradebook: a row per submission, 1 or 0 per check, and the total."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["submission", *(c for c, _, _ in COLUMNS), "total"])
        for submission, verdicts in graded:
            marks = [int(verdicts[c].passed) for c, _, _ in COLUMNS]
            out.writerow([submission.path.name, *marks, sum(marks)])


FEEDBACK_CSS = """body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; color: #222; line-height: 1.4; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; vertical-align: top; padding: 0.4em 0.6em; border-bottom: 1px solid #eee; }
.passed { background: #d8f0e3; color: #0b5d33; } .not-yet { background: #fde9c8; color: #7a4a00; }
.badge { border-radius: 0.8em; padding: 0.1em 0.6em; white-space: nowrap; font-weight: 600; }
td.message { overflow-wrap: anywhere; }"""


def feedback_page(submission: Submission, verdicts: dict[str, tutorial.Verdict]) -> str:
    """One page for one student: each check's verdict and hint."""
    e = html.escape
    rows = "".join(
        f'<tr><td>{e(column)}</td><td><span class="badge {"passed" if v.passed else "not-yet"}">{"PASSED" if v.passed else "NOT YET"}</span></td>'
        f'<td class="message">{e(v.message)}</td></tr>'
        for column, v in verdicts.items()
    )
    notes = "".join(f"<li>{e(n)}</li>" for n in submission.unreadable)
    total = sum(v.passed for v in verdicts.values())
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(submission.path.name)}: tutorial feedback</title>'
            f"<style>{FEEDBACK_CSS}</style></head><body><h1>Working with Neural Networks: {e(submission.path.name)}</h1>"
            f"<p>{total} of {len(verdicts)} checks passed.</p>" + (f"<p>Cells that could not be read:</p><ul>{notes}</ul>" if notes else "")
            + f"<table><tr><th>check</th><th>verdict</th><th>what it says</th></tr>{rows}</table></body></html>")


def summary(graded) -> str:
    """The class at a glance: how many submissions passed each check."""
    width = max(len(c) for c, _, _ in COLUMNS)
    lines = [f"{'check':<{width}}  passed"]
    lines += [f"{c:<{width}}  {sum(v[c].passed for _, v in graded)}/{len(graded)}" for c, _, _ in COLUMNS]
    return "\n".join(lines)
