"""One feedback page per student: each exercise's title, its points, where in the
notebook the check was called, and what to try; nothing from any other submission."""

from __future__ import annotations

import html

from . import exercises
from .verdict import badge

CSS = """body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; color: #222; line-height: 1.4; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; vertical-align: top; padding: 0.4em 0.6em; border-bottom: 1px solid #eee; }
td.message { overflow-wrap: anywhere; } .where { color: #555; font-size: 0.9em; }"""


def page(graded, points: dict[str, float]) -> str:
    """The page for one graded submission (see the module docstring)."""
    e = html.escape
    rows = []
    for entry in exercises.EXERCISES:
        v = graded.verdicts[entry.column]
        where = graded.where.get(entry.column)
        cases = "the lecturer's hidden cases" if v.cases == "hidden" else "the notebook's public cases"
        rows.append(f"<tr><td>{e(entry.label)}: {e(entry.title)}</td><td>{badge(v.mark, v.mark)}</td>"
                    f"<td>{graded.points[entry.column]:g} / {points[entry.column]:g}</td>"
                    f'<td class="message">{e(v.message)}' + (f'<div class="where">checked at {e(where)}, on {cases}</div>' if where else "") + "</td></tr>")
    notes = "".join(f"<li>{e(n)}</li>" for n in graded.notes)
    total = sum(points.values())
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(graded.id)}: tutorial feedback</title>'
            f"<style>{CSS}</style></head><body><h1>Working with Neural Networks: {e(graded.id)}</h1>"
            f"<p>{graded.total:g} of {total:g} points. Each answer was checked on cases the notebook does not show "
            f"(drawn afresh for this grading), so an answer that is right in general passes, one tuned to the notebook's cases may not.</p>"
            + (f"<p>While your notebook ran:</p><ul>{notes}</ul>" if notes else "")
            + f"<table><tr><th>exercise</th><th>verdict</th><th>points</th><th>what it says</th></tr>{''.join(rows)}</table></body></html>")


def file_name(submission_id: str) -> str:
    """The page's file name: the submission's relative path, folders joined by "__" (two
    ``tutorial.ipynb`` in two folders get two pages)."""
    stem = submission_id.rsplit(".", 1)[0]
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in stem.replace("/", "__")) + ".html"
