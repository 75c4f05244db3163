"""Maths typeset at build time, for documents rendered without Quarto.

Quarto's deck loads MathJax 3 (``tex-svg-full.js`` from npm, see ``slides/_quarto.yml``)
and typesets in the browser. The built-in path runs the same MathJax 3 in Node.js
(``assets/typeset_math.cjs``) over every formula of the Pandoc document, so the
rendered file carries finished SVG: no script, no font and no network at viewing
time, and the same glyphs as Quarto's rendering.
"""

from __future__ import annotations

import json
import shutil
import subprocess

from .. import paths

SCRIPT = paths.ASSETS / "typeset_math.cjs"


class MathError(RuntimeError):
    """MathJax is missing, or a formula does not parse; the message names the formula."""


def math_nodes(node) -> list[dict]:
    """Every ``Math`` inline of a Pandoc JSON AST (any depth), in document order."""
    found = []
    if isinstance(node, dict):
        if node.get("t") == "Math":
            return [node]
        for value in node.values():
            found += math_nodes(value)
    elif isinstance(node, list):
        for value in node:
            found += math_nodes(value)
    return found


def typeset(ast: dict) -> str:
    """Replace every formula of ``ast`` (Pandoc JSON, changed in place) by MathJax's SVG.

    Returns the CSS MathJax's SVG output needs (empty when there is no maths)."""
    nodes = math_nodes(ast)
    if not nodes:
        return ""
    node = shutil.which("node")
    if node is None:
        raise MathError(f"node: Node.js is needed to typeset the maths (Debian: apt-get install nodejs); {paths.setup_hint('npm')}")
    mathjax = paths.node_modules() / "mathjax" / "es5"
    main = mathjax / "node-main.js"
    if not main.is_file():
        raise MathError(f"MathJax 3 is not installed at {mathjax}: {paths.setup_hint('npm')}")
    formulas = [{"tex": n["c"][1], "display": n["c"][0]["t"] == "DisplayMath"} for n in nodes]
    done = subprocess.run([node, str(SCRIPT), str(main)], input=json.dumps(formulas), capture_output=True, text=True, timeout=120)
    if done.returncode == 2:
        bad = json.loads(done.stdout)
        raise MathError(f"formula: MathJax cannot typeset ${bad['tex']}$: {bad['error']}")
    if done.returncode != 0:
        raise MathError(f"MathJax failed ({node} {SCRIPT.name}): {done.stderr.strip()[-2000:]}")
    result = json.loads(done.stdout)
    for n, formula, html in zip(nodes, formulas, result["html"]):
        kind = "display" if formula["display"] else "inline"
        n["t"], n["c"] = "RawInline", ["html", f'<span class="math {kind}">{html}</span>']
    return result["css"]
