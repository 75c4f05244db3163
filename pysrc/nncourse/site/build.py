"""``nncourse site DIR``: the week's folder to publish as it is, on any static host.

It holds an index page, the deck (a rendered deck, copied), the R tutorial page and the
``checks.R`` students ``source()``, the Python notebook to download, the reproduction
report as a page, and webR itself (npm ``webr``'s ``dist/``, pinned in package-lock.json:
nothing is fetched from a CDN). With COOP/COEP headers (``_headers`` says them to hosts
that read it) webR can be interrupted; without them it runs over its PostMessage channel,
and Stop restarts R instead of interrupting it.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

from ..course import rtrack
from .. import paths
from ..deck.serve import ISOLATION
from . import page

WEBR_SKIP = ("tests", "repl", "*.map", "*.d.ts", "webr.cjs", "webr.mjs")  # webR's own tests, its REPL app, Node's builds


class SiteError(ValueError):
    """The site cannot be written; the message says why."""


def build(folder, *, deck, report_html: str) -> list[Path]:
    """Write the site into ``folder`` (new or empty); returns the files at its top."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise SiteError(f"DIR: expected a new or empty folder, got {folder} (it holds files: choose another)")
    deck = Path(deck)
    if not deck.is_file() or deck.suffix != ".html":
        raise SiteError(f"--deck: expected a rendered deck (.html), got {deck} (render it first: nncourse render)")
    webr_dist = paths.node_modules() / "webr" / "dist"
    if not (webr_dist / "webr.js").is_file():
        raise SiteError(f"webr: {paths.setup_hint('npm')}")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(deck, folder / "deck.html")
    (folder / "tutorial.html").write_text(page.tutorial_page(), encoding="utf-8")
    (folder / "checks.R").write_text(rtrack.checks_source(), encoding="utf-8")
    _notebook(folder / "tutorial.ipynb")
    (folder / "report.html").write_text(report_html, encoding="utf-8")
    shutil.copytree(webr_dist, folder / "webr", ignore=shutil.ignore_patterns(*WEBR_SKIP))
    (folder / "_headers").write_text("/*\n" + "".join(f"  {k}: {v}\n" for k, v in ISOLATION.items()), encoding="utf-8")
    (folder / "index.html").write_text(index_page(), encoding="utf-8")
    return sorted(folder.iterdir())


def _notebook(path: Path) -> None:
    import nbformat

    from ..course.tutorial import TUTORIAL
    from ..deck.document import to_notebook

    nbformat.write(to_notebook(TUTORIAL), str(path))


def index_page() -> str:
    """The week's front page: what each file is, and what a host without COOP/COEP loses."""
    title = "Week 10: Neural Networks"
    items = [
        ("deck.html", "The slides", "the lecture's deck; its R chunks run live in your browser."),
        ("tutorial.html", "The tutorial in R", "eight exercises and two questions, checked as you go, in your browser: nothing to install. Download your work at the end and hand it in."),
        ("tutorial.ipynb", "The tutorial in Python", "the same exercises as a Jupyter notebook, to download and run with nncourse installed."),
        ("checks.R", "The R checks", "to work in RStudio instead: source(\"checks.R\"), then check_exercise_1(train) and so on."),
        ("report.html", "The reproduction report", "every number the lecture printed, against what Python and R compute today."),
    ]
    rows = "".join(f'<li><a href="{href}">{name}</a>: {html.escape(what)}</li>' for href, name, what in items)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font:17px/1.55 system-ui,sans-serif;max-width:760px;margin:40px auto;padding:0 24px;color:#1d2430}}li{{margin:0.5em 0}}.note{{color:#5a6270;font-size:0.92em}}</style></head>
<body><h1>{title}</h1><p>POP77032 Quantitative Text Analysis for Social Scientists. Tutorial version {rtrack.version()}.</p>
<ul>{rows}</ul>
<p class="note">R runs in the browser with webR (R 4.6), served from this folder (<code>webr/</code>): nothing is fetched from the internet.
Where the host sends the cross-origin isolation headers (COOP/COEP; <code>_headers</code> lists them for hosts that read it, and <code>nncourse serve</code> sends them),
Stop interrupts a long run at once. Where it cannot (a plain static server), R still runs, over webR's slower PostMessage channel, and Stop restarts R instead
(a few seconds), losing what that box had run; the saved code and verdicts are kept.</p>
</body></html>
"""
