"""What a student sees: headless Chromium shows the rendered deck's slides, non-blank,
with every code block inside the slide."""

import html as html_lib
import json
import shutil
import subprocess

import numpy as np
import pytest
from conftest import unavailable

from nncourse import render

pytestmark = pytest.mark.r  # the deck runs R through rpy2

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--window-size=1280,720", "--virtual-time-budget=5000",
]
SLIDES = ["title-slide", "learning-xor-function-with-glm", "mlp-for-xor-1", "back-to-boolean-and", "mlp-for-xor"]

# Injected into a copy of the deck: once reveal.js is ready, measure every code block
# of the current slide and write the result into the page title.
MEASURE = """<script>
(function measure() {
  if (!window.Reveal || !Reveal.isReady()) { return setTimeout(measure, 50); }
  const slide = Reveal.getCurrentSlide();
  const blocks = [...slide.querySelectorAll('pre')].map(pre => {
    const box = pre.getBoundingClientRect(), code = pre.querySelector('code') || pre;
    return {top: box.top, left: box.left, bottom: box.bottom, right: box.right,
            clipped: code.scrollWidth > code.clientWidth + 1 || code.scrollHeight > code.clientHeight + 1};
  });
  document.title = JSON.stringify({id: slide.id, width: innerWidth, height: innerHeight, blocks: blocks});
})();
</script></body>"""


@pytest.fixture(scope="module")
def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        unavailable("chromium is not installed (Debian: apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def deck_files(r, tmp_path_factory):
    out = tmp_path_factory.mktemp("screens")
    deck = render.render("revealjs", out, use_quarto=False).path
    measured = out / "measured.html"
    head, _, tail = deck.read_text().rpartition("</body>")  # the last one: embedded scripts hold others
    measured.write_text(head + MEASURE + tail)
    return deck, measured, out


@pytest.mark.parametrize("slide", SLIDES)
def test_slide_is_drawn_and_its_code_fits(chromium, deck_files, slide):
    import matplotlib.image

    deck, measured, out = deck_files
    png = out / f"{slide}.png"
    subprocess.run([chromium, *FLAGS, f"--user-data-dir={out / 'profile'}", f"--screenshot={png}", f"{deck.as_uri()}#/{slide}"], check=True, capture_output=True, timeout=120)
    pixels = matplotlib.image.imread(png)[..., :3]
    assert pixels.shape[:2] == (720, 1280)
    ink = (pixels.mean(axis=2) < 0.6).mean()  # share of dark pixels: text and drawing
    assert ink > 0.005, f"{slide} looks blank"

    dom = subprocess.run([chromium, *FLAGS, f"--user-data-dir={out / 'profile'}", "--dump-dom", f"{measured.as_uri()}#/{slide}"], check=True, capture_output=True, text=True, timeout=120).stdout
    title = html_lib.unescape(dom.split("<title>", 1)[1].split("</title>", 1)[0])
    layout = json.loads(title)
    assert layout["id"] == slide
    for block in layout["blocks"]:
        assert not block["clipped"], f"a code block on {slide} is cut off: {block}"
        assert block["left"] >= 0 and block["top"] >= 0, block
        assert block["right"] <= layout["width"] and block["bottom"] <= layout["height"], f"a code block leaves {slide}: {block}"
    if slide != "title-slide":
        assert layout["blocks"], f"no code on {slide}"
