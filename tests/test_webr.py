"""R 4.6.0 in webR beside the system R: the lecture's R output as printed, the same numbers
in both R generations, and the same guarantees as the system R's worker."""

import json
import os
import signal

import numpy as np
import pytest

from nncourse.repro import ledger
from nncourse.r import bridge as rbridge
from nncourse.r import installed

from conftest import WEBR_SESSION

pytestmark = [pytest.mark.r, pytest.mark.xdist_group(WEBR_SESSION)]

R_ENTRIES = [e.id for e in ledger.load() if e.language == "r"]
TEXT_RULES = ("markdown-table", "r-pvalue-header")  # the lecture text's extraction, nothing about R

# Every number the lecture's R code computes, in one vector per engine.
NUMBERS = """c(
  coef(and_lm_fit), sqrt(diag(vcov(and_lm_fit))), and_pred,
  coef(xor_lm_fit), sqrt(diag(vcov(xor_lm_fit))), summary(xor_lm_fit)$sigma, summary(xor_lm_fit)$r.squared,
  summary(xor_lm_fit)$fstatistic, resid(xor_lm_fit), xor_lm_pred,
  coef(xor_glm_fit), sqrt(diag(vcov(xor_glm_fit))), coef(summary(xor_glm_fit))[, 3:4],
  deviance(xor_glm_fit), xor_glm_fit$null.deviance, AIC(xor_glm_fit), xor_glm_fit$iter, xor_glm_pred
)"""


@pytest.fixture(scope="module")
def webr_chunks(webr):
    return webr.lecture_chunks()


def computed(session):
    env = session.new_env()
    for script in rbridge.LECTURE_SCRIPTS:
        session.evaluate((rbridge.RSRC / script).read_text(), env)
    session.evaluate(f"numbers <- unname({NUMBERS})", env)
    return np.asarray(session.get("numbers", env), dtype=float)


def test_webr_is_r_4_6_and_needs_no_version_rule(webr):
    assert webr.version == (4, 6) and webr.label == "R 4.6.0 via webR 0.6.0"
    assert ledger.rules_for("r", webr.version) == TEXT_RULES


@pytest.mark.parametrize("entry_id", R_ENTRIES)
def test_webr_prints_the_lecture_entry_as_printed(webr_chunks, lecture_ledger, entry_id):
    entry = lecture_ledger[entry_id]
    check = ledger.check_printed(entry, webr_chunks[entry.expression].output, rules=TEXT_RULES)
    assert check.numbers is not None and all(c.ok for c in check.numbers)
    assert check.same_text, f"lecture: {check.expected}\nwebR:    {check.actual}"


def test_webr_prints_the_lectures_noise_tokens(webr_chunks, lecture_ledger):
    for entry_id in ("xor_lm_summary", "xor_glm_summary"):
        entry = lecture_ledger[entry_id]
        check = ledger.check_printed(entry, webr_chunks[entry.expression].output, rules=TEXT_RULES)
        zeros = [c for c in check.numbers if c.printed.zero]
        assert zeros and all(c.status == "zero" and c.same_noise for c in zeros)


def test_both_engines_run_the_same_chunks(r, webr, r_lecture_chunks, webr_chunks):
    assert list(webr_chunks) == list(r_lecture_chunks)


def test_r_4_2_and_r_4_6_compute_the_same_numbers(r, webr):
    ours, theirs = computed(r), computed(webr)
    # AND's lm: 3 coefficients, 3 SEs, 4 predictions; XOR's lm: 3 + 3, sigma, R^2, F and its
    # 2 dfs, 4 residuals, 4 predictions; XOR's glm: 3 + 3, z and p for 3, 2 deviances, AIC,
    # iterations, 4 predictions
    assert ours.shape == theirs.shape == (10 + 19 + 20,)
    noise = np.abs(ours) < 1e-10  # rounding noise of exact zeros: numerically zero in both
    assert (np.abs(theirs[noise]) < 1e-10).all()
    np.testing.assert_allclose(theirs[~noise], ours[~noise], rtol=1e-12)


def test_values_cross_into_webr_and_back_bit_for_bit(webr):
    import pandas as pd

    rng = np.random.default_rng(5)
    values = {
        "x": rng.normal(size=7) * 10.0 ** rng.integers(-300, 300, size=7),
        "m": rng.normal(size=(3, 4)),
        "special": np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324]),
        "frame": pd.DataFrame({"a": [1.5, 2.5], "b": ["é", 'x"y\\z'], "c": [True, False]}),
    }
    env = webr.new_env()
    for name, value in values.items():
        webr.assign(name, value, env)
    np.testing.assert_array_equal(webr.get("x", env), values["x"])
    np.testing.assert_array_equal(webr.get("m", env), values["m"])
    back = webr.get("special", env)
    assert np.isnan(back[0]) and list(back[1:3]) == [np.inf, -np.inf] and np.signbit(back[3]) and back[4] == 5e-324
    frame = webr.get("frame", env)
    assert list(frame.columns) == ["a", "b", "c"] and list(frame["b"]) == ["é", 'x"y\\z'] and list(frame["c"]) == [True, False]


