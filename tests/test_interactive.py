"""The interactive deck in headless Chromium (network blocked): the gradient-descent
explorers show the package's numbers for the settings a student picks."""

import numpy as np
import pytest
from conftest import chromium_or_skip

from nncourse import data, figures, linear

pytestmark = pytest.mark.r  # the deck runs R


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    path = chromium_or_skip()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, built_in_deck):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, offline=True)
    page = context.new_page()
    page.goto(built_in_deck.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    yield page
    context.close()


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


def test_keys_on_a_slider_move_the_slider_not_the_slides(page):
    explorer = show(page, "gradient-descent-for-2-variables")
    before = page.evaluate("Reveal.getIndices()")
    slider = explorer.locator("input[data-name=lr]")
    value = slider.input_value()
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("Reveal.getIndices()") == before
    assert int(slider.input_value()) == int(value) + 1
