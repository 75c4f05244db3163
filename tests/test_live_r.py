"""``nncourse serve``: the deck over http on 127.0.0.1 (only what it needs), and its live R
run in the browser in webR, in headless Chromium with every request but the server's blocked."""

import pytest
from conftest import chromium_or_skip

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


@pytest.fixture(scope="module")
def served_page(browser, served):
    """One served page of the deck for the module's live-R tests, and whether its webR was
    ready before anything on the page was clicked (it starts as the deck opens). A page's
    start of webR costs some 4 s of CPU in Chromium: the tests share it, each on a script of
    its own or on what the others leave as it was (a script's sections run once per page)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort())
    clicks = []
    context.expose_function("nncourseClicked", lambda: clicks.append(True))
    page = context.new_page()
    page.add_init_script("document.addEventListener('click', () => window.nncourseClicked(), true)")
    page.goto(served[1] + "#/learning-xor-function-with-glm")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    # no click yet: webR starts as the served deck opens, so the first Run does not wait for it
    page.wait_for_function("document.documentElement.dataset.liveR === 'ready'", timeout=120_000)
    yield page, not clicks
    context.close()


# Each test's page as it opened: no live-R panel open, every listing's code as the deck shows it, not in an editor.
AS_OPENED = """() => {
    document.querySelectorAll('.live-r-output').forEach((panel) => panel.remove());
    document.querySelectorAll('.live-r-open').forEach((slide) => slide.classList.remove('live-r-open'));
    document.querySelectorAll('.live-r textarea.live-r-editor').forEach((editor) => {
        const listing = editor.closest('.live-r');
        editor.remove();
        listing.querySelector('pre').hidden = false;
        listing.querySelector('.live-r-edit').textContent = 'Edit';
    });
}"""


@pytest.fixture
def live(served_page):
    page, _ = served_page
    page.evaluate(AS_OPENED)
    yield page
    page.evaluate(AS_OPENED)


def output(page, pattern, slide=GLM):
    page.wait_for_function(f"(() => {{ const pre = document.querySelector('{slide} .live-r-output pre'); return pre && /{pattern}/.test(pre.textContent); }})()", timeout=120_000)
    return page.inner_text(f"{slide} .live-r-output pre")


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


def test_live_r_starts_in_the_background_and_prints_below_the_slides_output(served_page, live):
    assert served_page[1], "webR was ready only after a click on the page: it did not start as the deck opened"
    listing = f"{GLM} .live-r[data-label=xor-glm-pred]"
    live.evaluate("(() => { const s = document.querySelector('#learning-xor-function-with-glm'); const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v, 1); })()")
    live.click(f"{listing} .live-r-run")
    printed = output(live, "0.5")
    assert "Starting" not in printed
    static = live.locator(f"{GLM} .r-output[data-label=xor-glm-pred]").bounding_box()
    panel = live.locator(f"{GLM} .live-r-output[data-label=xor-glm-pred]").bounding_box()
    assert panel["y"] >= static["y"] + static["height"] - 1  # below the output, not over it


AND = "#example-learning-and-1"


def test_live_r_says_when_an_earlier_section_fails(live):
    """A listing runs its script's earlier sections first; one edited to fail is said, not hung
    on (the AND script's, which the module's other tests never run)."""
    live.evaluate("""(() => {
        const data = document.querySelector('.live-r[data-label="and-data"]');
        data.querySelector('.live-r-edit').click();
        data.querySelector('textarea').value = 'stop("the data did not load")';
    })()""")
    live.evaluate(f"(() => {{ const i = Reveal.getIndices(document.querySelector('{AND}')); Reveal.slide(i.h, i.v); }})()")
    live.click(f"{AND} .live-r[data-label=and-lm] .live-r-run")
    printed = output(live, "Error", AND)
    assert printed.startswith('The earlier section "and-data" failed, so this one did not run:') and "Error: the data did not load" in printed


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
