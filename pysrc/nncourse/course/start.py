"""``nncourse tutorial DIR``: the tutorial copied into a student's working folder."""

from __future__ import annotations

from pathlib import Path

from .. import paths

TUTORIAL = paths.WEEK10.tutorial  # the package's own; start() copies the project's


def start(folder) -> list[tuple[str, str]]:
    """Copy the project's tutorial (:func:`nncourse.paths.project`) into ``folder`` as
    ``tutorial.qmd`` and ``tutorial.ipynb`` (for Jupyter, without Quarto). A file already
    there is never overwritten: the student's work is kept. Returns (file, "written" or "kept") pairs."""
    import nbformat

    from ..deck.document import to_notebook

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"folder: expected a folder to put the tutorial in, got the file {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    tutorial = paths.project().tutorial
    done = []
    for name, write in (
        ("tutorial.qmd", lambda path: path.write_text(tutorial.read_text())),
        ("tutorial.ipynb", lambda path: nbformat.write(to_notebook(tutorial), str(path))),
    ):
        path = folder / name
        if path.exists() or path.is_symlink():  # a link, even a dangling one, is never written through
            done.append((str(path), "kept"))
        else:
            write(path)
            done.append((str(path), "written"))
    return done
