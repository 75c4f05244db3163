"""The R scripts of ``rsrc/``: a file name checked to be one of them, and their labelled
sections (knitr's ``## ---- label``), run one at a time as the deck shows them."""

from __future__ import annotations

import re
from pathlib import Path

from ..paths import RSRC

LECTURE_SCRIPTS = ("lecture_and.R", "lecture_xor.R")  # the lecture's own R code, as it prints
SECTION = re.compile(r"^## ---- (\S+)\s*$", re.M)


def rsrc_file(name: str) -> Path:
    """``rsrc/<name>``: a file name of ``rsrc/`` itself, never a path out of it."""
    if not isinstance(name, str) or Path(name).name != name or not name.endswith(".R"):
        raise ValueError(f"name: expected the file name of an R script in {RSRC} (such as 'lecture_xor.R'), got {name!r}")
    path = RSRC / name
    if not path.is_file():
        raise FileNotFoundError(f"name: expected an R file in {RSRC}, got {name!r}")
    return path


def sections(name: str) -> dict[str, str]:
    """The labelled sections of ``rsrc/<name>`` (knitr's ``## ---- label`` convention), in order."""
    parts = SECTION.split(rsrc_file(name).read_text())
    return {label: code.strip("\n") for label, code in zip(parts[1::2], parts[2::2])}


class RScript:
    """An ``rsrc/`` script run one labelled section at a time, in one environment,
    as the deck shows it: in the file's order (a section may run again)."""

    def __init__(self, session, name: str):
        self.session = session
        self.name = name
        self.sections = sections(name)
        self.env = session.new_env()
        self._done: set[str] = set()

    def run(self, label: str):
        """Run section ``label``; the sections before it must have run (re-running is fine)."""
        order = list(self.sections)
        if label not in order:
            raise KeyError(f"label: expected a section of rsrc/{self.name} ({', '.join(order)}), got {label!r}")
        missing = [earlier for earlier in order[: order.index(label)] if earlier not in self._done]
        if missing:
            raise RuntimeError(f"label: section {label!r} of rsrc/{self.name} needs {missing} to have run first")
        chunks = self.session.evaluate(self.sections[label], self.env)
        self._done.add(label)
        return chunks
