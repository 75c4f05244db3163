"""Where nncourse may write a file: checked before any work is done.

Never over a source file the repository tracks (``--force`` included), never over a
file nncourse did not make (unless ``--force``), never through a symbolic link (the
file's own or a folder's on the way to it), and never into a place it cannot write:
each refusal names the option, the path and what to do instead.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path


# What the start of a file nncourse made holds, by command (its first MB: Quarto's self-contained
# deck inlines some 70 KB of script before its generator tag).
MADE_BY = {
    "render": re.compile(r'<meta name="generator" content="(?:pandoc|quarto)'),
    "handout": re.compile(r"^%PDF-[\d.]+\n(?:.*\n){0,3}/Creator \(Mozilla/5\.0 .*HeadlessChrome/"),  # render --pdf: printed by headless Chromium
    "grade": re.compile(r"^submission,exercise_1,"),
    "report": re.compile(r"which lecture outputs reproduce on this machine|\"lecture\": \"Week 10: Neural Networks|<title>nncourse: Week 10 reproducibility report</title>"),
}


# Names that read as a file's where a folder is expected (``--output work/x.html``).
FILE_SUFFIXES = {".html", ".htm", ".pdf", ".ipynb", ".qmd", ".md", ".json", ".csv", ".txt"}


class OutputError(ValueError):
    """nncourse will not write there; the message says why and what to do."""


def tracked_source(path: Path) -> bool:
    """Whether ``path`` is a file a git repository tracks (the checkout, or the user's
    project if it is in git; False outside any)."""
    folder = path.parent
    while not folder.is_dir():
        folder = folder.parent
    try:
        done = subprocess.run(["git", "-C", str(folder), "ls-files", "--error-unmatch", str(path)], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _refuse_links(path: Path, absolute: Path, argument: str) -> None:
    """:class:`OutputError` when ``absolute`` or a folder on the way to it is a symbolic link."""
    if absolute.is_symlink():
        raise OutputError(f"{argument}: {path} is a symbolic link; nncourse does not write through links (give the real path)")
    for folder in reversed(absolute.parents):
        if folder.is_symlink():
            raise OutputError(f"{argument}: {path} goes through {folder}, a symbolic link to a folder; nncourse does not write through links (give the real path, {Path(os.path.realpath(absolute))})")


def check_folder(path, *, argument: str, makes: str) -> Path:
    """The absolute folder an option names that nncourse writes ``makes`` into (it may not
    exist yet), or :class:`OutputError`: a file there, a link on the way, or a name that
    reads as a file's (``work/x.html``) where a folder is expected."""
    path = Path(path).expanduser()
    absolute = Path(os.path.abspath(path))
    _refuse_links(path, absolute, argument)
    if absolute.exists() and not absolute.is_dir():
        raise OutputError(f"{argument}: expected a folder to write {makes} into, got the file {path}")
    if not absolute.exists() and absolute.suffix.lower() in FILE_SUFFIXES:
        raise OutputError(f"{argument}: expected a folder to write {makes} into, got {path}, which reads as a file name (give its folder, {absolute.parent}; the file is named {makes})")
    return absolute


def check_target(path, *, argument: str, command: str, force: bool = False) -> Path:
    """The absolute path nncourse may write to for ``command``, or :class:`OutputError`.
    ``force`` allows replacing a file nncourse did not make, never a tracked source."""
    path = Path(path).expanduser()
    absolute = Path(os.path.abspath(path))
    _refuse_links(path, absolute, argument)
    if absolute.is_dir():
        raise OutputError(f"{argument}: {path} is a folder; expected the path of a file")
    if tracked_source(absolute):
        raise OutputError(f"{argument}: {path} is a source file of the repository; write somewhere else (--force never replaces a tracked source)")
    if absolute.exists() and not force:
        with open(absolute, "rb") as handle:
            head = handle.read(1 << 20).decode("utf-8", "replace")
        if not MADE_BY[command].search(head):
            raise OutputError(f"{argument}: {path} exists and was not written by nncourse {command}; write somewhere else (or add --force to replace it)")
    ancestor = absolute.parent
    while not ancestor.exists():  # nothing is created before the work is done
        ancestor = ancestor.parent
    try:  # as root, os.access says yes to everything: try it, with a probe file that is removed
        if not ancestor.is_dir():
            raise NotADirectoryError(f"{ancestor} is a file")
        with tempfile.NamedTemporaryFile(dir=ancestor, prefix=".nncourse-probe-"):
            pass
        if absolute.exists():
            with open(absolute, "ab"):
                pass
    except OSError as exc:
        raise OutputError(f"{argument}: cannot write {path}: {exc.strerror or exc}") from None
    return absolute
