"""Render the deck: with Quarto where it is installed, else the built-in path.

The built-in path does what Quarto does with a Jupyter-engine document: it reads the
document (:mod:`.document`), executes its Python chunks in a Jupyter kernel
(:mod:`.execute`) and builds one self-contained reveal.js or HTML file with Pandoc
(:mod:`.pandoc`). Either way it writes only into the output folder.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from .document import RenderError, read_document
from .execute import CELL_TIMEOUT, execute
from .pandoc import build_html, to_markdown

FORMATS = ("revealjs", "html")
__all__ = ["CELL_TIMEOUT", "FORMATS", "RenderError", "Rendered", "render", "rendered_path"]


@dataclass(frozen=True)
class Rendered:
    path: Path
    engine: str  # "quarto" or "built-in"


def rendered_path(document: Path | None = None, output_dir: Path | None = None) -> Path:
    """Where rendering ``document`` (the project's deck by default) writes:
    ``<output_dir>/<name>.html``, by default in :func:`nncourse.paths.output_folder`
    (``_output`` beside the document, Quarto's place; the current folder's for the
    package's bundled copy)."""
    document = Path(document) if document is not None else paths.project().deck
    folder = Path(output_dir).resolve() if output_dir else paths.output_folder(document)
    return folder / (document.stem + ".html")


def render(
    to: str = "revealjs",
    output_dir: Path | None = None,
    progress=None,
    *,
    use_quarto: bool | None = None,
    document: Path | None = None,
    cell_timeout: float = CELL_TIMEOUT,
    force: bool = False,
) -> Rendered:
    """Render ``document`` (the project's deck by default, :mod:`nncourse.paths`): with
    ``quarto`` when on PATH (unless ``use_quarto=False``), else by the built-in path. Writes
    only into ``output_dir`` (default: :func:`rendered_path`'s).

    Everything that can be checked is checked before any work: the format, the document
    and its front matter, and that the output file may be written (not a tracked source,
    nor a file no renderer made, unless ``force``; see :mod:`nncourse.safe_write`)."""
    asked = Path(document) if document is not None else paths.project().deck
    document = _checked_document(to, asked, cell_timeout)
    target = _checked_target(asked, output_dir, force)
    quarto = shutil.which("quarto")
    if use_quarto is None:
        use_quarto = quarto is not None
    if use_quarto:
        return _render_with_quarto(quarto, document, to, target, bundled=paths.is_bundled(asked))
    front, cells = execute(document, progress, cell_timeout=cell_timeout)
    with tempfile.TemporaryDirectory() as assets:
        markdown = to_markdown(front, cells, Path(assets))
        path = build_html(markdown, front, target, to=to, resource_path=Path(assets), folder=document.parent)
    return Rendered(path, "built-in")


def _checked_document(to: str, document: Path, cell_timeout: float) -> Path:
    """The document to render, resolved, once the format, limit and document are checked."""
    from ..validation import positive_seconds

    if to not in FORMATS:
        raise ValueError(f"to: expected one of {FORMATS}, got {to!r}")
    positive_seconds("cell_timeout", cell_timeout)
    document = Path(document).resolve()
    if not document.exists():
        raise ValueError(f"document: no such file: {document}")
    if not document.is_file() or document.suffix not in (".qmd", ".ipynb"):
        raise ValueError(f"document: expected a .qmd file or a Jupyter notebook (.ipynb), got {document}")
    read_document(document)  # front matter and YAML, before any work
    return document


def _checked_target(document: Path, output_dir: Path | None, force: bool) -> Path:
    from ..safe_write import check_folder, check_target

    if output_dir is not None:  # before rendered_path resolves it: no link on the way
        output_dir = check_folder(output_dir, argument="--output", makes=document.stem + ".html")
    return check_target(rendered_path(document, output_dir), argument="--output", command="render", force=force)


def _render_with_quarto(quarto: str | None, document: Path, to: str, target: Path, *, bundled: bool) -> Rendered:
    """``quarto render`` into the target's folder, its own error shown when it fails. Quarto
    writes ``.quarto/`` into the document's project: the package's bundled copy (read
    only) is rendered from a temporary copy instead."""
    if quarto is None:
        raise RenderError("quarto: not found on PATH")
    with tempfile.TemporaryDirectory() as scratch:
        if bundled:
            document = Path(shutil.copytree(document.parent, Path(scratch) / document.parent.name)) / document.name
        done = subprocess.run([quarto, "render", str(document), "--to", to, "--output-dir", str(target.parent)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RenderError(f"quarto render failed:\n{done.stderr.strip()}")
    return Rendered(target, "quarto")
