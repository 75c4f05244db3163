"""``nncourse render --check``: every slide of a rendered deck opened as a student sees it.

Headless Chromium (Playwright from PyPI driving the system Chromium, no browser
download) opens the deck at 1280x720 with the network blocked, visits every slide
(all its fragments shown) and measures what is on it (``assets/measure_slide.js``):

- out of frame: text, code, an image or a formula outside the slide, or within
  16 px of its bottom edge (where the slide number sits and projectors crop);
- under the controls: anything beneath reveal.js's navigation arrows or slide number;
- too small: code or printed output under 16 px on screen, other text under 18 px;
- cut off: a code block whose text needs a scrollbar;
- maths: raw TeX visible, a formula MathJax did not typeset or could not parse;
- an image that did not load; and, for the deck as a whole, any request to the network;
- keys trapped: after a click on each control of an explorer or live-R block, ArrowRight,
  ArrowLeft, PageDown, PageUp and Space must move the deck (a presenter's clicker sends
  them), and Space must not press a Run button (real clicks and keys; what lies between
  them is read and set by ``assets/check_keys.js``, one evaluation per click);
- not the lecture's: every printed output is read against the ledger
  (``course/week10/lecture-outputs.toml``); an output of a ledger entry that differs from
  what the lecture printed must be explained on its slide (a ``.lecture-differs`` line
  naming the entry, as :mod:`nncourse.deck.slide` writes them).

Nothing like it exists in Quarto: a lecturer who edits the deck learns which slides
overflow before the lecture, and the tests hold every slide to it.
"""

from __future__ import annotations

import base64
import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import ASSETS

MEASURE = ASSETS / "measure_slide.js"
KEYS = ASSETS / "check_keys.js"
VIEWPORT = {"width": 1280, "height": 720}
# The limits the issue "The deck, presentation-grade" sets, in CSS pixels on a 1280x720 screen.
LIMITS = {"code_px": 16, "text_px": 18, "bottom_px": 16}


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


_OPEN = threading.local()  # the browser of an enclosing ``with browser()``, per thread (Playwright's sync API is)


@contextmanager
def browser():
    """The headless Chromium the check and the handout open decks in (Playwright from PyPI
    driving the system Chromium): the one already open on this thread, from an enclosing
    ``with browser()``, or one started for the block and closed after it. A start (Playwright's
    driver and Chromium) costs about 2 s of CPU: who opens several decks in a row shares one."""
    shared = getattr(_OPEN, "browser", None)
    if shared is not None:
        yield shared
        return
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise CheckUnavailable("playwright is not installed: pip install playwright (bash scripts/run.sh setup does)") from None
    path = chromium_path()
    with sync_playwright() as playwright:
        _OPEN.browser = playwright.chromium.launch(executable_path=path, args=["--disable-gpu"])
        try:
            yield _OPEN.browser
        finally:
            _OPEN.browser.close()
            _OPEN.browser = None


def check_deck(deck: Path, screenshots: Path | None = None, *, limits: dict | None = None) -> DeckCheck:
    """Open ``deck`` (a rendered reveal.js file) offline and check every slide.

    Screenshots, one PNG per slide (``NN-id.png``), go to ``screenshots`` when given."""
    deck = Path(deck).resolve()
    if not deck.is_file():
        raise FileNotFoundError(f"deck: expected a rendered .html file, got {deck}")
    limits = {**LIMITS, **(limits or {})}
    if screenshots is not None:
        screenshots = Path(screenshots)
        screenshots.mkdir(parents=True, exist_ok=True)
    network: list[str] = []
    with browser() as chromium:
        context = chromium.new_context(viewport=VIEWPORT, offline=True)
        try:
            context.route("**/*", lambda route: _local_only(route, network))
            page = context.new_page()
            page.on("request", lambda request: _note_remote(request.url, network))
            page.goto(deck.as_uri())
            page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
            page.evaluate(STILL_URL)
            page.evaluate("window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.add_script_tag(content=MEASURE.read_text() + KEYS.read_text())
            count = page.evaluate("Reveal.getTotalSlides()")
            devtools = context.new_cdp_session(page)  # for the screenshots
            slides, printed = [], []
            for index in range(count):
                slide = _check_slide(page, devtools, index, limits, screenshots)
                slide.problems += _check_keys(page, index)
                slides.append(slide)
                printed.append(page.evaluate(PRINTED, index))
            _check_outputs(slides, printed)
        finally:
            context.close()
    return DeckCheck(slides, sorted(set(network)))


# The deck's address left as it opened while the check moves through it: reveal.js writes each
# move into the URL and the history (``hash``, ``history``), which costs Chromium a pass over
# the whole document per move (most of the check's time) and changes nothing on a slide.
STILL_URL = "Reveal.configure({ hash: false, history: false })"


def _check_slide(page, devtools, index: int, limits: dict, screenshots: Path | None) -> SlideCheck:
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
            _screenshot(devtools, slide.screenshot)
        if step >= steps:
            return slide
        step += 1


def _screenshot(devtools, path: Path) -> None:
    """The window as it is drawn, as a PNG: Chromium's own capture, through the page's
    DevTools session, without the style Playwright's ``page.screenshot`` injects and takes
    away around each capture (two passes over the whole deck's styles each time)."""
    shot = devtools.send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})
    path.write_bytes(base64.b64decode(shot["data"]))


