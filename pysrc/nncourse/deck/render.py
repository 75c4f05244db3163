"""Render the deck: with Quarto where it is installed, else the built-in path.

The built-in path does what Quarto does with a Jupyter-engine document: it reads the
document (:mod:`.document`), executes its Python chunks in a Jupyter kernel
(:mod:`.execute`) and builds one self-contained reveal.js or HTML file with Pandoc
(:mod:`.pandoc`). Either way it writes only into the output folder.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from .document import RenderError, check_chunks, project_options, read_document
from .execute import CELL_TIMEOUT, R_ENGINE, execute
from .pandoc import build_html, check_format, to_markdown

FORMATS = ("revealjs", "html")
__all__ = ["CELL_TIMEOUT", "FORMATS", "RenderError", "Rendered", "render", "rendered_path"]


@dataclass(frozen=True)
class Rendered:
    path: Path
    engine: str  # "quarto" or "built-in"
    handout: Path | None = None  # the PDF, when one was asked for


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
    pdf: bool = False,
    notes: bool = False,
    r_engine: str = "rpy2",
) -> Rendered:
    """Render ``document`` (the project's deck by default, :mod:`nncourse.paths`): with
    ``quarto`` when on PATH (unless ``use_quarto=False``), else by the built-in path. Writes
    only into ``output_dir`` (default: :func:`rendered_path`'s): the HTML and, with ``pdf``, the handout
    beside it (:mod:`.handout`; ``notes`` adds the speaker notes). The deck's R runs on
    ``r_engine``: the system R through rpy2 (the course's default) or R 4.6 in webR; the
    kernel gets it as the environment variable ``NNCOURSE_R_ENGINE``, which
    :mod:`.slide` reads.

    Everything that can be checked is checked before any work: the format, the document,
    its front matter and chunk options, the project's ``_quarto.yml``, the style sheets,
    and that the output files may be written (not a tracked source, nor a file no
    renderer made, unless ``force``; see :mod:`nncourse.safe_write`)."""
    asked = Path(document) if document is not None else paths.project().deck
    document = _checked_document(to, asked, cell_timeout)
    _check_options(to, pdf, notes, r_engine)
    quarto = shutil.which("quarto")
    if use_quarto is None:
        use_quarto = quarto is not None
    _check_settings(document, to, quarto=use_quarto)
    target = _checked_target(asked, output_dir, force)
    printed = _checked_handout(target, force) if pdf else None
    if use_quarto:
        _render_with_quarto(quarto, document, to, target, r_engine, bundled=paths.is_bundled(asked))
    else:
        front, cells = execute(document, progress, cell_timeout=cell_timeout, r_engine=r_engine)
        with tempfile.TemporaryDirectory() as assets:
            markdown = to_markdown(front, cells, Path(assets))
            build_html(markdown, front, target, to=to, resource_path=Path(assets), folder=document.parent)
    if printed is not None:
        _print_handout(target, printed, notes, progress)
    return Rendered(target, "quarto" if use_quarto else "built-in", printed)


def _check_options(to: str, pdf: bool, notes: bool, r_engine: str) -> None:
    from ..r.bridge import ENGINES

    if r_engine not in ENGINES:
        raise ValueError(f"r_engine: expected one of {ENGINES}, got {r_engine!r}")
    if pdf and to != "revealjs":
        raise ValueError(f"pdf: the handout is printed from a reveal.js deck (to 'revealjs'), got to {to!r}")
    if notes and not pdf:
        raise ValueError("notes: the speaker notes go into the handout: ask for the PDF too (--pdf)")


def _checked_handout(target: Path, force: bool) -> Path:
    """Where the handout goes (the deck's name, ``.pdf``), checked as the HTML's place is."""
    from ..safe_write import check_target

    return check_target(target.with_suffix(".pdf"), argument="--pdf", command="handout", force=force)


def _print_handout(deck: Path, pdf: Path, notes: bool, progress) -> None:
    from .handout import HandoutError, handout

    (progress or (lambda message: None))(f"printing the handout {pdf.name}")
    try:
        handout(deck, pdf, notes=notes)
    except HandoutError as exc:
        raise RenderError(f"--pdf: {exc}") from None


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
    return document


def _check_settings(document: Path, to: str, *, quarto: bool) -> None:
    """The project's ``_quarto.yml``, the format's options and every chunk's options, checked
    before any work: a RenderError names the file, or the chunk and its slide."""
    front, cells = read_document(document)  # front matter and YAML, before any work
    project_options(document.parent)
    check_format(front, to, document.parent)
    try:
        check_chunks(cells, quarto=quarto)
    except ValueError as exc:
        raise RenderError(f"document: {document}: {exc}") from None


def _checked_target(document: Path, output_dir: Path | None, force: bool) -> Path:
    from ..safe_write import check_folder, check_target

    if output_dir is not None:  # before rendered_path resolves it: no link on the way
        output_dir = check_folder(output_dir, argument="--output", makes=document.stem + ".html")
    return check_target(rendered_path(document, output_dir), argument="--output", command="render", force=force)


def _render_with_quarto(quarto: str | None, document: Path, to: str, target: Path, r_engine: str, *, bundled: bool) -> None:
    """``quarto render`` into the target's folder, its own error shown when it fails. Quarto
    writes ``.quarto/`` into the document's project: the package's bundled copy (read
    only) is rendered from a temporary copy instead."""
    if quarto is None:
        raise RenderError("quarto: not found on PATH")
    from . import quarto as quarto_cli

    with tempfile.TemporaryDirectory() as scratch:
        if bundled:
            document = Path(shutil.copytree(document.parent, Path(scratch) / document.parent.name)) / document.name
        done = quarto_cli.render(quarto, document, to, target.parent, env={R_ENGINE: r_engine})
    if done.returncode != 0:
        raise RenderError(f"quarto render failed:\n{done.stderr.strip()}")
