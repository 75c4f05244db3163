"""``nncourse render --check``: every slide of a rendered deck opened as a student sees it.

Headless Chromium (Playwright from PyPI driving the system Chromium, no browser
download) opens the deck at 1280x720 with the network blocked, visits every slide
(all its fragments shown) and measures what is on it (``assets/measure_slide.js``):

- out of frame: text, code, an image or a formula outside the slide, or within
  16 px of its bottom edge (where the slide number sits and projectors crop);
- under the controls: anything beneath reveal.js's navigation arrows or slide number;
- too small: code or printed output under 14 px on screen, other text under 18 px;
- cut off: a code block whose text needs a scrollbar;
- maths: raw TeX visible, a formula MathJax did not typeset or could not parse;
- an image that did not load; and, for the deck as a whole, any request to the network.

Nothing like it exists in Quarto: a lecturer who edits the deck learns which slides
overflow before the lecture, and the tests hold every slide to it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import ASSETS

MEASURE = ASSETS / "measure_slide.js"
VIEWPORT = {"width": 1280, "height": 720}
# The limits the issue "The deck, presentation-grade" sets, in CSS pixels on a 1280x720 screen.
LIMITS = {"code_px": 14, "text_px": 18, "bottom_px": 16}


class CheckUnavailable(RuntimeError):
    """Playwright or Chromium is missing; the message says how to install it."""


@dataclass
class SlideCheck:
    """One slide: its place (from 1), id and title, what is wrong, and its screenshot."""

    number: int
    id: str
    title: str
    problems: list[str] = field(default_factory=list)
    screenshot: Path | None = None


@dataclass
class DeckCheck:
    slides: list[SlideCheck]
    network: list[str]  # URLs the deck tried to fetch

    @property
    def ok(self) -> bool:
        return not self.network and not any(s.problems for s in self.slides)

    def lines(self) -> list[str]:
        """The verdict as a person reads it: one line per slide, problems indented under it."""
        total = len(self.slides)
        out = []
        for slide in self.slides:
            mark = "ok " if not slide.problems else "FIX"
            out.append(f"{mark} {slide.number:>2}/{total}  {slide.title or slide.id}")
            out += [f"          - {problem}" for problem in slide.problems]
        out += [f"FIX the deck fetches from the network: {url}" for url in self.network]
        bad = sum(bool(s.problems) for s in self.slides)
        out.append(f"{total - bad}/{total} slides clean" + ("" if not self.network else f"; {len(self.network)} network requests"))
        return out


def chromium_path() -> str:
    """The system Chromium (``NNCOURSE_CHROMIUM`` overrides), or :class:`CheckUnavailable`."""
    path = os.environ.get("NNCOURSE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise CheckUnavailable("chromium: not found on PATH (Debian: apt-get install chromium; or set NNCOURSE_CHROMIUM)")
    return path


def check_deck(deck: Path, screenshots: Path | None = None, *, limits: dict | None = None) -> DeckCheck:
    """Open ``deck`` (a rendered reveal.js file) offline and check every slide.

    Screenshots, one PNG per slide (``NN-id.png``), go to ``screenshots`` when given."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise CheckUnavailable("playwright is not installed: pip install playwright (bash scripts/run.sh setup does)") from None
    deck = Path(deck).resolve()
    if not deck.is_file():
        raise FileNotFoundError(f"deck: expected a rendered .html file, got {deck}")
    limits = {**LIMITS, **(limits or {})}
    if screenshots is not None:
        screenshots = Path(screenshots)
        screenshots.mkdir(parents=True, exist_ok=True)
    network: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--disable-gpu"])
        try:
            context = browser.new_context(viewport=VIEWPORT, offline=True)
            context.route("**/*", lambda route: _local_only(route, network))
            page = context.new_page()
            page.on("request", lambda request: _note_remote(request.url, network))
            page.goto(deck.as_uri())
            page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
            page.evaluate("window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.add_script_tag(content=MEASURE.read_text())
            count = page.evaluate("Reveal.getTotalSlides()")
            slides = []
            for index in range(count):
                slides.append(_check_slide(page, index, limits, screenshots))
        finally:
            browser.close()
    return DeckCheck(slides, sorted(set(network)))


def _check_slide(page, index: int, limits: dict, screenshots: Path | None) -> SlideCheck:
    """One slide, at each of its fragment steps: the problems of all steps, each said once
    (with its step where it first shows after the start); a screenshot per step."""
    measure = "([index, step, limits]) => nncourseMeasure(index, step, limits)"
    step, steps, problems = 0, 0, []
    while True:
        found = page.evaluate(measure, [index, step, limits])
        steps = found["steps"]
        for problem in found["problems"]:
            said = problem if step == 0 else f"at step {step + 1}/{steps + 1}: {problem}"
            if problem not in problems and said not in problems:
                problems.append(said)
        slide = SlideCheck(index + 1, found["id"], found["title"], problems)
        if screenshots is not None:
            name = f"{index + 1:02d}-{found['id'] or 'slide'}" + (f"-step{step + 1}" if steps else "")
            slide.screenshot = screenshots / f"{name}.png"
            page.screenshot(path=str(slide.screenshot))
        if step >= steps:
            return slide
        step += 1


LOCAL = ("file:", "data:", "blob:", "about:")  # what an offline deck may load


def _local_only(route, network: list[str]) -> None:
    """Let a local request through; note and block any other."""
    if _note_remote(route.request.url, network):
        route.abort()
    else:
        route.continue_()


def _note_remote(url: str, network: list[str]) -> bool:
    """Note ``url`` if it leaves the machine; whether it does."""
    remote = not url.startswith(LOCAL)
    if remote:
        network.append(url)
    return remote
