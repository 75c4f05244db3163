"""The lecturer's grading key: a TOML file given at grading time, never shipped to students.

It holds, per gradebook column, the seed of the check's hidden cases (drawn afresh by
:func:`new`, so an answer tuned to the notebook's public cases earns nothing) and the
points; the quiz's answers with their explanations; and partial credit: a share of a
check's points for a verdict whose hint starts with a given text. ::

    [seeds]
    exercise_1 = 8122390442
    [points]
    exercise_1 = 2
    [quiz.1]
    answer = "b"
    why = "On XOR the perceptron never settles: ..."
    [partial.exercise_6]
    "w2 and b2 did not change" = 0.5
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import exercises
from .. import paths

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PARTIAL = {  # hint -> share of the points, written into a new key (the lecturer may change or add)
    "exercise_3": {"at z = 0 the slides' backprop takes 1": 0.5},
    "exercise_6": {"w2 and b2 did not change": 0.5, "the ReLU derivative at exactly 0": 0.5},
    "exercise_4": {"the factor 2 from the derivative of the square is missing": 0.5},
}


class BadKey(ValueError):
    """A key file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Key:
    """A grading key (see the module docstring)."""

    seeds: dict[str, int]
    points: dict[str, float]
    quiz: dict[str, tuple[str, str]]
    partial: dict[str, dict[str, float]] = field(default_factory=dict)
    digest: str = ""  # of the file's content: the grading cache's half of a cache key

    def score(self, column: str, passed: bool | None, message: str) -> float:
        """The points a verdict earns: all of them if passed, a share for a hint the key names, else 0."""
        if passed:
            return self.points[column]
        share = max((s for start, s in self.partial.get(column, {}).items() if message.startswith(start)), default=0.0)
        return round(self.points[column] * share, 4)


def _field(table, name: str, where: str, kind):
    value = table.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise BadKey(f"{where}: expected {name} as {kind.__name__ if isinstance(kind, type) else 'a number'}, got {value!r}")
    return value


def load(path) -> Key:
    """Read a key, refusing with the file and the field when anything is missing or wrong."""
    path = Path(path)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise BadKey(f"--key: {path} not found (make one with: nncourse grade --new-key {path})") from None
    try:
        table = tomllib.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadKey(f"--key: {path} is not a TOML key ({exc})") from None
    columns = [e.column for e in exercises.EXERCISES]
    for section in ("seeds", "points", "quiz"):
        if not isinstance(table.get(section), dict):
            raise BadKey(f"--key: {path}: expected a [{section}] table")
    seeds = {c: _field(table["seeds"], c, f"{path} [seeds]", int) for c in columns}
    points = {c: float(_field(table["points"], c, f"{path} [points]", (int, float))) for c in columns}
    if any(p < 0 for p in points.values()):
        raise BadKey(f"--key: {path} [points]: expected points >= 0, got {points}")
    quiz = {}
    for entry in exercises.EXERCISES:
        if entry.question is not None:
            item = table["quiz"].get(entry.question)
            where = f"{path} [quiz.{entry.question}]"
            if not isinstance(item, dict):
                raise BadKey(f"--key: {where}: expected a table with answer and why")
            answer = _field(item, "answer", where, str).strip().lower()
            if answer not in exercises.QUIZ_CHOICES[entry.question]:
                raise BadKey(f"--key: {where}: expected answer in {sorted(exercises.QUIZ_CHOICES[entry.question])}, got {answer!r}")
            quiz[entry.question] = (answer, _field(item, "why", where, str))
    partial = {c: {str(k): float(v) for k, v in t.items()} for c, t in table.get("partial", {}).items() if c in columns and isinstance(t, dict)}
    return Key(seeds, points, quiz, partial, hashlib.sha256(text).hexdigest())


def _quiz_answers(source: Path) -> dict:
    try:
        table = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadKey(f"the quiz's answers: {source} not found (they live in the lecturer's folder of the course, not in the package)") from None
    return table


def quiz_answers() -> Path:
    """The quiz's answers in the lecturer's folder (``lecturer/week10/quiz.toml``) of the project
    (or of the checkout nncourse runs from): never in the package students install."""
    here = paths.project()
    root = paths.ROOT if here.bundled and paths.ROOT is not None else here.root
    return root / "lecturer" / "week10" / "quiz.toml"


def new(path, answers: Path | None = None) -> Key:
    """Write a fresh key to ``path`` (never over an existing file): new hidden seeds, the
    exercises' points, the quiz's answers from the lecturer's folder, the default partial credit."""
    path = Path(path)
    answers = answers or quiz_answers()
    if path.exists() or path.is_symlink():
        raise BadKey(f"--new-key: {path} exists: a key is never overwritten (its seeds decide the grades already given)")
    quiz = _quiz_answers(answers)
    q = json.dumps  # a JSON string is a TOML basic string
    lines = ["# nncourse grading key for the tutorial \"Working with Neural Networks\" (Week 10).",
             "# Keep it private: its seeds draw the hidden cases, its [quiz] holds the answers.", "", "[seeds]"]
    lines += [f"{e.column} = {secrets.randbelow(2**62)}" for e in exercises.EXERCISES]
    lines += ["", "[points]"] + [f"{e.column} = {e.points:g}" for e in exercises.EXERCISES]
    for question, item in quiz.get("quiz", {}).items():
        lines += ["", f"[quiz.{q(question)}]", f"answer = {q(item['answer'])}", f"why = {q(item['why'])}"]
    for column, table in PARTIAL.items():
        lines += ["", f"[partial.{column}]"] + [f"{q(start)} = {share}" for start, share in table.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load(path)
