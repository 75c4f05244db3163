"""What a check says: :class:`Verdict`, and its badge (styled here, once, for the notebook
and the feedback pages)."""

from __future__ import annotations

import html as markup
from dataclasses import dataclass

BADGE = {  # mark -> (background, text colour)
    "PASSED": ("#d8f0e3", "#0b5d33"),
    "NOT YET": ("#fde9c8", "#7a4a00"),
    "RECORDED": ("#e3e8f4", "#27406e"),
}


def badge(mark: str, label: str) -> str:
    """The verdict's coloured badge as HTML: PASSED green, NOT YET amber, RECORDED blue."""
    background, colour = BADGE[mark]
    return (f'<span style="background:{background};color:{colour};border-radius:0.8em;padding:0.1em 0.6em;'
            f'font-weight:600;white-space:nowrap">{markup.escape(label)}</span>')


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: passed or not (None: recorded for the lecturer's key to
    mark, as the quiz without a key), and what to do about it."""

    exercise: str
    passed: bool | None
    message: str
    seconds: float = 0.0  # how long the check took
    cases: str = "public"  # "public": the notebook's cases; "hidden": the key's

    @property
    def mark(self) -> str:
        return "RECORDED" if self.passed is None else "PASSED" if self.passed else "NOT YET"

    def __str__(self) -> str:
        return f"Exercise {self.exercise}: {self.mark}. {self.message}"

    def _ipython_display_(self) -> None:
        """Shown once: the check has shown the verdict already, so a notebook cell
        ending in a check call does not show it a second time."""

    def html(self) -> str:
        """The verdict for a notebook or a rendered page, wrapped."""
        return (f'<div style="white-space:normal;overflow-wrap:anywhere;margin:0.3em 0;line-height:1.4">'
                f"{badge(self.mark, f'Exercise {self.exercise}: {self.mark}')} {markup.escape(self.message)}</div>")

    def as_dict(self) -> dict:
        return {"exercise": self.exercise, "passed": self.passed, "message": self.message, "seconds": self.seconds, "cases": self.cases}


def show(verdict: Verdict) -> None:
    """Print the verdict, or display it styled where a notebook shows HTML (text alongside)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None and type(get_ipython()).__name__ != "TerminalInteractiveShell":
        display({"text/plain": str(verdict), "text/html": verdict.html()}, raw=True)
    else:
        print(verdict)
