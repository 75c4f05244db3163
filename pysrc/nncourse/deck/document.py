"""Reading a course document: a ``.qmd`` (or a Jupyter notebook) as front matter and cells.

A ``.qmd`` is what Quarto reads: YAML front matter, Markdown, and ``{python}`` chunks
whose leading ``#|`` lines are the chunk's options. The renderer, the grader and
``nncourse tutorial`` all read documents through this module; :func:`to_notebook`
writes one back out as a notebook for students without Quarto.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

OPTION = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*)$")
FENCE = re.compile(r"^```\{python\}\s*$")


class RenderError(RuntimeError):
    """Rendering failed; the message names the slide and chunk, or the missing tool."""


@dataclass
class Cell:
    """One piece of the document: Markdown, or a Python chunk with its options."""

    kind: str  # "markdown" or "code"
    source: str
    options: dict = field(default_factory=dict)
    slide: str = ""  # the title of the slide the cell is on
    number: int = 0  # a code chunk's place among the document's chunks, from 1
    outputs: list = field(default_factory=list)


def read_document(path: Path) -> tuple[dict, list[Cell]]:
    """A ``.qmd`` file, read and parsed, with a :class:`RenderError` naming the file for
    anything wrong with it (not UTF-8, front matter unclosed or not YAML)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RenderError(f"document: cannot read {path}: {exc}") from None
    try:
        return parse_ipynb(text) if Path(path).suffix == ".ipynb" else parse_qmd(text)
    except ValueError as exc:
        raise RenderError(f"document: {path}: {exc}") from None


def parse_ipynb(text: str) -> tuple[dict, list[Cell]]:
    """A Jupyter notebook as the cells of a ``.qmd`` (its ``#|`` chunk options kept): the
    tutorial's notebook renders as its ``.qmd`` does."""
    import nbformat

    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 -- nbformat raises several kinds for a bad file
        raise ValueError(f"not a Jupyter notebook ({type(exc).__name__}: {exc})") from None
    cells, slide = [], ""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            heading = re.search(r"^#{1,2} (.+)$", cell.source, re.M)
            slide = heading.group(1).strip() if heading else slide
            cells.append(Cell("markdown", cell.source, slide=slide))
        elif cell.cell_type == "code":
            cells.append(_code_cell(cell.source.splitlines(), cells, slide))
    return {}, cells


def _code_cell(lines: list[str], cells: list[Cell], slide: str) -> Cell:
    """A chunk from its lines: the leading ``#|`` lines are its options (YAML values), the
    rest its code; numbered after the chunks already in ``cells``."""
    import yaml

    lines, options = list(lines), {}
    number = sum(c.kind == "code" for c in cells) + 1
    while lines and OPTION.match(lines[0]):
        key, value = OPTION.match(lines.pop(0)).groups()
        try:
            options[key] = yaml.safe_load(value)
        except yaml.YAMLError as exc:
            raise ValueError(f"chunk {number} on slide {slide!r}: option {key}: not a YAML value: {value!r} ({getattr(exc, 'problem', None) or exc})") from None
    return Cell("code", "\n".join(lines).strip("\n"), options, slide=slide, number=number)


def parse_qmd(text: str) -> tuple[dict, list[Cell]]:
    """Split a ``.qmd`` into its YAML front matter and cells (Markdown and ``{python}`` chunks).

    Raises ValueError saying what is wrong with the front matter."""
    front, text = _front_matter(text)
    cells: list[Cell] = []
    markdown: list[str] = []
    slide = str(front.get("title", ""))
    lines = iter(text.splitlines())
    for line in lines:
        if FENCE.match(line):
            cells.append(Cell("markdown", "\n".join(markdown), slide=slide))
            markdown = []
            body = []
            for inner in lines:
                if inner.startswith("```"):
                    break
                body.append(inner)
            cells.append(_code_cell(body, cells, slide))
        else:
            heading = re.match(r"^#{1,2} (.+?)(\s+\{.*\})?$", line)
            if heading:
                slide = heading.group(1)
            markdown.append(line)
    cells.append(Cell("markdown", "\n".join(markdown), slide=slide))
    return front, [c for c in cells if c.kind == "code" or c.source.strip()]


