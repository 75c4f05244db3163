"""The class's gradebook: a CSV row per submission with the points of each check, updated
row by row; a roster that names the student of each submission; exports in the shapes
Canvas and Moodle import."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from . import exercises

TITLE = "Week 10 tutorial"  # the assignment's name in the Canvas and Moodle exports
HEADERS = {  # what the first line of each file nncourse grade writes starts with (so it may be written again)
    "gradebook": re.compile(r"^submission,exercise_1,"),
    "canvas": re.compile(r"^Student,ID,SIS User ID,SIS Login ID,Section,"),
    "moodle": re.compile(r"^ID number,Email address,"),
}


class RosterError(ValueError):
    """A roster that cannot be used; the message names the file and the line."""


def columns() -> list[str]:
    return ["submission", *(e.column for e in exercises.EXERCISES), "total", "student_id"]


def _number(value: float) -> str:
    return f"{value:g}"


def read_roster(path) -> dict[str, dict[str, str]]:
    """``submission,student_id[,name][,email]`` -> {submission: {student_id, name, email}}."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise RosterError(f"--roster: {path} not found") from None
    if not rows or not {"submission", "student_id"} <= set(rows[0]):
        raise RosterError(f"--roster: {path}: expected the columns submission,student_id (and name, email), got {list(rows[0]) if rows else 'nothing'}")
    roster = {}
    for number, row in enumerate(rows, 2):
        if not row["submission"] or not row["student_id"]:
            raise RosterError(f"--roster: {path} line {number}: expected a submission and a student_id, got {row}")
        if row["submission"] in roster:
            raise RosterError(f"--roster: {path} line {number}: {row['submission']} is listed twice")
        roster[row["submission"]] = {"student_id": row["student_id"], "name": row.get("name") or "", "email": row.get("email") or ""}
    return roster


def rows_of(graded, roster: dict | None) -> dict[str, dict[str, str]]:
    rows = {}
    for g in graded:
        row = {"submission": g.id, **{c: _number(p) for c, p in g.points.items()}, "total": _number(g.total)}
        row["student_id"] = (roster or {}).get(g.id, {}).get("student_id", "")
        rows[g.id] = row
    return rows


def write(graded, path: Path, roster: dict | None = None) -> None:
    """The gradebook at ``path``: rows already there are kept, the graded ones replaced or added."""
    rows = {}
    if path.exists():
        with open(path, newline="", encoding="utf-8") as handle:
            old = list(csv.DictReader(handle))
        rows = {r["submission"]: {c: r.get(c) or "" for c in columns()} for r in old if "submission" in r}
    rows.update(rows_of(graded, roster))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, fieldnames=columns())
        out.writeheader()
        out.writerows(rows[k] for k in sorted(rows))


def write_canvas(graded, path: Path, roster: dict) -> None:
    """Canvas's gradebook import: a student per line, found by SIS User ID, the tutorial's total."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", TITLE])
        for g in sorted(graded, key=lambda g: g.id):
            who = roster[g.id]
            out.writerow([who["name"], "", who["student_id"], who["email"], "", _number(g.total)])


def write_moodle(graded, path: Path, roster: dict) -> None:
    """Moodle's grade import (CSV): a student per line, mapped by ID number, the tutorial's total."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["ID number", "Email address", TITLE])
        for g in sorted(graded, key=lambda g: g.id):
            who = roster[g.id]
            out.writerow([who["student_id"], who["email"], _number(g.total)])


def summary(graded, points: dict[str, float]) -> str:
    """The class at a glance: how many submissions passed each check, and the mean total."""
    width = max(len(e.column) for e in exercises.EXERCISES)
    lines = [f"{'check':<{width}}  passed  points"]
    for e in exercises.EXERCISES:
        passed = sum(bool(g.verdicts[e.column].passed) for g in graded)
        lines.append(f"{e.column:<{width}}  {passed:>3}/{len(graded):<3} {_number(points[e.column]):>5}")
    if graded:
        lines.append(f"mean total: {sum(g.total for g in graded) / len(graded):.2f} of {_number(sum(points.values()))}")
    return "\n".join(lines)
