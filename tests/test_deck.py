"""The deck: its code runs in a Jupyter kernel, prints the lecture's outputs, shows the
R code it runs, and renders (built-in path) to one offline reveal.js file."""

import base64
import io
import re

import numpy as np
import pytest

from nncourse.deck import slide as deck
from nncourse.repro import computed as lecture
from nncourse.repro import ledger
from nncourse.r import bridge as rbridge

pytestmark = pytest.mark.r  # the deck runs R through rpy2

# The lecture's slide titles, in order (section title slides included): the spec the
# rendered deck is held to. Each is checked to stand in the lecture text, in this order.
LECTURE_TITLES = [
    "Overview", "Introduction to Neural Networks", "Some History", "Laying the Foundation",
    "Why Neural Networks?", "Single-layer Perceptron", "Example: Boolean AND", "Example: Learning AND",
    "Example: Learning AND", "Activation Function", "Activation Functions", "Single-Layer Perceptron (SLP)",
    "Example: Exclusive OR (XOR)", "Learning XOR Function", "Learning XOR Function with LM",
    "Learning XOR Function with GLM", "Limitations of SLP", "Stochastic Gradient Descent", "Optimisation",
    "Derivative Recap", "Gradient Descent", "Stationary (Critical) Points", "Gradient Descent for 1 Variable",
    "Gradient Descent for 2 Variables", "Example: Linear Regression", "Example: OLS",
    "Regression with Gradient Descent", "Regression with Gradient Descent", "Gradient Descent for Linear Regression",
    "Why/Why Not Gradient Descent?", "Stochastic Gradient Descent", "Regression with SGD", "Back to Boolean AND",
    "Multi-Layer Perceptron", "Multi-Layer Perceptron (MLP)", "MLP for XOR", "MLP for XOR", "Next",
]


@pytest.fixture(scope="session")
def executed(built_in_executed):
    """The deck as a Jupyter kernel ran it: the run the built-in rendering below was made from."""
    return built_in_executed


@pytest.fixture(scope="session")
def rendered(built_in_deck):
    return built_in_deck


def code_cells(executed):
    return [c for c in executed[1] if c.kind == "code"]


def printed(cell) -> str:
    """What a cell printed: its result's text, or its stdout."""
    for output in cell.outputs:
        if output["output_type"] == "execute_result":
            return output["data"]["text/plain"]
    return "".join(o["text"] for o in cell.outputs if o["output_type"] == "stream" and o["name"] == "stdout")


def fenced_blocks(markdown: str) -> list[tuple[str, str]]:
    """The fenced code blocks of Markdown, as (info string, body) pairs."""
    blocks, info, body = [], None, []
    for line in markdown.splitlines():
        if info is None and line.startswith("```"):
            info, body = line[3:], []
        elif info is not None and line.strip() == "```":
            blocks.append((info, "\n".join(body)))
            info = None
        elif info is not None:
            body.append(line)
    return blocks


def test_lecture_titles_are_the_lectures(lecture_text):
    position = 0
    for title in LECTURE_TITLES:
        found = lecture_text.find(f"\n{title}\n", position)
        assert found >= 0, title
        position = found + 1


def test_deck_executes_without_error_in_a_jupyter_kernel(executed):
    cells = code_cells(executed)
    assert len(cells) > 30
    errors = [o for c in cells for o in c.outputs if o["output_type"] == "error"]
    assert not errors


@pytest.mark.parametrize("entry_id", [e.id for e in ledger.load() if e.language == "r"])
def test_deck_prints_each_r_entry_as_the_lecture(r, executed, lecture_ledger, entry_id):
    entry = lecture_ledger[entry_id]
    blocks = [body for cell in code_cells(executed) for info, body in fenced_blocks(printed(cell)) if info == ""]
    rules = ledger.rules_for("r", r.version)
    checks = [ledger.check_printed(entry, block, rules=rules) for block in blocks]
    assert any(c.ok and c.same_text for c in checks), entry_id