def _front_matter(text: str) -> tuple[dict, str]:
    """The YAML between a first line ``---`` and the next, and the text after it."""
    import yaml

    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 3)
    if end < 0 and text.endswith("\n---"):
        end = len(text) - 4
    if end < 0:
        raise ValueError("the front matter opened by --- on line 1 is never closed by a line ---")
    try:
        front = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"the front matter is not valid YAML{yaml_problem(exc, first_line=2)}") from None
    if not isinstance(front, dict):
        raise ValueError(f"the front matter must be YAML keys and values, got a {type(front).__name__}")
    check_settings(front, "the front matter")
    return front, text[end + 5 :]


def yaml_problem(exc, *, first_line: int) -> str:
    """What YAML said is wrong and on which line of the file (the YAML's first line being
    ``first_line``): " (line N): problem"."""
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + first_line})" if mark is not None else ""
    return f"{where}: {getattr(exc, 'problem', None) or exc}"


def check_settings(settings: dict, where: str) -> None:
    """``execute`` and ``format`` in front matter or ``_quarto.yml`` shaped as Quarto reads
    them (keys and values; a format by name or with its options), or a ValueError saying
    what came, with ``where`` naming the place."""
    execute = settings.get("execute")
    if execute is not None and not isinstance(execute, dict):
        raise ValueError(f"{where}: execute: expected options such as echo: false, got {execute!r}")
    for key, value in (execute or {}).items():
        if key in CHUNK_OPTIONS and not CHUNK_OPTIONS[key][0](value):
            raise ValueError(f"{where}: execute: {key}: expected {CHUNK_OPTIONS[key][1]}, got {value!r}")
    formats = settings.get("format")
    if formats is None or isinstance(formats, str):
        return
    if not isinstance(formats, dict):
        raise ValueError(f"{where}: format: expected a format's name or formats with their options (such as revealjs: {{theme: white}}), got {formats!r}")
    for name, options in formats.items():
        if options is not None and options != "default" and not isinstance(options, dict):
            raise ValueError(f"{where}: format: {name}: expected the format's options (keys and values) or default, got {options!r}")


STEPS = re.compile(r"[\d,|-]+")  # code-line-numbers' highlight steps, such as "1-18|20-34"


def _is_bool(value) -> bool:
    return isinstance(value, bool)


def _is_text(value) -> bool:
    return isinstance(value, str)


# The chunk options the built-in path honours: what each value must be, in code and in words.
CHUNK_OPTIONS = {
    "echo": (_is_bool, "true or false"),
    "eval": (_is_bool, "true or false"),
    "include": (_is_bool, "true or false"),
    "warning": (_is_bool, "true or false"),
    "output": (lambda v: isinstance(v, bool) or v == "asis", "true, false or asis"),
    "fig-cap": (_is_text, "text"),
    "fig-alt": (_is_text, "text"),
    "label": (_is_text, "text"),
    "code-line-numbers": (lambda v: isinstance(v, bool) or (isinstance(v, str) and STEPS.fullmatch(v) is not None), 'true, false or steps such as "1-8|10-20"'),
}
# Quarto's other cell options for Jupyter documents (its resources/schema/cell-*.yml): valid
# under Quarto, not honoured by the built-in path.
QUARTO_ONLY_OPTIONS = frozenset(
    "classes tags id error message code-fold code-summary code-overflow lst-label lst-cap fig-width fig-height "
    "fig-subcap fig-link fig-align fig-env fig-pos fig-scap fig-format fig-dpi fig-asp out-width out-height "
    "tbl-cap tbl-subcap tbl-colwidths layout layout-ncol layout-nrow layout-align layout-valign column "
    "fig-column tbl-column cap-location fig-cap-location tbl-cap-location output-location panel "
    "html-table-processing renderings".split()
)


