"""``nncourse tutorial DIR``: the tutorial copied into a student's working folder."""

from __future__ import annotations

from pathlib import Path

from .. import paths

TUTORIAL = paths.COURSE / "tutorial.qmd"


def start(folder) -> list[tuple[str, str]]:
    """Copy the tutorial into ``folder`` as ``tutorial.qmd`` and ``tutorial.ipynb``
    (for Jupyter, without Quarto). A file already there is never overwritten: the
    student's work is kept. Returns (file, "written" or "kept") pairs."""
    import nbformat

    from ..deck.render import to_notebook

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    done = []
    for name, write in (
        ("tutorial.qmd", lambda path: path.write_text(TUTORIAL.read_text())),
        ("tutorial.ipynb", lambda path: nbformat.write(to_notebook(TUTORIAL), str(path))),
    ):
        path = folder / name
        if path.exists() or path.is_symlink():  # a link, even a dangling one, is never written through
            done.append((str(path), "kept"))
        else:
            write(path)
            done.append((str(path), "written"))
    return done