# Deep recursion's time limit: the crash comes within a second where it comes (0.3 s here);
# where the worker never answers instead, the test waits this long, not a minute.
RECURSION_LIMIT = 10


@pytest.mark.parametrize(
    "code, limit, message",
    [
        ("q()", 60, r"R code called quit\(\) \(R exited with status 0\)"),
        ("quit(status = 4)", 60, r"R code called quit\(\) \(R exited with status 4\)"),
        # how webR ends deep recursion is webR's and Node's (a stack overflow, an out-of-bounds
        # access, at times a worker that never answers): what we promise is an RError saying
        # R was lost (crashed, or stopped at the time limit), then a fresh R
        ("options(expressions = 5e5); f <- function(n) f(n + 1); f(1)", RECURSION_LIMIT,
         rf"R \(webR\) crashed \(SIGABRT\).*the next call starts a fresh R|R code ran past its time limit of {RECURSION_LIMIT} s: R was stopped"),
        ("stop('in webR')", 60, r"R error in `stop\('in webR'\)`: in webR"),
        ("x <- (1", 60, r"syntax error"),
    ],
)
def test_webr_fails_as_the_system_r_does_and_comes_back(webr, code, limit, message):
    with pytest.raises(rbridge.RError, match=message):
        webr.evaluate(code, timeout=limit)
    assert webr.evaluate("1 + 1")[0].output == "[1] 2"


def test_webr_times_out_kills_node_and_comes_back(webr):
    with pytest.raises(rbridge.RTimeout, match=r"R code ran past its time limit of 1 s"):
        webr.evaluate("repeat {}", timeout=1)
    with pytest.warns(rbridge.RWarning, match="^careful in webR$"):
        assert webr.evaluate("warning('careful in webR'); sqrt(4)")[1].output == "[1] 2"


def test_node_dying_between_calls_is_restarted(webr):
    env = webr.new_env()
    node = webr._worker._process
    os.kill(node.pid, signal.SIGKILL)
    node.wait(timeout=10)  # Node is gone before the next call, as when it died unseen
    assert webr.evaluate("2 + 3")[0].output == "[1] 5"
    with pytest.raises(rbridge.RError, match=r"env: this R environment was lost when R restarted"):
        webr.evaluate("1", env)


def fake_webr(tmp_path, version, script):
    dist = tmp_path / "node_modules" / "webr" / "dist"
    dist.mkdir(parents=True)
    (dist.parent / "package.json").write_text(json.dumps({"name": "webr", "version": version}))
    (dist / "webr.mjs").write_text(script)
    return tmp_path / "node_modules"


def test_no_node_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(installed.shutil, "which", lambda name: None)
    with pytest.raises(rbridge.RUnavailable, match=r"webr: Node.js is not installed \(no node on PATH\). Debian: apt-get install nodejs npm"):
        rbridge.RSession(engine="webr")


def test_no_webr_package_is_one_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(installed, "NODE_MODULES", tmp_path / "node_modules")
    with pytest.raises(rbridge.RUnavailable, match=r"webr: the npm package webr is not installed in .*: run `npm ci`"):
        rbridge.RSession(engine="webr")


def test_another_webr_version_is_one_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(installed, "NODE_MODULES", fake_webr(tmp_path, "0.5.9", "export class WebR {}"))
    with pytest.raises(rbridge.RUnavailable, match=r"webr: expected the npm package webr 0.6.0 \(R 4.6.0\), found 0.5.9: run `npm ci`"):
        rbridge.RSession(engine="webr")


def test_webr_failing_to_start_is_one_clear_error(monkeypatch, tmp_path):
    broken = "export class WebR { async init() { throw new Error('no wasm here'); } }"
    monkeypatch.setattr(installed, "NODE_MODULES", fake_webr(tmp_path, "0.6.0", broken))
    with pytest.raises(rbridge.RUnavailable, match=r"R does not start under webR 0.6.0: webR failed to start: no wasm here"):
        rbridge.RSession(engine="webr")


def test_an_unknown_engine_is_named():
    with pytest.raises(ValueError, match=r"engine: expected one of \('rpy2', 'webr'\), got 'r5'"):
        rbridge.session("r5")
