"""The R tutorial page: one self-contained HTML file (its script bundled from npm packages
by esbuild at build time), with webR loaded from ``./webr/`` beside it.

The page carries the R track's boxes (``course/week10/r/track.toml``) and the public checks
(:func:`nncourse.course.rtrack.checks_source`); never a solution, never the grading key.
"""

from __future__ import annotations

import html
import json
import re
import subprocess

from ..course import rtrack
from .. import paths

ASSETS = paths.SITE_ASSETS


class PageError(RuntimeError):
    """The page cannot be built; the message says what is missing."""


def bundle() -> str:
    """tutorial.js with CodeMirror 6 and its R mode, bundled by esbuild (npm, pinned)."""
    modules = paths.node_modules()
    esbuild = modules / ".bin" / "esbuild"
    if not esbuild.is_file():
        raise PageError(f"esbuild: {paths.setup_hint('npm', modules)}")
    done = subprocess.run([str(esbuild), str(ASSETS / "tutorial.js"), "--bundle", "--format=esm", "--minify",
                           "--legal-comments=none", "--log-level=error"],
                          capture_output=True, text=True, cwd=modules.parent, timeout=120)
    if done.returncode != 0:
        raise PageError(f"esbuild: bundling the tutorial page failed: {done.stderr.strip()}")
    return done.stdout


def slug(box_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", box_id.lower()).strip("-")


def prose(text: str) -> str:
    """A sentence of the track as HTML: escaped, `code` in backticks as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def _box_html(box: dict) -> str:
    head = f'<h2>{prose(box["title"])}</h2>'
    if box.get("slides"):
        head += f'<p class="slides">Slides: <em>{prose(box["slides"])}</em></p>'
    return f'<section class="box" id="box-{slug(box["id"])}" data-box="{html.escape(box["id"])}">{head}<p>{prose(box["text"])}</p></section>'


def _page_data() -> dict:
    keep = ("id", "column", "kind", "question", "title", "starter", "check", "choices")
    boxes = [{**{k: box[k] for k in keep if k in box}, "slug": slug(box["id"]), "starter": box.get("starter", "").lstrip("\n"),
              "hints": [prose(h) for h in box.get("hints", [])]} for box in rtrack.boxes()]
    return {"format": rtrack.SUBMISSION_FORMAT, "version": rtrack.version(), "title": rtrack.track()["title"], "boxes": boxes,
            "checks": rtrack.checks_source()}


def _json_in_script(value) -> str:
    """JSON that no "</script" inside can end early ("<\\/" is JSON's own escape of "</")."""
    return json.dumps(value).replace("</", "<\\/")


def _bundle_in_script() -> str:
    code = bundle()
    if "</script" in code.lower():
        raise PageError("esbuild: the bundle holds '</script', which would end the page's script early")
    return code


def tutorial_page() -> str:
    """The whole page, as one HTML document."""
    meta = rtrack.track()
    body = "\n".join(_box_html(box) for box in rtrack.boxes())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="nncourse-tutorial-version" content="{rtrack.version()}">
<title>{html.escape(meta["title"])}</title>
<style>{(ASSETS / "tutorial.css").read_text(encoding="utf-8")}</style></head>
<body><header><h1>{html.escape(meta["title"])}</h1><p class="subtitle">{html.escape(meta["subtitle"])}</p>
<p>{prose(meta["intro"])}</p>
<div class="bar"><span id="r-status" data-state="starting">R is starting ...</span>
<button id="download">Download my work</button></div>
<p class="offline">Checks in R: <a href="checks.R" download>checks.R</a> (<code>source("checks.R")</code> in RStudio, then e.g. <code>check_exercise_1(train)</code>). Tutorial version {rtrack.version()}.</p>
<p class="offline">Here and with <code>source()</code> the checks try your code on public cases, in the same R as your code: feedback, not the grade. <code>nncourse grade</code> runs your code in an R of its own, apart from the checks and their hidden cases, and sees only what your functions return.</p></header>
<main>{body}</main>
<script type="application/json" id="nncourse-track">{_json_in_script(_page_data())}</script>
<script type="module">{_bundle_in_script()}</script>
</body></html>
"""
