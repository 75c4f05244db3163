"""What every command shares: progress on standard error, and how it refuses its input."""

from __future__ import annotations

import sys


class UsageError(Exception):
    """A command's arguments refused: ``nncourse`` prints the usage and this message, and exits 2."""


def progress_to_stderr(message: str) -> None:
    """Progress on long work: one line rewritten in a terminal, a line each elsewhere."""
    if sys.stderr.isatty():
        print(f"\r\033[K{message}", end="", file=sys.stderr, flush=True)
    else:
        print(message, file=sys.stderr, flush=True)
