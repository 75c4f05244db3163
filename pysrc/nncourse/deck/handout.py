"""``nncourse render --pdf``: the rendered deck as a handout, one PDF page per slide.

reveal.js's own print view (``?print-pdf``, the one decktape drives too) lays the deck
out one page per slide; headless Chromium (Playwright from PyPI driving the system
Chromium, the network blocked) prints it with ``page.pdf``. For paper, what only works
in the hall goes and what a student reads stays (``assets/handout.css``): every line of a
stepped listing, none dimmed (fragments not split into pages); live R without Edit and
Run; explorers as their plot at the lecture's settings, without sliders and buttons; a
slide taller than its page scaled down to fit (``assets/handout.js``), so that nothing
is cut off. Speaker notes, when asked for, sit under the slide on its page. The same
steps serve the built-in and Quarto renderings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..paths import ASSETS

# reveal.js's print view, fragments shown at once (not a page per step), one page per slide
PRINT_VIEW = "print-pdf&pdfSeparateFragments=false&pdfMaxPagesPerSlide=1"
LAID_OUT = "document.querySelector('.pdf-page') && !document.querySelector('.loading-scroll-mode')"


class HandoutError(RuntimeError):
    """The handout could not be made; the message says why (the deck, or a missing tool)."""


@dataclass(frozen=True)
class Handout:
    path: Path
    pages: list[dict]  # per page: the slide's title and the scale it was printed at


def handout(deck: Path, pdf: Path | None = None, *, notes: bool = False) -> Handout:
    """Print ``deck`` (a rendered reveal.js file) to ``pdf`` (default: beside it, ``.pdf``),
    one page per slide, with the speaker notes under each slide when ``notes``."""
    from .slidecheck import LOCAL, CheckUnavailable, browser

    deck = Path(deck).resolve()
    if not deck.is_file() or deck.suffix != ".html":
        raise HandoutError(f"deck: expected a rendered reveal.js .html file, got {deck}")
    pdf = Path(pdf) if pdf is not None else deck.with_suffix(".pdf")
    try:
        with browser() as chromium:
            context = chromium.new_context(offline=True)
            try:
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOCAL) else route.abort())
                pages = _print(context.new_page(), deck, pdf, notes)
            finally:
                context.close()
    except CheckUnavailable as exc:
        raise HandoutError(str(exc)) from None
    return Handout(pdf, pages)


def _print(page, deck: Path, pdf: Path, notes: bool) -> list[dict]:
    """Open the deck in reveal.js's print view with the handout's style, fit, print."""
    style = json.dumps((ASSETS / "handout.css").read_text())
    # in before reveal.js measures the slides (it lays the print view out once the page has loaded)
    page.add_init_script(f"document.addEventListener('DOMContentLoaded', () => {{ const s = document.createElement('style'); s.textContent = {style}; document.head.appendChild(s); }});")
    page.goto(f"{deck.as_uri()}?{PRINT_VIEW}&showNotes={'true' if notes else 'false'}")
    try:
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=60_000)
        page.wait_for_function(LAID_OUT, timeout=60_000)
    except Exception as exc:  # noqa: BLE001 -- Playwright's timeout: the deck is not reveal.js
        raise HandoutError(f"deck: {deck} did not open as a reveal.js deck in print view ({type(exc).__name__})") from None
    page.evaluate("window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.add_script_tag(content=(ASSETS / "handout.js").read_text())
    fitted = page.evaluate("nncourseHandoutFit()")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    return fitted