@pytest.mark.parametrize("entry_id", ["ols_betas", "gd_betas", "and_perceptron_params"])
def test_deck_prints_the_lectures_python_text(executed, lecture_ledger, entry_id):
    # OLS and gradient descent are deterministic; the perceptron runs from seed 1198, which
    # prints the lecture's very repr.
    entry = lecture_ledger[entry_id]
    cells = [c for c in code_cells(executed) if c.slide == entry.slide and printed(c).startswith("array")]
    assert cells, entry.slide
    text = printed(cells[-1])
    assert ledger.normalise(text) == ledger.normalise(entry.printed)
    assert all(c.ok for c in ledger.check_numbers(entry, [n.value for n in ledger.parse_numpy(text)]))


def test_deck_stochastic_outputs_are_the_packages_from_the_decks_seeds(executed, lecture_ledger):
    by_slide = {}
    for cell in code_cells(executed):
        if printed(cell).startswith("array"):
            by_slide.setdefault(cell.slide, []).append(printed(cell))
    sgd = ledger.parse_numpy(by_slide["Regression with SGD"][-1])
    expected = lecture.sgd_betas(rng=np.random.RandomState(deck.LECTURE_SEEDS["sgd"]))
    np.testing.assert_allclose([n.value for n in sgd], expected, atol=5e-9)
    mlp_outputs = lecture.mlp_outputs(rng=np.random.RandomState(deck.LECTURE_SEEDS["mlp"]))
    shown = by_slide["MLP for XOR"]
    assert len(shown) == len(lecture.MLP_ENTRIES)
    for text, entry_id in zip(shown, lecture.MLP_ENTRIES):
        values = np.array([n.value for n in ledger.parse_numpy(text)])
        assert len(values) == len(lecture_ledger[entry_id].numbers)
        np.testing.assert_allclose(values, np.ravel(mlp_outputs[entry_id]), rtol=1e-7, atol=1e-8, err_msg=entry_id)


def test_r_code_shown_is_the_code_run(r, executed):
    shown = [body for cell in code_cells(executed) for info, body in fenced_blocks(printed(cell)) if info.startswith("{.r")]
    sections = {label: code for script in rbridge.LECTURE_SCRIPTS for label, code in rbridge.sections(script).items()}
    assert len(shown) == len(sections)  # every section shown once
    assert sorted(shown) == sorted(sections.values())  # the file's text, as R parsed and ran it


def test_rendered_deck_has_the_lectures_slides_in_order(rendered):
    html = rendered.read_text()
    titles = re.findall(r"<section[^>]*class=\"[^\"]*slide level[12][^\"]*\"[^>]*>\s*<h[12][^>]*>(.*?)</h[12]>", html, flags=re.S)
    titles = [re.sub(r"<[^>]+>", "", t).strip() for t in titles]
    assert titles == LECTURE_TITLES
    assert 'id="title-slide"' in html and "Week 10: Neural Networks" in html


def test_rendered_deck_shows_what_r_printed(rendered):
    # R's output reaches the page itself (cell-magic output has been lost on the way in some Quarto versions)
    page = rendered.read_text()
    for text in ("Number of Fisher Scoring iterations: 2", "Residual deviance: 5.5452", "3.698e-32", "-0.25  0.25  0.25  0.75"):
        assert text in page, text
    assert 'class="sourceCode r' in page  # R code highlighted as R


def test_rendered_deck_embeds_every_figure(rendered, executed):
    import matplotlib.image

    figure_cells = [c for c in code_cells(executed) if any("image/png" in o.get("data", {}) for o in c.outputs)]
    images = re.findall(r'<img[^>]*?(?:data-)?src="data:image/png;base64,([^"]+)"', rendered.read_text())
    assert len(figure_cells) == 8 and len(images) == len(figure_cells)
    for encoded in images:
        pixels = matplotlib.image.imread(io.BytesIO(base64.b64decode(encoded)), format="png")
        assert pixels.shape[0] > 200 and pixels.shape[1] > 200
        assert pixels[..., :3].std() > 0.05  # drawn on, not blank


def test_the_three_gradient_descent_slides_carry_explorers_with_their_code_once(rendered):
    html = rendered.read_text()
    kinds = re.findall(r'<div class="nncourse-explorer" data-kind="(\w+)"', html)
    assert kinds == ["1d", "2d", "regression"]
    assert html.count("root.NncourseDescent =") == 1 and html.count("const KINDS =") == 1


