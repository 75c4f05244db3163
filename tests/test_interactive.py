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
        # webR's WebAssembly compiled by V8's baseline tier only, as the webR engine's Node
        # runs it (nncourse.r.installed): the optimising tier costs each live-R page's start
        # more than the few R runs here win back; what R prints is the same
        chromium = playwright.chromium.launch(executable_path=path, args=["--js-flags=--liftoff-only"])
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
    listing.locator(".live-r-run").click()
    assert listing.get_attribute("data-runs") == "1"
    before = page.evaluate("Reveal.getIndices()")
    page.keyboard.press("Space")
    assert page.evaluate("Reveal.getIndices()") != before
    assert listing.get_attribute("data-runs") == "1"


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
    page.clock.install()  # Play's ticks (120 ms apart) run on the page's clock, fast-forwarded here
    explorer.locator("button.play").click()
    page.clock.run_for(100 * 120 + 60)  # 100 ticks of 10 epochs: the last one stops Play
    assert explorer.locator(".explorer-controls .readout b").first.inner_text() == "1000"  # the step
    assert explorer.locator("button.play").inner_text() == "Play"  # stopped at the lecture's 1000, not before
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


# ---------------------------------------------------------------- nncourse serve and live R

GLM = "#learning-xor-function-with-glm"


@pytest.fixture(scope="module")
def served(built_in_deck, tmp_path_factory):
    """The deck served from a folder of its own (the run's rendering is shared by other tests)."""
    import shutil

    from nncourse.deck import serve

    deck = shutil.copyfile(built_in_deck, tmp_path_factory.mktemp("served") / built_in_deck.name)
    httpd, url = serve.serve_in_background(deck)
    yield httpd, url, deck
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
    httpd, url, _ = served
    assert httpd.server_address[0] == "127.0.0.1"
    status, headers, body = get("/" + built_in_deck.name, served)
    assert status == 200 and body.startswith(b"<!DOCTYPE html>")
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin" and headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    status, headers, _ = get("/webr/R.wasm", served)
    assert status == 200 and headers["Content-Type"] == "application/wasm"


@pytest.mark.parametrize("path, status", [("/../../etc/passwd", 403), ("/webr/../package.json", 403), ("/webr/..%2F..%2F.package-lock.json", 403), ("/nothing.html", 404), ("/webr/nothing.js", 404)])
def test_serve_refuses_what_the_deck_does_not_need(served, path, status):
    assert get(path, served)[0] == status


def test_serve_shows_nothing_else_of_the_decks_folder(served):
    other = served[2].parent / "private-notes.txt"
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
    live.fill(f"{listing} textarea", 'stop("no column Z in xor_data")')
    live.click(f"{listing} .live-r-run")
    printed = output(live, "Error")
    assert printed.startswith("Error: no column Z in xor_data") and "at " not in printed  # the message, no stack trace
    assert live.locator(f"{GLM} pre", has_text="Number of Fisher Scoring iterations: 2").count() >= 1  # the static output stays


def test_live_r_starts_in_the_background_and_prints_below_the_slides_output(live):
    # no click yet: webR starts as the served deck opens, so the first Run does not wait for it
    live.wait_for_function("document.documentElement.dataset.liveR === 'ready'", timeout=120_000)
    listing = f"{GLM} .live-r[data-label=xor-glm-pred]"
    live.evaluate("(() => { const s = document.querySelector('#learning-xor-function-with-glm'); const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v, 1); })()")
    live.click(f"{listing} .live-r-run")
    printed = output(live, "0.5")
    assert "Starting" not in printed
    static = live.locator(f"{GLM} .r-output[data-label=xor-glm-pred]").bounding_box()
    panel = live.locator(f"{GLM} .live-r-output[data-label=xor-glm-pred]").bounding_box()
    assert panel["y"] >= static["y"] + static["height"] - 1  # below the output, not over it


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
