"""Running a document's Python chunks in a Jupyter kernel, as Quarto's Jupyter engine does.

One kernel (nbclient/ipykernel, the engine Quarto drives) runs every ``eval``-ed chunk in
order, from the document's folder, with inline PNG figures. The render watches it: a
chunk past its time limit, or one that ends its kernel, stops the render with an error
naming its slide and number; nothing is left behind (sockets, connection file).
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from pathlib import Path

from .. import paths
from .document import Cell, RenderError, options_for, project_options, read_document

# What Quarto's Jupyter engine runs first in the kernel: inline PNG figures.
KERNEL_SETUP = Cell("code", '%matplotlib inline\n%config InlineBackend.figure_formats = ["png"]\n%config InlineBackend.rc = {"figure.dpi": 144}')

R_ENGINE = "NNCOURSE_R_ENGINE"  # the kernel's environment variable naming the R the deck's R runs on
CELL_TIMEOUT = 120.0  # seconds a chunk may run before the render stops it
OUTPUT_LIMIT = 100_000  # characters of text a chunk's outputs may put in the document
TEXT = ("text/html", "text/markdown", "text/plain")  # the order to_markdown prefers them in


def execute(path: Path | None = None, progress=None, *, cell_timeout: float = CELL_TIMEOUT, r_engine: str = "rpy2") -> tuple[dict, list[Cell]]:
    """Execute every ``eval``-ed chunk of a ``.qmd`` (the project's deck by default) in one
    Jupyter kernel, in order, from the document's folder. Cells come back with their
    outputs (nbformat dicts); the kernel's :data:`R_ENGINE` names ``r_engine``, the R that
    :mod:`.slide` runs.

    A chunk that runs past ``cell_timeout`` seconds, or that kills its kernel
    (``os._exit``, a crash), ends the render with a :class:`RenderError` naming its slide
    and number; Ctrl-C stops the kernel and raises :class:`KeyboardInterrupt`. The
    kernel's sockets and connection file live in one temporary folder, removed after. A
    document with no chunk to run starts no kernel."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    progress = progress or (lambda message: None)
    path = Path(path) if path is not None else paths.project().deck
    front, cells = read_document(path)
    defaults = {**(project_options(path.parent).get("execute") or {}), **(front.get("execute") or {})}
    code = [c for c in cells if c.kind == "code" and options_for(c, defaults)["eval"]]
    if not code:  # nothing to run: no kernel (Quarto's markdown engine; a kernel's start is 2-3 s of CPU)
        return {**front, "execute": defaults}, cells
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.source) for c in [KERNEL_SETUP, *code]])
    with tempfile.TemporaryDirectory(prefix="nncourse-kernel-") as private:
        # IPC sockets and the connection file in a private folder: no TCP, nothing left behind
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(private) / "kernel"), connection_file=str(Path(private) / "kernel.json"))
        client = NotebookClient(nb, km=km, timeout=None, resources={"metadata": {"path": str(path.parent)}})
        try:
            _watch(_Run(client, nb, code, progress, env={**os.environ, R_ENGINE: r_engine}), km, cell_timeout)
        finally:
            if km.has_kernel:  # nbclient leaves a kernel it was handed running
                km.shutdown_kernel(now=True)
    return {**front, "execute": defaults}, cells


class _Run(threading.Thread):
    """The chunks run in a thread, so that the caller can watch the kernel and the clock;
    the chunk running and since when, and how it ended, are read by :func:`_watch`."""

    def __init__(self, client, nb, code: list[Cell], progress, env: dict):
        super().__init__(name="nncourse-render-cells", daemon=True)
        self.client, self.nb, self.code, self.progress, self.env = client, nb, code, progress, env
        self.cell: Cell | None = None
        self.started = 0.0
        self.error: BaseException | None = None

    def run(self) -> None:
        from nbclient.exceptions import CellExecutionError

        try:
            with self.client.setup_kernel(env=self.env):
                self.client.execute_cell(self.nb.cells[0], 0)
                for index, (cell, nb_cell) in enumerate(zip(self.code, self.nb.cells[1:])):
                    self.cell, self.started = cell, time.monotonic()
                    self.progress(f"[{index + 1}/{len(self.code)}] {cell.slide}")
                    self.client.execute_cell(nb_cell, index + 1)
                    cell.outputs = capped(nb_cell.outputs)
        except CellExecutionError as exc:
            self.error = _chunk_failed(self.cell, exc)
        except BaseException as exc:  # noqa: BLE001 -- handed to the watching thread
            self.error = exc


def capped(outputs: list, limit: int = OUTPUT_LIMIT) -> list:
    """A chunk's outputs with their text cut after ``limit`` characters in all, as Jupyter
    front ends cut a flood of output (a chunk printing 100 MB would otherwise make a
    document Pandoc cannot hold). Where it is cut, the document says so and how much came;
    HTML or Markdown past the limit is replaced by that note, not cut mid-tag."""
    import nbformat

    total = sum(len(_text(output)) for output in outputs)
    if total <= limit:
        return outputs
    note = f"[... output cut here by nncourse render: this chunk printed {total:,} characters of text; a chunk shows at most {limit:,}]"
    kept, room, cut = [], limit, False
    for output in outputs:
        text = _text(output)
        if not text or (not cut and len(text) <= room):  # figures are kept whatever the text
            kept.append(output)
            room -= len(text)
        elif not cut:
            plain = output["output_type"] == "stream" or set(output["data"]) == {"text/plain"}
            head = f"{text[:room]}\n" if plain and room else ""
            kept.append(nbformat.v4.new_output("stream", name="stdout", text=f"{head}{note}\n"))
            cut = True
    return kept


def _text(output) -> str:
    """The text an output puts in the document, as :func:`.pandoc.to_markdown` picks it
    (a stream's text; a display's HTML, Markdown or plain text unless it is a figure)."""
    if output["output_type"] == "stream":
        return output["text"]
    data = output.get("data", {})
    if "image/png" in data:
        return ""
    return next((data[kind] for kind in TEXT if kind in data), "")


def _chunk_failed(cell: Cell, exc) -> RenderError:
    """A chunk's exception as the render's error: R's absence by its reason, else the traceback."""
    if getattr(exc, "ename", "") == "RUnavailable":  # the reason, not the kernel's traceback
        return RenderError(f"chunk {cell.number} on slide {cell.slide!r} needs R: {exc.evalue}")
    plain = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # the traceback's terminal colours
    return RenderError(f"chunk {cell.number} on slide {cell.slide!r} failed:\n{plain}")


def _watch(run: _Run, km, cell_timeout: float) -> None:
    """Start ``run`` and watch it: the kernel alive, each chunk within its time.

    (nbclient alone waits forever for a kernel that exits in the middle of a cell.)"""
    run.start()
    while run.is_alive():
        run.join(0.1)
        cell = run.cell
        if cell is None or not run.is_alive():
            continue
        if km.has_kernel and not km.is_alive():
            raise RenderError(f"chunk {cell.number} on slide {cell.slide!r} ended the Python kernel (os._exit, sys.exit in a thread, or a crash); the render stopped there")
        if time.monotonic() - run.started > cell_timeout:
            raise RenderError(f"chunk {cell.number} on slide {cell.slide!r} ran past its time limit of {cell_timeout:g} s and was stopped (--cell-timeout sets the limit)")
    if isinstance(run.error, RenderError):
        raise run.error
    if run.error is not None:
        raise RenderError(f"the Jupyter kernel failed: {type(run.error).__name__}: {run.error}") from None