# A slide's printed outputs (blocks that are not listings, nor a live panel) and the ledger
# entries its lines say differ from the lecture.
PRINTED = """(index) => {
    const slide = Reveal.getSlides()[index];
    const outputs = [...slide.querySelectorAll("pre:not(.sourceCode)")].filter((pre) => !pre.closest(".live-r-output"));
    return { outputs: outputs.map((pre) => pre.textContent),
             explained: [...slide.querySelectorAll(".lecture-differs[data-ledger]")].flatMap((line) => line.dataset.ledger.split(" ")) };
}"""


def _check_outputs(slides: list[SlideCheck], printed: list[dict]) -> None:
    """Each ledger entry on the slides of its title: printed as the lecture printed it (at
    its precision, after the rules that undo the lecture's text extraction), or explained."""
    from ..repro import ledger

    by_title: dict[str, list[int]] = {}
    for k, slide in enumerate(slides):
        by_title.setdefault(slide.title, []).append(k)
    for entry in ledger.load():
        places = by_title.get(entry.slide)
        if not places:
            continue
        outputs = [text for k in places for text in printed[k]["outputs"]]
        explained = any(entry.id in printed[k]["explained"] for k in places)
        if explained or any(_same(entry, text) for text in outputs):
            continue
        where = slides[places[-1]]
        lecture = " ".join(entry.printed.split())[:60]
        where.problems.append(f"not the lecture's output, unexplained: {entry.expression} (ledger {entry.id}) should print {lecture!r}")


def _same(entry, text: str) -> bool:
    from ..repro import ledger

    rules = ledger.rules_for(entry.language)  # no rule for R's version: that must be said on the slide
    try:
        return ledger.check_printed(entry, text, rules=rules).ok
    except ValueError:  # text that is no printed number at all
        return False


# Each deck key a clicker sends.
DECK_KEYS = ("ArrowRight", "ArrowLeft", "PageDown", "PageUp", "Space")


def _check_keys(page, index: int) -> list[str]:
    """Click each control of the slide's explorers and live-R blocks (an R editor opened by
    Edit is closed by Done), then press each deck key: the deck must move, and no Run may
    happen. Before each click the deck is put back on the slide and step that shows the
    control. The page reads and sets what lies between the clicks and keys (``assets/check_keys.js``),
    one evaluation per click: the last key's outcome comes back with where to click next."""
    controls = page.evaluate("(index) => nncourseKeys.controls(index)", index)
    if not controls:
        return []
    problems: list[str] = []
    pressed = None  # (control, key) whose outcome the page's next answer carries
    for number, (name, step) in enumerate(controls):
        control = f"[data-nncourse-control='{index}-{number}']"
        for key in DECK_KEYS:
            outcome, where = page.evaluate("(a) => nncourseKeys.next(...a)", [index, step, control])
            problems += _judged(pressed, outcome)
            pressed = None
            blocked = _click(page, control, where) or (name.endswith(" Edit") and _click(page, control))  # then Done
            if blocked:
                problems.append(f"{name} cannot be clicked: {blocked}")
                break
            page.keyboard.press(key)
            pressed = (name, key)
    problems += _judged(pressed, page.evaluate("(index) => nncourseKeys.done(index)", index))
    return problems


def _judged(pressed: tuple[str, str] | None, outcome) -> list[str]:
    """What is wrong with the outcome of ``pressed`` (a key after a click on a control): the
    deck did not move, or R ran."""
    if pressed is None:
        return []
    (name, key), (before, after) = pressed, outcome
    problems = []
    if before is None or after[0] == before[0]:
        problems.append(f"keys trapped: after a click on {name}, {key} does not move the deck")
    if before is not None and after[1] != before[1]:
        problems.append(f"{key} ran R after a click on {name}")
    return problems


def _click(page, control: str, where: list | None = None) -> str | None:
    """Click ``control`` with the mouse at its middle (``where``, when the page already said),
    as a person does, once it can be (within 5 s); or why it cannot be clicked."""
    where = where or page.evaluate("(control) => nncourseKeys.aim(control)", control)
    if where is None:
        try:
            handle = page.wait_for_function("(control) => nncourseKeys.aim(control)", arg=control, polling=50, timeout=5_000)
        except Exception:  # noqa: BLE001 -- Playwright's timeout: the reason is the page's
            return page.evaluate("nncourseKeys.why()")
        where = handle.json_value()
        handle.dispose()
    page.mouse.click(*where)
    return None


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
