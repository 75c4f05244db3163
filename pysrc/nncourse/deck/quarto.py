"""Render a document with the Quarto CLI, so that its file stands alone as the built-in one does.

The deck's project (``slides/_quarto.yml``) makes Quarto's rendering self-contained:
``embed-resources``, and the maths typeset at build time by MathJax 3 in Node.js through
the project's Lua filter (``slides/typeset-math.lua``, running ``assets/typeset_math.cjs``,
the engine of :mod:`nncourse.deck.mathsvg`); explorers and live-R listings are raw HTML blocks, so Quarto
adds no Jupyter-widget scripts (require.js, jQuery) from a CDN. Here Quarto is run with
the Python it needs (this one, unless ``QUARTO_PYTHON`` says otherwise) and the MathJax
this checkout installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .. import paths


def environment() -> dict[str, str]:
    """Quarto's environment: the kernel's Python (``QUARTO_PYTHON``, this interpreter by
    default, which has nncourse), and the typesetter and MathJax the Lua filter runs
    (``NNCOURSE_TYPESETTER``, ``NNCOURSE_MATHJAX``): the package's, wherever the project is."""
    env = dict(os.environ)
    env.setdefault("QUARTO_PYTHON", sys.executable)
    env.setdefault("NNCOURSE_TYPESETTER", str(paths.ASSETS / "typeset_math.cjs"))
    env.setdefault("NNCOURSE_MATHJAX", str(paths.node_modules() / "mathjax" / "es5" / "node-main.js"))
    return env


def render(quarto: str, document: Path, to: str, output_dir: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``quarto render document --to to --output-dir output_dir``, its output captured;
    ``env`` adds variables for the document's kernel (the deck's R engine)."""
    command = [quarto, "render", str(document), "--to", to, "--output-dir", str(output_dir)]
    return subprocess.run(command, capture_output=True, text=True, env={**environment(), **(env or {})})
