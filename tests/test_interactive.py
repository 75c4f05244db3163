"""The interactive deck in headless Chromium (network blocked): the gradient-descent
explorers show the package's numbers for the settings a student picks."""

import numpy as np
import pytest

from nncourse.algorithms import data
from nncourse.deck import figures
from nncourse.algorithms import linear

pytestmark = pytest.mark.r  # the deck runs R


@pytest.fixture(scope="module")
def deck_page(chromium, built_in_deck):
    """One page of the deck opened from its file, offline, for the module's tests (a load costs
    1.5-3 s of CPU; the module's tests each need the deck as it opened, not a page of their own)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 720}, offline=True)
    page = context.new_page()
    page.goto(built_in_deck.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    yield page
    context.close()


# The deck as it opened: every explorer's sliders at their rendered values (each's `value`
# attribute, its defaultValue) and Reset (which stops Play); no live-R panel, nothing focused.
AS_OPENED = """() => {
    document.querySelectorAll('.nncourse-explorer input[type=range]').forEach((input) => {
        if (input.value !== input.defaultValue) { input.value = input.defaultValue; input.dispatchEvent(new Event('input')); } });
    document.querySelectorAll('.nncourse-explorer button.reset').forEach((reset) => reset.click());
    document.querySelectorAll('.live-r-output').forEach((panel) => panel.remove());
    document.querySelectorAll('.live-r-open').forEach((slide) => slide.classList.remove('live-r-open'));
    if (document.activeElement) document.activeElement.blur();
}"""


@pytest.fixture
def page(deck_page):
    """The module's page, put back as it opened."""
    deck_page.evaluate(AS_OPENED)
    yield deck_page
    deck_page.evaluate(AS_OPENED)


def show(page, slide_id):
    page.evaluate(f"(() => {{ const s = document.getElementById('{slide_id}'); const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); }})()")
    return page.locator(f"#{slide_id} .nncourse-explorer")


def set_rate(explorer, value):
    """Move the learning-rate slider to ``value`` as a student drags it (input events)."""
    explorer.locator("input[data-name=lr]").evaluate(
        "(input, value) => { for (let i = +input.min; i <= +input.max; i++) { input.value = i; input.dispatchEvent(new Event('input'));"
        " if (+input.nextElementSibling.textContent === value) return; } throw new Error('no such rate ' + value); }",
        value,
    )


def shown(explorer, name):
    return float(explorer.locator(f"[data-value={name}]").inner_text())


def test_one_variable_explorer_follows_the_slider_and_shows_numpys_iterates(page):
    explorer = show(page, "gradient-descent-for-1-variable")
    path_before = explorer.locator("polyline.path").get_attribute("points")
    set_rate(explorer, 0.02)
    for _ in range(25):
        explorer.locator("button.step").click()
    _, grad, _ = figures.STATIONARY["Local Minimum"]
    expected = figures.descend_1d(grad, 0.2, 0.02, 25)
    assert shown(explorer, "x") == pytest.approx(expected[-1], abs=5e-5)
    assert shown(explorer, "df") == pytest.approx(grad(expected[-1]), abs=5e-5)
    points = explorer.locator("polyline.path").get_attribute("points").split()
    assert len(points) == 26 and points != path_before.split()
    page.screenshot(path="/tmp/explorer-1d.png")


def test_a_rate_too_large_says_it_diverged(page):
    explorer = show(page, "gradient-descent-for-1-variable")
    explorer.locator("input[data-name=x0]").evaluate("input => { input.value = 2.3; input.dispatchEvent(new Event('input')); }")
    set_rate(explorer, 0.3)
    for _ in range(4):
        explorer.locator("button.step").click()
    _, grad, _ = figures.STATIONARY["Local Minimum"]
    with np.errstate(over="ignore", invalid="ignore"):
        assert not abs(figures.descend_1d(grad, 2.3, 0.3, 4)[-1]) < 1e6  # NumPy runs away too
    assert explorer.locator(".message").inner_text().startswith("Diverged at step ")


def test_regression_explorer_shows_the_packages_gradient_descent(page):
    explorer = show(page, "gradient-descent-for-linear-regression")
    set_rate(explorer, 0.1)
    for _ in range(40):
        explorer.locator("button.step").click()
    X, y = data.regression_data()
    expected = linear.gradient_descent(X, y, lr=0.1, epochs=40)
    assert [shown(explorer, "gd1"), shown(explorer, "gd2")] == pytest.approx(list(expected), abs=5e-5)
    sgd = [shown(explorer, "sgd1"), shown(explorer, "sgd2")]
    assert np.abs(np.array(sgd) - linear.ols(X, y)).max() < 0.5  # its own batches: near OLS, not equal to GD
    page.screenshot(path="/tmp/explorer-regression.png")


