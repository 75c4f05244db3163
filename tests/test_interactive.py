"""The interactive deck in headless Chromium (network blocked): the gradient-descent
explorers show the package's numbers for the settings a student picks."""

import numpy as np
import pytest
from conftest import chromium_or_skip

from nncourse.algorithms import data
from nncourse.deck import figures
from nncourse.algorithms import linear

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


# ---------------------------------------------------------------- nncourse serve and live R

GLM = "#learning-xor-function-with-glm"


@pytest.fixture(scope="module")
def served(built_in_deck):
    from nncourse.deck import serve

    httpd, url = serve.serve_in_background(built_in_deck)
    yield httpd, url
    httpd.shutdown()
    httpd.server_close()


def get(url_or_raw, served=None):
    """Status, headers and body of one request, sent as written (no client-side path cleaning)."""
    import http.client

    host, port = served[0].server_address
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.putrequest("GET", url_or_raw, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_serve_listens_on_loopback_with_isolation_headers(served, built_in_deck):
    httpd, url = served
    assert httpd.server_address[0] == "127.0.0.1"
    status, headers, body = get("/" + built_in_deck.name, served)
    assert status == 200 and body.startswith(b"<!DOCTYPE html>")
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin" and headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    status, headers, _ = get("/webr/R.wasm", served)
    assert status == 200 and headers["Content-Type"] == "application/wasm"


@pytest.mark.parametrize("path, status", [("/../../etc/passwd", 403), ("/webr/../package.json", 403), ("/webr/..%2F..%2F.package-lock.json", 403), ("/nothing.html", 404), ("/webr/nothing.js", 404)])
def test_serve_refuses_what_the_deck_does_not_need(served, path, status):
    assert get(path, served)[0] == status


def test_serve_shows_nothing_else_of_the_decks_folder(served, built_in_deck):
    other = built_in_deck.parent / "private-notes.txt"
    other.write_text("not for the room")
    try:
        assert get("/private-notes.txt", served)[0] == 404
    finally:
        other.unlink()


def test_serve_says_what_is_wrong_with_its_arguments(tmp_path, capsys):
    from nncourse.cli import main

    assert main(["serve", str(tmp_path / "missing.html")]) == 1
    assert "deck: expected a rendered .html deck" in capsys.readouterr().err


@pytest.fixture
def live(browser, served):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort())
    page = context.new_page()
    page.goto(served[1] + "#/learning-xor-function-with-glm")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    yield page
    context.close()


def output(page, pattern):
    page.wait_for_function(f"(() => {{ const pre = document.querySelector('{GLM} .live-r-output pre'); return pre && /{pattern}/.test(pre.textContent); }})()", timeout=120_000)
    return page.inner_text(f"{GLM} .live-r-output pre")


def test_live_r_runs_the_glm_slide_and_runs_what_a_student_edits(live):
    listing = f"{GLM} .live-r[data-label=xor-glm]"
    live.click(f"{listing} .live-r-run")
    printed = output(live, "Fisher Scoring")
    assert "AIC: 11.545" in printed and "Number of Fisher Scoring iterations: 2" in printed
    assert "Deviance Residuals" not in printed  # R 4.6: the lecture's text exactly
    assert live.inner_text(f"{GLM} .live-r-head").startswith("live")
    live.screenshot(path="/tmp/live-r-glm.png")
    live.click(f"{listing} .live-r-edit")
    live.fill(f"{listing} textarea", "xor_glm_fit <- glm(Y ~ X1 + X2, data = xor_data, family = gaussian)\nsummary(xor_glm_fit)")
    live.click(f"{listing} .live-r-run")
    printed = output(live, "gaussian")
    assert "family = gaussian" in printed and "(Dispersion parameter for gaussian family taken to be 1)" in printed
    live.fill(f"{listing} textarea", "glm(Y ~ Z, data = xor_data)")
    live.click(f"{listing} .live-r-run")
    printed = output(live, "Error")
    assert printed.startswith("Error: object 'Z' not found") and "at " not in printed  # R's message, no stack trace
    assert live.locator(f"{GLM} pre", has_text="Number of Fisher Scoring iterations: 2").count() >= 1  # the static output stays


def test_live_r_says_when_an_earlier_section_fails(live):
    """The GLM listing runs the script's earlier sections first; one edited to fail is said, not hung on."""
    live.evaluate("""(() => {
        const data = document.querySelector('.live-r[data-label="xor-data"]');
        data.querySelector('.live-r-edit').click();
        data.querySelector('textarea').value = 'stop("the data did not load")';
    })()""")
    live.click(f"{GLM} .live-r[data-label=xor-glm] .live-r-run")
    printed = output(live, "Error")
    assert printed.startswith('The earlier section "xor-data" failed, so this one did not run:') and "Error: the data did not load" in printed


def test_live_r_says_when_webr_cannot_start_and_tries_again(browser, served):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    blocked = {"webr": True}
    context.route("**/*", lambda route: route.abort() if blocked["webr"] and "/webr/" in route.request.url else route.continue_())
    page = context.new_page()
    try:
        page.goto(served[1] + "#/learning-xor-function-with-glm")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        page.click(f"{GLM} .live-r[data-label=xor-glm] .live-r-run")
        assert output(page, "Error").startswith("Error: ")
        blocked["webr"] = False
        page.click(f"{GLM} .live-r[data-label=xor-glm] .live-r-run")
        assert "AIC: 11.545" in output(page, "Fisher Scoring")
    finally:
        context.close()


def test_live_r_from_a_file_says_it_needs_serve(page):
    page.evaluate("(() => { const s = document.getElementById('learning-xor-function-with-glm'); const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); })()")
    page.click(f"{GLM} .live-r[data-label=xor-glm] .live-r-run")
    assert page.inner_text(f"{GLM} .live-r-output pre").startswith("Live R needs a web server: run `nncourse serve`")


def test_serve_command_prints_its_address_and_stops_on_ctrl_c(built_in_deck):
    import signal
    import subprocess
    import sys
    import urllib.request

    child = subprocess.Popen([sys.executable, "-m", "nncourse.cli", "serve", str(built_in_deck), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = child.stdout.readline()
    assert first.startswith(f"Serving {built_in_deck} at http://127.0.0.1:")
    url = first.split(" at ")[1].strip()
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 0 and "nncourse serve: stopped" in err and "Traceback" not in err
