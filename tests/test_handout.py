"""The handout (``render --pdf``), read page by page as a student holds it: one page per
slide in the slides' order, every line of a stepped listing, both states of a stacked
slide one under the other, no buttons or sliders, the notes only when asked for; the
same for the built-in and the Quarto renderings."""

import re
import shutil
import subprocess

import pytest

from conftest import unavailable
from nncourse.cli import main
from nncourse.deck import document, handout, slidecheck
from nncourse import paths

pytestmark = pytest.mark.r  # the week's deck runs R


def pdftotext(*args) -> str:
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext is not on PATH (Debian: apt-get install poppler-utils; bash scripts/run.sh setup does)")
    return subprocess.run(["pdftotext", *map(str, args), "-"], capture_output=True, text=True, check=True).stdout


def pages_of(pdf) -> list[str]:
    """The text of each page, in order (pdftotext ends each page with a form feed)."""
    return pdftotext("-layout", pdf).split("\f")[:-1]


def words(text: str) -> str:
    return " ".join(text.split())


def slides_of(deck) -> list[dict]:
    """Each slide's title and notes as the browser sees the deck (not as the handout does)."""
    with slidecheck.browser() as browser:
        context = browser.new_context(offline=True)
        try:
            page = context.new_page()
            page.goto(deck.as_uri())
            page.wait_for_function("window.Reveal && Reveal.isReady()")
            return page.evaluate("""Reveal.getSlides().map((s) => ({
                title: (s.querySelector('h1, h2') || {textContent: ''}).textContent.trim(),
                notes: (s.querySelector('aside.notes') || {textContent: ''}).textContent.trim(),
            }))""")
        finally:
            context.close()


def stepped_listing() -> list[str]:
    """The lines of the deck's listing shown in steps (``code-line-numbers: "1-18|20-34"``)."""
    _, cells = document.read_document(paths.WEEK10.deck)
    (cell,) = [c for c in cells if c.kind == "code" and "|" in str(c.options.get("code-line-numbers", ""))]
    return [line for line in cell.source.splitlines() if line.strip()]


@pytest.fixture(scope="module", params=["built_in_deck", "quarto_deck"])
def printed(request, chromium, tmp_path_factory):
    """Each rendering of the deck, its slides, and its handout without and with the notes
    (all in the module's one browser)."""
    deck = request.getfixturevalue(request.param)
    folder = tmp_path_factory.mktemp("handout")
    plain = handout.handout(deck, folder / "plain.pdf").path
    noted = handout.handout(deck, folder / "notes.pdf", notes=True).path
    return slides_of(deck), pages_of(plain), pages_of(noted), plain


def test_one_page_per_slide_in_the_slides_order(printed):
    slides, pages, noted, _ = printed
    assert len(slides) == 39
    assert len(pages) == len(slides) and len(noted) == len(slides)
    for number, (slide, page) in enumerate(zip(slides, pages), 1):
        assert words(slide["title"]) in words(page), f"page {number} is not slide {slide['title']!r}"


def test_every_line_of_the_stepped_listing_is_on_its_page(printed):
    slides, pages, _, _ = printed
    lines = stepped_listing()
    assert len(lines) >= 30 and lines[0].startswith("# Rectified") and lines[-1].strip().startswith("w2 -=")
    (page,) = [p for s, p in zip(slides, pages) if s["title"] == "MLP for XOR" and "def relu" in p]
    missing = [line for line in lines if words(line) not in words(page)]
    assert missing == [], missing


def test_the_glm_predictions_print_below_the_summary_not_over_it(printed):
    """The slide shows the summary, then the predictions in its place; on paper both, one
    under the other: the predictions' listing starts below the summary's last line."""
    slides, pages, _, pdf = printed
    number = next(n for n, s in enumerate(slides, 1) if s["title"] == "Learning XOR Function with GLM")
    assert "Coefficients:" in pages[number - 1] and "xor_glm_pred" in pages[number - 1]
    boxes = pdftotext("-bbox", "-f", number, "-l", number, pdf)
    top = {word: float(y) for y, word in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]+)</word>', boxes)}
    assert top["xor_glm_pred"] > top["Fisher"], boxes


def test_no_dead_controls_on_paper(printed):
    _, pages, _, _ = printed
    for number, page in enumerate(pages, 1):
        assert not re.search(r"\bEdit\s+Run\b", page), f"page {number} prints live R's buttons"
        assert not re.search(r"\bStep\s+Play\s+Reset\b", page), f"page {number} prints an explorer's buttons"
        # a slider's label stands alone on its line (a listing's "# learning rate" is a comment)
        assert not re.search(r"(?m)^[^#\n]*learning rate[ \t]*$|start x₀|SGD batch size", page), f"page {number} prints an explorer's slider"


def test_the_notes_only_when_asked_for(printed):
    slides, pages, noted, _ = printed
    with_notes = [(n, words(s["notes"])[:60]) for n, s in enumerate(slides) if s["notes"]]
    assert len(with_notes) >= 5
    for n, start in with_notes:
        assert start in words(noted[n]), f"page {n + 1}: its notes are missing with --notes"
        assert start not in words(pages[n]), f"page {n + 1}: notes printed without --notes"


SMALL = "---\ntitle: t\n---\n\n## One\n\n```{python}\n#| code-line-numbers: \"1|2\"\nx = 1\ny = 2\n```\n\n## Two\n\nText.\n"


def test_the_cli_writes_the_handout_beside_the_deck_and_refuses_what_is_not_its_own(chromium, tmp_path, capsys):
    doc = tmp_path / "small.qmd"
    doc.write_text(SMALL.replace("#| code-line-numbers", "#| eval: false\n#| code-line-numbers"))  # shown, not run: no kernel to start
    out = tmp_path / "out"
    assert main(["render", str(doc), "--built-in", "--to", "revealjs", "--pdf", "--output", str(out)]) == 0
    assert f"handout: {out / 'small.pdf'}" in capsys.readouterr().err
    pages = pages_of(out / "small.pdf")
    assert len(pages) == 3 and "One" in pages[1] and "x = 1" in pages[1] and "y = 2" in pages[1] and "Two" in pages[2]
    assert main(["render", str(doc), "--built-in", "--to", "revealjs", "--pdf", "--output", str(out)]) == 0  # its own: replaced
    (out / "small.pdf").write_bytes(b"%PDF-1.4\n% someone else's\n")
    assert main(["render", str(doc), "--built-in", "--to", "revealjs", "--pdf", "--output", str(out)]) == 1
    assert "--pdf: " in capsys.readouterr().err and (out / "small.pdf").read_bytes().endswith(b"someone else's\n")


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--notes"], "notes: the speaker notes go into the handout: ask for the PDF too (--pdf)"),
        (["--pdf", "--to", "html"], "pdf: the handout is printed from a reveal.js deck (to 'revealjs'), got to 'html'"),
    ],
)
def test_handout_options_that_do_not_go_together_are_named_before_any_work(tmp_path, extra, message, capsys):
    doc = tmp_path / "small.qmd"
    doc.write_text(SMALL.replace("x = 1", "open('ran.txt', 'w')"))
    assert main(["render", str(doc), "--built-in", "--output", str(tmp_path / "out"), *extra]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "ran.txt").exists()
