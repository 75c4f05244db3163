"""``nncourse tutorial``: the tutorial copied into a working folder (a file already there is kept)."""

from __future__ import annotations

from pathlib import Path

from .console import UsageError

NAME = "tutorial"


def add_parser(subparsers):
    tut = subparsers.add_parser(NAME, help="copy the tutorial into a working folder (never overwrites)")
    tut.add_argument("folder", nargs="?", type=Path, default=Path("week10-tutorial"), help="where (default ./week10-tutorial)")
    return tut


def run(args) -> int:
    from ..course import tutorial

    try:
        started = tutorial.start(args.folder)
    except ValueError as exc:  # the API's check: a file where the folder should be
        raise UsageError(str(exc)) from None
    for path, what in started:
        print(f"{what:>7}  {path}" + ("  (already there: your work is kept)" if what == "kept" else ""))
    print(f"Open {args.folder / 'tutorial.ipynb'} in Jupyter, or render {args.folder / 'tutorial.qmd'} with Quarto.")
    return 0