def test_a_slider_reached_by_tab_takes_the_arrows_and_gives_the_deck_its_other_keys(page):
    explorer = show(page, "gradient-descent-for-2-variables")
    before = page.evaluate("Reveal.getIndices()")
    slider = explorer.locator("input[data-name=lr]")
    value = slider.input_value()
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("Reveal.getIndices()") == before
    assert int(slider.input_value()) == int(value) + 1
    page.keyboard.press("PageDown")  # a clicker's key: the deck moves, the slider stays
    assert page.evaluate("Reveal.getIndices()")["v"] == before["v"] + 1
    assert int(slider.input_value()) == int(value) + 1


def test_after_a_click_on_a_slider_or_button_the_deck_keys_move_the_deck(page):
    for key in ("ArrowRight", "PageDown", "Space"):  # one page for the three (a load is 2 s of CPU)
        for control in ("input[data-name=lr]", "button.step", "button.play"):
            explorer = show(page, "gradient-descent-for-1-variable")
            before = page.evaluate("Reveal.getIndices()")
            explorer.locator(control).click()
            value = explorer.locator("input[data-name=lr]").input_value()
            page.keyboard.press(key)
            assert page.evaluate("Reveal.getIndices()")["v"] == before["v"] + 1, (key, control)
            assert explorer.locator("input[data-name=lr]").input_value() == value, (key, control)


def test_space_after_run_moves_the_deck_and_runs_nothing(page):
    page.evaluate("(() => { const s = document.getElementById('learning-xor-function-with-glm'); const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v, -1); })()")
    listing = page.locator(f"{GLM} .live-r[data-label=xor-glm]")
    runs = int(listing.get_attribute("data-runs") or 0)  # the module's page: runs of earlier tests
    listing.locator(".live-r-run").click()
    assert int(listing.get_attribute("data-runs")) == runs + 1
    before = page.evaluate("Reveal.getIndices()")
    page.keyboard.press("Space")
    assert page.evaluate("Reveal.getIndices()") != before
    assert int(listing.get_attribute("data-runs")) == runs + 1


def test_readouts_say_divergence_in_words_never_nan(page):
    explorer = show(page, "gradient-descent-for-1-variable")
    explorer.locator("input[data-name=x0]").evaluate("input => { input.value = 2.3; input.dispatchEvent(new Event('input')); }")
    set_rate(explorer, 0.3)
    for _ in range(12):  # well past divergence: NumPy's iterates are inf and nan by now
        explorer.locator("button.step").click()
    text = explorer.locator(".explorer-controls").inner_text()
    assert "NaN" not in text and "Infinity" not in text and "ran away" in text
    assert explorer.locator(".message").inner_text().startswith("Diverged at step ")


def test_the_regression_explorer_says_when_it_diverges(page):
    explorer = show(page, "gradient-descent-for-linear-regression")
    set_rate(explorer, 1.2)
    explorer.locator("button.play").click()
    page.wait_for_function("document.querySelector('#gradient-descent-for-linear-regression .message').textContent.startsWith('Diverged')", timeout=30_000)
    X, _ = data.regression_data()
    limit = 1 / np.linalg.eigvalsh(X.T @ X / len(X)).max()  # the rate above which gradient descent diverges
    assert f"rates above {limit:.2f}" in explorer.locator(".message").inner_text() and 1.2 > limit


def test_the_regression_explorer_runs_the_lectures_1000_epochs(page):
    explorer = show(page, "gradient-descent-for-linear-regression")
    assert explorer.locator("output").first.inner_text() == "0.01"  # the lecture's rate
    # Play's ticks (120 ms apart) run on the page's clock, fast-forwarded here, then left to run
    # with the real time again for the module's later tests (a page of its own is a load, 2 s of CPU)
    page.clock.install()
    try:
        explorer.locator("button.play").click()
        page.clock.run_for(100 * 120 + 60)  # 100 ticks of 10 epochs: the last one stops Play
        assert explorer.locator(".explorer-controls .readout b").first.inner_text() == "1000"  # the step
        assert explorer.locator("button.play").inner_text() == "Play"  # stopped at the lecture's 1000, not before
    finally:
        page.clock.resume()
    X, y = data.regression_data()
    expected = linear.gradient_descent(X, y, lr=0.01, epochs=1000)
    assert [shown(explorer, "gd1"), shown(explorer, "gd2")] == pytest.approx(list(expected), abs=5e-6)
    assert explorer.locator("[data-value=gd1]").inner_text() == "1.47022"  # the lecture's printed 1.47022181


def test_the_two_variable_explorer_explains_rate_0_2(page):
    explorer = show(page, "gradient-descent-for-2-variables")
    set_rate(explorer, 0.2)
    for _ in range(6):
        explorer.locator("button.step").click()
    assert "flips sign for ever" in explorer.locator(".message").inner_text()
    assert abs(shown(explorer, "y")) == pytest.approx(1.5)  # -1 times y each step: |y| stays 1.5


GLM = "#learning-xor-function-with-glm"


def test_live_r_from_a_file_says_it_needs_serve(page):
    page.evaluate("(() => { const s = document.getElementById('learning-xor-function-with-glm'); const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); })()")
    page.click(f"{GLM} .live-r[data-label=xor-glm] .live-r-run")
    assert page.inner_text(f"{GLM} .live-r-output pre").startswith("Live R needs a web server: run `nncourse serve`")