def check_chunks(cells: list[Cell], *, quarto: bool) -> None:
    """Every chunk's options known and of the right kind, or a ValueError naming the chunk,
    its slide and the option (a misspelt name with the nearest known one). Under Quarto,
    Quarto's own options are accepted; the built-in path refuses what it would ignore."""
    import difflib

    known = [*CHUNK_OPTIONS, *QUARTO_ONLY_OPTIONS]
    for cell in cells:
        for key, value in cell.options.items():
            where = f"chunk {cell.number} on slide {cell.slide!r}: option {key}"
            if key in CHUNK_OPTIONS and not CHUNK_OPTIONS[key][0](value):
                raise ValueError(f"{where}: expected {CHUNK_OPTIONS[key][1]}, got {value!r}")
            if key in QUARTO_ONLY_OPTIONS and not quarto:
                raise ValueError(f"{where} is Quarto's, and the built-in path does not honour it: render with Quarto (--quarto) or remove it")
            if key not in known:
                near = difflib.get_close_matches(key, known, n=1)
                hint = f" (did you mean {near[0]}?)" if near else f" (the options known: {', '.join(CHUNK_OPTIONS)})"
                raise ValueError(f"chunk {cell.number} on slide {cell.slide!r}: unknown option {key}{hint}")


def options_for(cell: Cell, defaults: dict) -> dict:
    """A chunk's options over the document's ``execute`` defaults (Quarto's precedence)."""
    merged = {"echo": True, "eval": True, "output": True, "include": True, "warning": True, "code-line-numbers": True}
    merged.update(defaults)
    merged.update(cell.options)
    return merged


def project_options(folder: Path) -> dict:
    """The ``_quarto.yml`` of the project in ``folder``, or nothing when there is none; a
    :class:`RenderError` naming the file when it cannot be read or is not Quarto's shape."""
    import yaml

    project = Path(folder) / "_quarto.yml"
    if not project.exists():
        return {}
    try:
        options = yaml.safe_load(project.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise RenderError(f"{project}: cannot read it: {exc}") from None
    except yaml.YAMLError as exc:
        raise RenderError(f"{project}: not valid YAML{yaml_problem(exc, first_line=1)}") from None
    if not isinstance(options, dict):
        raise RenderError(f"{project}: expected YAML keys and values (project:, format:, execute:), got a {type(options).__name__}")
    try:
        check_settings(options, str(project))
    except ValueError as exc:
        raise RenderError(str(exc)) from None
    return options


def format_options(front: dict, to: str, folder: Path) -> dict:
    """The options of output format ``to``: the document's front matter over the project's."""

    def of(settings: dict) -> dict:
        formats = settings.get("format")
        options = formats.get(to) if isinstance(formats, dict) else None
        return options if isinstance(options, dict) else {}  # a format named bare: its defaults

    return {**of(project_options(folder)), **of(front)}


def to_notebook(document: Path):
    """A ``.qmd`` as a Jupyter notebook (Markdown and code cells, chunk options kept as ``#|``
    lines), for students without Quarto."""
    import nbformat

    front, cells = read_document(Path(document))
    title = f"# {front['title']}\n\n{front.get('subtitle', '')}".strip() if "title" in front else ""
    nb_cells = [nbformat.v4.new_markdown_cell(title)] if title else []
    for cell in cells:
        if cell.kind == "markdown":
            nb_cells.append(nbformat.v4.new_markdown_cell(cell.source.strip("\n")))
        else:
            options = "".join(f"#| {k}: {str(v).lower() if isinstance(v, bool) else v}\n" for k, v in cell.options.items())
            nb_cells.append(nbformat.v4.new_code_cell(options + cell.source))
    notebook = nbformat.v4.new_notebook(cells=nb_cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook
