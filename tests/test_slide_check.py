"""`nncourse render --check`: every slide opened offline at 1280x720 in headless Chromium.

The week's deck must pass on every slide (not a sample); and the checker must see each
kind of problem it claims to see, shown here on a small deck with one fault added at a time.
"""

import contextlib
import io
import re

import pytest
from nncourse.deck import render
from nncourse.deck import slidecheck
from nncourse.cli import main


# One fault per slide, and the problem the check must name for it.
FAULTS = {
    "overflowing code": ('<pre><code style="max-height: none">' + "\n".join(f"line {k}" for k in range(60)) + "</code></pre>", "bottom edge"),
    "scrolling code": ("<pre><code>" + "\n".join(f"line {k}" for k in range(60)) + "</code></pre>", "code cut off (it scrolls)"),
    "wide code": ("<pre><code>" + "x" * 400 + "</code></pre>", "code cut off at the side"),
    "tiny text": ('<p style="font-size: 9px">footnote nobody can read</p>', "text smaller than 18 px"),
    "tiny code": ('<pre style="font-size: 11px"><code>x = 1</code></pre>', "code smaller than 16 px"),
    "raw TeX": ("<p>the slope \\(f'(x)\\) untypeset</p>", "raw TeX visible"),
    "untypeset maths": ('<p><span class="math inline">x^2</span></p>', "maths not typeset"),
    "broken image": ('<img alt="a broken figure" src="data:image/png;base64,AAAA">', "image did not load"),
    "remote image": ('<img alt="remote" src="http://127.0.0.1:9/figure.png">', "image did not load"),
    "out of frame": ('<p style="position: absolute; left: 1400px; top: 200px">off the slide</p>', "out of frame"),
    "under the arrow": ('<p style="position: absolute; left: -150px; top: 330px; margin: 0">here</p>', "under the controls"),
    "trapped keys": ('<div class="nncourse-explorer"><button onkeydown="event.stopPropagation()">Trap</button></div>', "keys trapped: after a click on explorer Trap, ArrowRight does not move the deck"),
    "covered control": ('<div class="nncourse-explorer" style="position: relative"><button>Covered</button><div class="cover" style="position: absolute; inset: 0"></div></div>',
                        "explorer Covered cannot be clicked: div.cover is drawn over it"),
}

SMALL = """---
title: "A small deck"
---

## Clean

- Some text and maths: $\\hat{\\beta} = (X^T X)^{-1} X^T y$

```{python}
#| eval: false
print("printed output")
```

```
printed output
```
""" + "".join(f"\n## {fault}\n\n- The fault goes here: {fault}.\n" for fault in FAULTS)


@pytest.fixture(scope="module")
def decks(chromium, tmp_path_factory):
    """The small deck rendered, and a copy with each fault put on its own slide; their checks
    share the module's one browser. Its listing is shown, not run, and its printed output
    written as the render writes a chunk's (no kernel to start: the week's deck below runs
    its 48 chunks). (The week's two renderings are checked each in a browser
    of its own, on whichever worker is free: each check is a unit of work as long as all of
    these together.)"""
    folder = tmp_path_factory.mktemp("small")
    (folder / "small.qmd").write_text(SMALL)
    clean = render.render("revealjs", folder / "_output", use_quarto=False, document=folder / "small.qmd").path
    html = clean.read_text()
    for fault, (markup, _) in FAULTS.items():
        marker = f"<li>The fault goes here: {fault}.</li>\n</ul>"
        assert marker in html
        html = html.replace(marker, marker + "\n" + markup)
    faulty = folder / "faulty.html"
    faulty.write_text(html)
    return clean, faulty


@pytest.fixture(scope="module")
def checked_by_the_cli(decks, tmp_path_factory):
    """``nncourse render --built-in --check --screenshots DIR`` on the faulty deck (the render
    itself stood in for by the faulty file): its exit status, what it printed, the screenshots
    folder, and the check it made (slidecheck's own, watched, not replaced)."""
    shots = tmp_path_factory.mktemp("shots") / "shots"
    made, check_deck = [], slidecheck.check_deck

    def watched(*args, **kwargs):
        made.append(check_deck(*args, **kwargs))
        return made[-1]

    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(io.StringIO()) as out:
        patch.setattr(render, "render", lambda *a, **k: render.Rendered(decks[1], "built-in"))
        patch.setattr(slidecheck, "check_deck", watched)
        status = main(["render", "--built-in", "--check", "--screenshots", str(shots)])
    (check,) = made
    return status, out.getvalue(), shots, check


@pytest.fixture(scope="module")
def faulty_check(checked_by_the_cli):
    return checked_by_the_cli[3]


@pytest.mark.r
def test_the_week_deck_is_clean_on_every_slide(built_in_deck, tmp_path):
    screens = tmp_path / "screens"
    result = slidecheck.check_deck(built_in_deck, screens)
    assert result.ok, "\n".join(result.lines())
    assert len(result.slides) == 39
    assert [s.title for s in result.slides][:2] == ["Week 10: Neural Networks", "Overview"]
    # a screenshot per slide and per step of the slides that step (LM's and GLM's predictions, the MLP listing)
    shots = sorted(p.name for p in screens.glob("*.png"))
    assert len(shots) == 39 + 3 and {"16-learning-xor-function-with-lm-step2.png", "17-learning-xor-function-with-glm-step2.png"} <= set(shots)
    print(f"screenshots of every slide: {screens}")


def test_a_clean_small_deck_passes_and_typesets_its_maths(decks):
    result = slidecheck.check_deck(decks[0])
    assert result.ok, "\n".join(result.lines())
    assert [s.title for s in result.slides] == ["A small deck", "Clean", *FAULTS]


@pytest.mark.parametrize("fault", FAULTS)
def test_the_check_names_each_kind_of_problem(faulty_check, fault):
    slides = {slide.title: slide for slide in faulty_check.slides}
    assert slides["Clean"].problems == [] and slides["A small deck"].problems == []
    expected = FAULTS[fault][1]
    assert any(expected in problem for problem in slides[fault].problems), slides[fault].problems


def test_the_check_blocks_and_reports_network_requests(faulty_check):
    assert not faulty_check.ok
    assert faulty_check.network == ["http://127.0.0.1:9/figure.png"]
    assert "FIX the deck fetches from the network: http://127.0.0.1:9/figure.png" in faulty_check.lines()


def test_render_check_exits_non_zero_and_says_which_slide(checked_by_the_cli):
    status, out, shots, _ = checked_by_the_cli
    assert status == 1
    assert re.search(rf"FIX  6/{len(FAULTS) + 2}  tiny text\n +- text smaller than 18 px on screen \(8\.\d px\): \"footnote nobody can read\"", out), out
    assert f"2/{len(FAULTS) + 2} slides clean" in out
    assert len(list(shots.glob("*.png"))) == len(FAULTS) + 2


@pytest.mark.r
def test_quarto_rendering_alone_is_clean_on_every_slide(quarto_deck):
    """Quarto's file, copied alone into an empty folder and opened offline: every slide clean
    (maths typeset, nothing fetched, keys free, the lecture's outputs or why not). (No
    screenshots: the built-in deck's test above holds them, a capture a step.)"""
    assert [p.name for p in quarto_deck.parent.iterdir()] == [quarto_deck.name]
    result = slidecheck.check_deck(quarto_deck)
    assert result.ok, "\n".join(result.lines())
    assert len(result.slides) == 39 and result.network == []


LEDGER_DECK = """---
title: "Outputs against the ledger"
---

## Example: OLS

```{=html}
<pre><code>array([ 1.5, -2. ])</code></pre>
```

## Regression with SGD

```{=html}
<pre><code>array([ 1.5, -2. ])</code></pre>
<div class="lecture-differs" data-ledger="sgd_betas"><p>Lecture, from an unseeded draw: another array.</p></div>
```

## Regression with Gradient Descent

```{=html}
<pre><code>array([ 1.47022181, -2.02156964])</code></pre>
```
"""


def test_the_check_reads_each_output_against_the_ledger(chromium, tmp_path):
    (tmp_path / "ledger.qmd").write_text(LEDGER_DECK)
    deck = render.render("revealjs", tmp_path / "_output", use_quarto=False, document=tmp_path / "ledger.qmd").path
    slides = {slide.title: slide.problems for slide in slidecheck.check_deck(deck).slides}
    assert slides["Example: OLS"] == ["not the lecture's output, unexplained: betas (ledger ols_betas) should print 'array([ 1.470222 , -2.02156959])'"]
    assert slides["Regression with SGD"] == []  # differs, and says why
    assert slides["Regression with Gradient Descent"] == []  # the lecture's value (the second listing's entry)