def test_rendered_deck_loads_nothing_from_the_network(rendered):
    html = rendered.read_text()
    # what a page loads: scripts, images, frames, stylesheets, CSS urls (links to follow are not loads)
    assert not re.findall(r'\bsrc\s*=\s*["\']?(?:https?:)?//', html)
    assert not re.findall(r'<link[^>]*href\s*=\s*["\']?(?:https?:)?//', html)
    assert not re.findall(r"url\(\s*['\"]?(?:https?:)?//", html)
    assert "mathjax" not in html.lower().replace('class="mathjax"', "")  # no MathJax script: typeset at build time
    # every formula typeset as MathJax SVG, the same engine Quarto's deck uses
    formulas = re.findall(r'<span class="math (?:inline|display)">(.*?)</span>', html)
    assert len(formulas) > 40 and all(f.startswith('<mjx-container class="MathJax" jax="SVG"') for f in formulas)


def test_rendered_deck_carries_each_font_face_once_as_woff(rendered):
    """reveal.js's theme names each face of its font four times (EOT twice, WOFF, TrueType),
    and Pandoc embeds every file named: the deck keeps the WOFF every browser reads, once."""
    from nncourse import paths

    theme = (paths.node_modules() / "reveal.js" / "dist" / "theme" / "fonts" / "source-sans-pro" / "source-sans-pro.css").read_text()
    faces = re.findall(r"@font-face\s*\{[^}]*\}", rendered.read_text())
    assert len(faces) == theme.count("@font-face") == 4
    assert all(re.findall(r"url\(([^;,]{0,30})", face) == ["data:font/woff"] for face in faces), [face[:200] for face in faces]
    assert {re.search(r"font-weight:\s*(\w+)", f).group(1) for f in faces} == {"normal", "600"}


def test_rendered_deck_links_the_lectures_web_app_on_its_three_slides(rendered):
    html = rendered.read_text()
    app = "https://tpaskhalis-gradient-descent.share.connect.posit.cloud/#/"
    for anchor in ("gradient-descent-for-1-variable", "gradient-descent-for-2-variables", "gradient-descent-for-linear-regression"):
        assert f'href="{app}{anchor}"' in html, anchor


def test_quartos_file_alone_carries_its_maths_and_loads_nothing(quarto_deck, lecture_text):
    html = quarto_deck.read_text()
    assert "Learning XOR Function with GLM" in html
    # every formula typeset at build time by the project's Lua filter, as the built-in path does
    formulas = re.findall(r'<span class="math (?:inline|display)">(.*?)</span>', html)
    assert len(formulas) > 40 and all(f.startswith('<mjx-container class="MathJax" jax="SVG"') for f in formulas)
    from nncourse.deck import figures

    # the lecture's displayed equations: displayed, but for the three the Stationary Points figure draws
    drawn = {formula.strip("$") for _, _, formula in figures.STATIONARY.values()}
    displayed = [tex for tex in re.findall(r"^\$\$(.+)\$\$$", lecture_text, re.M) if tex not in drawn]
    assert len(re.findall(r'<span class="math display">', html)) == len(displayed) == 10
    # no MathJax, require.js or jQuery to fetch: nothing is loaded from another host
    assert not re.findall(r'\bsrc\s*=\s*["\']?(?:https?:)?//', html)
    assert not re.findall(r'<link[^>]*href\s*=\s*["\']?(?:https?:)?//', html)
    assert "require.min.js" not in html and not re.search(r"jquery[-.\d]*(\.min)?\.js", html, re.I)


def test_some_history_is_drawn_from_the_lectures_own_dates(lecture_text):
    from nncourse.deck import figures

    for year, when, _ in figures.HISTORY:
        assert f"In {year}" in lecture_text or when in lecture_text, when
    assert figures.AI_WINTER[0] == 1969 and '"AI winter"' in lecture_text.replace("\u201c", '"').replace("\u201d", '"')
    assert len(figures.history().axes[0].texts) == len(figures.HISTORY) + 1  # each date and the winter, labelled
