"""Render the deck: with Quarto where it is installed, else the built-in path.

The built-in path does what Quarto does with a Jupyter-engine document: it executes
the ``.qmd``'s Python cells in a Jupyter kernel (nbclient/ipykernel, the engine Quarto
drives), honours the chunk options the deck uses (``echo``, ``eval``, ``output``,
``include``, ``fig-cap``, ``fig-alt``, ``code-line-numbers``) and builds reveal.js
HTML with Pandoc (``pypandoc-binary``) and reveal.js from npm (``npm ci`` at set-up).
The result is one self-contained file: figures embedded, maths typeset by MathJax 3
as SVG at build time, nothing fetched from the network; reveal.js configured with
Quarto's revealjs defaults under the deck's own options. It writes only into the output folder.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import NODE_MODULES, ROOT, SLIDES

DECK = "week10-neural-networks.qmd"
REVEALJS = NODE_MODULES / "reveal.js"
FORMATS = ("revealjs", "html")
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
    while lines and OPTION.match(lines[0]):
        key, value = OPTION.match(lines.pop(0)).groups()
        options[key] = yaml.safe_load(value)
    number = sum(c.kind == "code" for c in cells) + 1
    return Cell("code", "\n".join(lines).strip("\n"), options, slide=slide, number=number)


def parse_qmd(text: str) -> tuple[dict, list[Cell]]:
    """Split a ``.qmd`` into its YAML front matter and cells (Markdown and ``{python}`` chunks).

    Raises ValueError saying what is wrong with the front matter."""
    import yaml

    front: dict = {}
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end < 0 and text.endswith("\n---"):
            end = len(text) - 4
        if end < 0:
            raise ValueError("the front matter opened by --- on line 1 is never closed by a line ---")
        try:
            front = yaml.safe_load(text[4:end]) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 2})" if mark is not None else ""
            raise ValueError(f"the front matter is not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
        if not isinstance(front, dict):
            raise ValueError(f"the front matter must be YAML keys and values, got a {type(front).__name__}")
        text = text[end + 5 :]
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


def options_for(cell: Cell, defaults: dict) -> dict:
    """A chunk's options over the document's ``execute`` defaults (Quarto's precedence)."""
    merged = {"echo": True, "eval": True, "output": True, "include": True, "warning": True, "code-line-numbers": True}
    merged.update(defaults)
    merged.update(cell.options)
    return merged


# What Quarto's Jupyter engine runs first in the kernel: inline PNG figures.
KERNEL_SETUP = Cell("code", '%matplotlib inline\n%config InlineBackend.figure_formats = ["png"]\n%config InlineBackend.rc = {"figure.dpi": 144}')


CELL_TIMEOUT = 120.0  # seconds a chunk may run before the render stops it


def execute(path: Path = SLIDES / DECK, progress=None, *, cell_timeout: float = CELL_TIMEOUT) -> tuple[dict, list[Cell]]:
    """Execute every ``eval``-ed chunk of a ``.qmd`` in one Jupyter kernel, in order, from
    the document's folder. Cells come back with their outputs (nbformat dicts).

    A chunk that runs past ``cell_timeout`` seconds, or that kills its kernel
    (``os._exit``, a crash), ends the render with a :class:`RenderError` naming its slide
    and number; Ctrl-C stops the kernel and raises :class:`KeyboardInterrupt`. The
    kernel's sockets and connection file live in one temporary folder, removed after."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    progress = progress or (lambda message: None)
    front, cells = read_document(path)
    defaults = {**_project_options(path.parent).get("execute", {}), **front.get("execute", {})}
    code = [c for c in cells if c.kind == "code" and options_for(c, defaults)["eval"]]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.source) for c in [KERNEL_SETUP, *code]])
    with tempfile.TemporaryDirectory(prefix="nncourse-kernel-") as private:
        # IPC sockets and the connection file in a private folder: no TCP, nothing left behind
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(private) / "kernel"), connection_file=str(Path(private) / "kernel.json"))
        client = NotebookClient(nb, km=km, timeout=None, resources={"metadata": {"path": str(path.parent)}})
        try:
            _run(client, km, nb, code, progress, cell_timeout)
        finally:
            if km.has_kernel:  # nbclient leaves a kernel it was handed running
                km.shutdown_kernel(now=True)
    return {**front, "execute": defaults}, cells


def _run(client, km, nb, code: list[Cell], progress, cell_timeout: float) -> None:
    """Run the cells in a thread and watch it: the kernel alive, each chunk within its time.

    (nbclient alone waits forever for a kernel that exits in the middle of a cell.)"""
    from nbclient.exceptions import CellExecutionError

    state = {"cell": None, "started": 0.0, "error": None, "done": False}

    def work():
        try:
            with client.setup_kernel():
                client.execute_cell(nb.cells[0], 0)
                for index, (cell, nb_cell) in enumerate(zip(code, nb.cells[1:])):
                    state["cell"], state["started"] = cell, time.monotonic()
                    progress(f"[{index + 1}/{len(code)}] {cell.slide}")
                    client.execute_cell(nb_cell, index + 1)
                    cell.outputs = nb_cell.outputs
        except CellExecutionError as exc:
            cell = state["cell"]
            if getattr(exc, "ename", "") == "RUnavailable":  # the reason, not the kernel's traceback
                state["error"] = RenderError(f"chunk {cell.number} on slide {cell.slide!r} needs R: {exc.evalue}")
            else:
                plain = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # the traceback's terminal colours
                state["error"] = RenderError(f"chunk {cell.number} on slide {cell.slide!r} failed:\n{plain}")
        except BaseException as exc:  # noqa: BLE001 -- handed to the watching thread
            state["error"] = exc
        finally:
            state["done"] = True

    worker = threading.Thread(target=work, name="nncourse-render-cells", daemon=True)
    worker.start()
    while not state["done"]:
        worker.join(0.1)
        cell = state["cell"]
        if cell is None or state["done"]:
            continue
        if km.has_kernel and not km.is_alive():
            raise RenderError(f"chunk {cell.number} on slide {cell.slide!r} ended the Python kernel (os._exit, sys.exit in a thread, or a crash); the render stopped there")
        if time.monotonic() - state["started"] > cell_timeout:
            raise RenderError(f"chunk {cell.number} on slide {cell.slide!r} ran past its time limit of {cell_timeout:g} s and was stopped (--cell-timeout sets the limit)")
    if state["error"] is not None:
        error = state["error"]
        if isinstance(error, RenderError):
            raise error
        raise RenderError(f"the Jupyter kernel failed: {type(error).__name__}: {error}") from None


def to_markdown(front: dict, cells: list[Cell], assets: Path) -> str:
    """Pandoc Markdown for executed cells, honouring each chunk's options.

    Figures are written into ``assets`` and referenced from there."""
    import yaml

    defaults = front.get("execute", {})
    meta = {key: front[key] for key in ("title", "subtitle", "author", "date") if key in front}
    parts = [f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---"]
    figure = 0
    for cell in cells:
        if cell.kind == "markdown":
            parts.append(cell.source)
            continue
        options = options_for(cell, defaults)
        if not options["include"]:
            continue
        numbered = _line_numbers(options["code-line-numbers"])
        if options["echo"]:
            parts.append(f"```{{.python {numbered}}}\n{cell.source}\n```")
        if options["output"] is False:
            continue
        for output in cell.outputs:
            if output["output_type"] == "stream":
                if output["name"] == "stderr" and not options["warning"]:
                    continue
                text = output["text"]
                parts.append(_asis(text) if options["output"] == "asis" else f"```\n{text.rstrip()}\n```")
            elif output["output_type"] in ("execute_result", "display_data"):
                data = output["data"]
                if "image/png" in data:
                    figure += 1
                    file = assets / f"figure-{figure}.png"
                    file.write_bytes(base64.b64decode(data["image/png"]))
                    caption = options.get("fig-cap", "")
                    alt = options.get("fig-alt", caption)
                    parts.append(f'![{caption}]({file.as_posix()}){{fig-alt="{alt}"}}')
                elif "text/html" in data:
                    parts.append(f"```{{=html}}\n{data['text/html']}\n```")
                elif "text/markdown" in data:
                    parts.append(data["text/markdown"])
                elif "text/plain" in data:
                    parts.append(f"```\n{data['text/plain']}\n```")
    return "\n\n".join(parts) + "\n"


def _line_numbers(option) -> str:
    """Quarto's ``code-line-numbers`` as Pandoc attributes: ``true`` numbers the lines; a
    string such as ``"1-18|20-34"`` numbers them and steps through those highlights
    (``assets/line_steps.js`` does in the built-in deck what Quarto's plugin does)."""
    if option is True:
        return ".numberLines"
    if isinstance(option, str) and re.fullmatch(r"[\d,|-]+", option):
        return f'.numberLines data-code-line-numbers="{option}"'
    if option is False:
        return ""
    raise RenderError(f"code-line-numbers: expected true, false or steps such as \"1-8|10-20\", got {option!r}")


def _asis(markdown: str) -> str:
    """Raw Markdown printed by a chunk; Quarto's ``code-line-numbers`` becomes Pandoc's ``.numberLines``."""
    return re.sub(r'\{(\.\w+) code-line-numbers="true"\}', r"{\1 .numberLines}", markdown)


# Quarto's own revealjs defaults (its "opinionated" reveal config, documented in Quarto's
# revealjs reference), which the built-in path applies under the document's options so that
# a lecturer who switches renderers sees the same deck.
QUARTO_REVEAL_DEFAULTS = {
    "width": 1050, "height": 700, "margin": 0.1, "center": False, "navigationMode": "linear",
    "controlsLayout": "edges", "controlsTutorial": False, "hash": True, "history": True,
    "hashOneBasedIndex": False, "fragmentInURL": False, "transition": "none", "backgroundTransition": "none",
}
REVEAL_OPTIONS = {*QUARTO_REVEAL_DEFAULTS, "controls", "slideNumber", "progress", "minScale", "maxScale"}
QUARTO_LOOK = Path(__file__).with_name("assets") / "quarto-look.css"
LINE_STEPS = Path(__file__).with_name("assets") / "line_steps.js"


def reveal_config(options: dict) -> dict:
    """reveal.js's configuration for a deck's ``format: revealjs`` options, as Quarto resolves
    it: Quarto's defaults, the document's options over them (kebab-case as in ``_quarto.yml``),
    and ``slide-number: true`` shown as Quarto shows it in a linear deck, "current / total"."""
    config = dict(QUARTO_REVEAL_DEFAULTS)
    for key, value in options.items():
        camel = re.sub(r"-(\w)", lambda m: m.group(1).upper(), key)
        if camel in REVEAL_OPTIONS:
            config[camel] = value
    if config.get("slideNumber") is True:
        config["slideNumber"] = "c/t" if config["navigationMode"] == "linear" else "h.v"
    return config


# Options Pandoc's revealjs template puts in quotes itself; it pastes the others as they come.
QUOTED_BY_PANDOC = {"controlsLayout", "navigationMode", "transition", "backgroundTransition"}


def _js(key: str, value) -> str:
    """An option's value as the text Pandoc's template needs to make a JavaScript literal."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str) and key not in QUOTED_BY_PANDOC:
        return f"'{value}'"
    return str(value)


def build_html(markdown: str, front: dict, output: Path, *, to: str, resource_path: Path, folder: Path = SLIDES) -> Path:
    """Pandoc: Markdown to one self-contained reveal.js (or plain HTML) file, maths typeset
    by MathJax 3 at build time (:mod:`nncourse.deck.mathsvg`)."""
    import pypandoc

    from . import mathsvg

    options = _format_options(front, to, folder)
    ast = json.loads(pypandoc.convert_text(markdown, to="json", format="markdown"))
    try:
        math_css = mathsvg.typeset(ast)
    except mathsvg.MathError as exc:
        raise RenderError(str(exc)) from None
    args = ["--standalone", "--embed-resources", f"--resource-path={resource_path}"]
    styles = ([QUARTO_LOOK] if to == "revealjs" else []) + [folder / css for css in _as_list(options.get("css"))]
    args += [f"--css={css}" for css in styles]
    with tempfile.TemporaryDirectory() as scratch:
        if math_css:
            header = Path(scratch) / "math.html"
            header.write_text(f"<style>\n{math_css}</style>\n")
            args.append(f"--include-in-header={header}")
        if to == "revealjs":
            if not (REVEALJS / "dist" / "reveal.js").exists():
                raise RenderError(f"reveal.js is not installed at {REVEALJS}: run `npm ci` in {ROOT} (bash scripts/run.sh setup does)")
            args += [
                "--slide-level=2",
                f"--variable=revealjs-url={REVEALJS}",
                f"--variable=theme={options.get('theme', 'white').replace('default', 'white')}",
            ]
            # the title slide as Quarto lays it out: centred, on a deck that is not
            ast["meta"]["title-slide-attributes"] = {"t": "MetaMap", "c": {"class": {"t": "MetaString", "c": "quarto-title-block center"}}}
            args += [f"--variable={key}={_js(key, value)}" for key, value in reveal_config(options).items()]
            steps = Path(scratch) / "line-steps.html"
            steps.write_text(f"<script>\n{LINE_STEPS.read_text()}</script>\n")
            args.append(f"--include-after-body={steps}")
        output.parent.mkdir(parents=True, exist_ok=True)
        pypandoc.convert_text(json.dumps(ast), to=to if to == "revealjs" else "html5", format="json", outputfile=str(output), extra_args=args)
    return output


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


@dataclass(frozen=True)
class Rendered:
    path: Path
    engine: str  # "quarto" or "built-in"


def rendered_path(document: Path = SLIDES / DECK, output_dir: Path | None = None) -> Path:
    """Where rendering ``document`` writes: ``<output_dir>/<name>.html``, in ``_output``
    beside the document by default (Quarto's place for a project's output)."""
    document = Path(document).resolve()
    folder = Path(output_dir).resolve() if output_dir else document.parent / "_output"
    return folder / (document.stem + ".html")


def render(
    to: str = "revealjs",
    output_dir: Path | None = None,
    progress=None,
    *,
    use_quarto: bool | None = None,
    document: Path = SLIDES / DECK,
    cell_timeout: float = CELL_TIMEOUT,
    force: bool = False,
) -> Rendered:
    """Render ``document`` (the deck by default): with ``quarto`` when on PATH (unless
    ``use_quarto=False``), else by the built-in path. Writes only into ``output_dir``
    (default: ``_output`` beside the document).

    Everything that can be checked is checked before any work: the format, the document
    and its front matter, and that the output file may be written (not a tracked source,
    nor a file no renderer made, unless ``force``; see :mod:`nncourse.safe_write`)."""
    from ..validation import positive_seconds
    from ..safe_write import check_target

    if to not in FORMATS:
        raise ValueError(f"to: expected one of {FORMATS}, got {to!r}")
    positive_seconds("cell_timeout", cell_timeout)
    document = Path(document).resolve()
    if not document.exists():
        raise ValueError(f"document: no such file: {document}")
    if not document.is_file() or document.suffix not in (".qmd", ".ipynb"):
        raise ValueError(f"document: expected a .qmd file or a Jupyter notebook (.ipynb), got {document}")
    read_document(document)  # front matter and YAML, before any work
    target = check_target(rendered_path(document, output_dir), argument="--output", command="render", force=force)
    quarto = shutil.which("quarto")
    if use_quarto is None:
        use_quarto = quarto is not None
    if use_quarto:
        if quarto is None:
            raise RenderError("quarto: not found on PATH")
        from . import quarto as quarto_cli

        done = quarto_cli.render(quarto, document, to, target.parent)
        if done.returncode != 0:
            raise RenderError(f"quarto render failed:\n{done.stderr.strip()}")
        return Rendered(target, "quarto")
    front, cells = execute(document, progress, cell_timeout=cell_timeout)
    with tempfile.TemporaryDirectory() as assets:
        markdown = to_markdown(front, cells, Path(assets))
        path = build_html(markdown, front, target, to=to, resource_path=Path(assets), folder=document.parent)
    return Rendered(path, "built-in")


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


def _project_options(folder: Path) -> dict:
    import yaml

    project = folder / "_quarto.yml"
    return yaml.safe_load(project.read_text()) if project.exists() else {}


def _format_options(front: dict, to: str, folder: Path) -> dict:
    project = (_project_options(folder).get("format", {}) or {}).get(to, {}) or {}
    own = front.get("format", {})
    own = (own.get(to, {}) or {}) if isinstance(own, dict) else {}
    return {**project, **own}
