"""R runs in a worker process: no R code can kill, hang or hijack Python.

Each hostile snippet of issue "Hardening" runs in the test process's own R session;
the test process must come through each, with an error that says what R did, and R
must work again on the next call.
"""

import os
import signal
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from nncourse.r import bridge as rbridge

from conftest import WEBR_SESSION

pytestmark = pytest.mark.r


def still_works(r):
    (chunk,) = r.evaluate("1 + 1")
    assert chunk.output == "[1] 2"


@pytest.mark.parametrize("code, status", [("q()", 0), ("quit(status = 7)", 7), ("quit(save = 'no', status = 3)", 3)])
def test_quit_is_an_error_and_r_comes_back(r, code, status):
    with pytest.raises(rbridge.RError, match=rf"R code called quit\(\) \(R exited with status {status}\); the next call starts a fresh R"):
        r.evaluate(code)
    still_works(r)


def test_a_c_stack_overflow_is_an_error_naming_the_crash(r):
    # R's own words for it (a C stack overflow, "evaluation nested too deeply") are R's:
    # what nncourse promises is that the crash is named as one, or R's error comes back
    with pytest.raises(rbridge.RError, match=r"^(R crashed \(SIG\w+\).*the next call starts a fresh R|R error in `f\(1\)`: )"):
        r.evaluate("options(expressions = 5e5); f <- function(n) f(n + 1); f(1)")
    still_works(r)


def test_an_endless_loop_times_out_and_r_comes_back(r):
    with pytest.raises(rbridge.RTimeout, match=r"R code ran past its time limit of 0.5 s: R was stopped"):
        r.evaluate("repeat {}", timeout=0.5)
    still_works(r)


def test_environments_do_not_survive_a_restart(r):
    env = r.new_env()
    r.evaluate("x <- 1", env)
    with pytest.raises(rbridge.RError):
        r.evaluate("q()")
    with pytest.raises(rbridge.RError, match=r"env: this R environment was lost when R restarted"):
        r.evaluate("x", env)


def test_r_cannot_change_pythons_folder_or_environment(r, tmp_path):
    here = os.getcwd()
    chunks = r.evaluate(f"setwd('{tmp_path}'); Sys.setenv(NNCOURSE_FROM_R = 'yes'); getwd()")
    assert chunks[-1].output == f'[1] "{tmp_path}"'
    assert os.getcwd() == here and "NNCOURSE_FROM_R" not in os.environ


def test_chunk_code_is_exact_for_utf8_and_tabs(r):
    chunks = r.evaluate("x <- 'é'; y <- 1\nz <- \"naïve\"\t; z\nf <- function(a) {\n  a + 1\n}")
    assert [c.code for c in chunks] == ["x <- 'é'", "y <- 1", 'z <- "naïve"', "z", "f <- function(a) {\n  a + 1\n}"]
    assert chunks[3].output == '[1] "naïve"'


def test_an_error_names_the_expression_that_failed(r):
    with pytest.raises(rbridge.RError, match=r"R error in `stop\('boom: é'\)`: boom: é"):
        r.evaluate("a <- 1\nstop('boom: é')\nb <- 2")


def test_a_syntax_error_is_an_r_error_with_rs_message(r):
    with pytest.raises(rbridge.RError, match=r"^R error in `x <- \(1`: syntax error: \S"):  # then R's own words
        r.evaluate("x <- (1")


def test_messages_and_warnings_are_captured_not_printed(r, capfd):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chunks = r.evaluate("message('from R'); warning('careful'); 3")
    assert chunks[0].messages == ("from R",) and chunks[1].warnings == ("careful",)
    assert [str(w.message) for w in caught] == ["careful"]
    out, err = capfd.readouterr()
    assert "from R" not in out + err


def test_many_lines_come_back_whole(r):
    # (how the time grows with the lines, a million included: benchmarks/r_output.py)
    (chunk,) = r.evaluate("cat(paste0('line ', 1:200000), sep = '\\n')")
    lines = chunk.output.split("\n")
    assert len(lines) == 200_000 and lines[0] == "line 1" and lines[-1] == "line 200000"


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda r: r.call("ols", np.zeros((3, 2)) + 1j, np.zeros(3)), TypeError, r"^args\[0\]: expected real numbers for R, got complex values"),
        (lambda r: r.call("nope"), ValueError, r"^function: expected a function of rsrc/algorithms.R \(.*ols.*\), got 'nope'"),
        (lambda r: r.run_script("../pyproject.toml"), ValueError, r"^name: expected the file name of an R script in .*rsrc"),
        (lambda r: r.run_script("missing.R"), FileNotFoundError, r"^name: expected an R file in .*rsrc, got 'missing.R'"),
        (lambda r: r.evaluate(42), TypeError, r"^code: expected R code as a str, got int"),
        (lambda r: r.evaluate("1", timeout=-1), ValueError, r"^timeout: expected a positive number of seconds, got -1"),
        (lambda r: r.evaluate("1", env="globalenv"), TypeError, r"^env: expected an environment from session\(\)\.new_env\(\), got str"),
        (lambda r: r.get("not_there", r.new_env()), ValueError, r"^name: no R object 'not_there' in this environment"),
        (lambda r: r.assign("x", {"a": 1j}, r.new_env()), TypeError, r"^x\['a'\]: expected real numbers for R, got complex values"),
    ],
)
def test_bad_requests_are_named(r, call, error, message):
    with pytest.raises(error, match=message):
        call(r)
    still_works(r)


def run_python(code: str, env=None, **kwargs):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=120, **kwargs)


def wait_for(path, seconds=60):
    """Until R has made ``path`` (R is then running the code after it)."""
    import time

    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"R did not make {path} within {seconds} s"
        time.sleep(0.02)


def test_ctrl_c_stops_r_and_raises_keyboard_interrupt(tmp_path):
    started = tmp_path / "started"
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from nncourse.r import bridge as rbridge
            r = rbridge.session()
            print("ready", flush=True)
            try:
                r.evaluate("file.create('{started}'); Sys.sleep(1000)")
            except KeyboardInterrupt as exc:
                print("KeyboardInterrupt:", exc, flush=True)
                print("alive:", r._worker.alive, flush=True)
                print(r.evaluate("2 + 2")[0].output, flush=True)
        """)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert child.stdout.readline().strip() == "ready"
    wait_for(started)  # R is in Sys.sleep: the parent waits on it
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert "KeyboardInterrupt: interrupted: R was stopped; the next call starts a fresh one" in out, err
    assert "alive: False" in out and "[1] 4" in out
    assert "Traceback" not in err and "Exception ignored" not in err


def test_a_broken_r_home_is_one_clear_error(tmp_path):
    env = {**os.environ, "R_HOME": "/nonexistent"}
    done = run_python(
        """
        from nncourse.r import bridge as rbridge
        try:
            rbridge.session()
        except rbridge.RUnavailable as exc:
            print("RUnavailable:", exc)
        """,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "RUnavailable: R does not start" in done.stdout and "Traceback" not in done.stderr


def test_r_dies_with_its_parent_even_while_busy(tmp_path):
    started = tmp_path / "started"
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            from nncourse.r import bridge as rbridge
            r = rbridge.session()
            print(r._worker._process.pid, flush=True)
            r.evaluate("file.create('{started}'); repeat {{}}", timeout=600)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    worker = int(child.stdout.readline())
    import time

    wait_for(started)  # R is busy in the loop
    child.kill()  # SIGKILL: the parent cannot clean up; the worker must still go
    child.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and os.path.exists(f"/proc/{worker}") and "Z" not in open(f"/proc/{worker}/stat").read().split()[2]:
        time.sleep(0.2)
    assert not os.path.exists(f"/proc/{worker}") or open(f"/proc/{worker}/stat").read().split()[2] == "Z"


@pytest.fixture(params=["rpy2", pytest.param("webr", marks=pytest.mark.xdist_group(WEBR_SESSION))])
def engine(request):
    """Each R engine in turn (the system R, R 4.6 in webR: on the worker of the webr session's group)."""
    return request.getfixturevalue("r" if request.param == "rpy2" else "webr")


def test_options_are_the_environments_own(engine):
    env = engine.new_env()
    assert engine.evaluate("options(digits = 1); print(pi)", env)[-1].output == "[1] 3"
    assert engine.evaluate("print(pi)")[0].output == "[1] 3.141593"  # a new environment: R's digits
    assert engine.evaluate("print(pi)", env)[0].output == "[1] 3"  # its own, still
    assert engine.evaluate("options(nncourse_made_up = 1); getOption('nncourse_made_up')", env)[-1].output == "[1] 1"
    assert engine.evaluate("is.null(getOption('nncourse_made_up'))")[0].output == "[1] TRUE"


def test_base_and_global_bindings_do_not_leak_into_a_new_environment(engine):
    env = engine.new_env()
    code = "unlockBinding('sum', baseenv()); assign('sum', function(...) 42, baseenv()); x_leak <<- 5; set.seed(1)"
    engine.evaluate(code, env)
    assert engine.evaluate("sum(1, 2)", env)[0].output == "[1] 42"  # where it was done, it holds
    fresh = engine.evaluate("sum(1, 2); exists('x_leak'); exists('.Random.seed', globalenv())")
    assert [c.output for c in fresh] == ["[1] 3", "[1] FALSE", "[1] FALSE"]
    assert engine.evaluate("bindingIsLocked('sum', baseenv())")[0].output == "[1] TRUE"
    assert engine.call("ols", np.eye(2), np.array([1.0, 2.0])).tolist() == [1.0, 2.0]  # rsrc/'s functions see base's sum


def test_bytes_that_are_not_utf8_come_back_as_replacement_characters(engine):
    (chunk,) = engine.evaluate("cat(rawToChar(as.raw(c(0xff, 0xfe, 0x41))), 'é')")
    assert chunk.output == "\ufffd\ufffdA é"


def test_a_lone_surrogate_is_refused_naming_where(engine):
    with pytest.raises(ValueError, match=r"^code: expected text R can read \(valid Unicode\), got a lone surrogate '\\udc80' at position 1$"):
        engine.evaluate("'\udc80'")
    with pytest.raises(ValueError, match=r"^v\['a'\]\[1\]: expected text R can read"):
        engine.assign("v", {"a": np.array(["ok", "\ud800"])}, engine.new_env())
    still_works(engine)


def test_nested_values_and_integers_beyond_rs_cross_alike(engine):
    env = engine.new_env()
    engine.assign("v", {"a": {"b": [1, 2]}, "c": [1.5, "x"], "d": [[1, 2], "e"]}, env)
    assert engine.evaluate("str(v$a); str(v$c); str(v$d)", env)[0].output == "List of 1\n $ b: int [1:2] 1 2"
    back = engine.get("v", env)
    assert back["a"]["b"].tolist() == [1, 2] and back["c"].tolist() == ["1.5", "x"]
    assert back["d"][0].tolist() == [1, 2] and back["d"][1].tolist() == ["e"]
    engine.assign("n", np.array([-2147483648, 5]), env)  # -2**31 is R's NA_integer_: sent as doubles
    assert [c.output for c in engine.evaluate("typeof(n); n", env)] == ['[1] "double"', "[1] -2147483648           5"]
    assert engine.get("n", env).tolist() == [-2147483648.0, 5.0]
    with pytest.raises(TypeError, match=r"^n: expected integers R can hold exactly \(within 2\*\*53 of zero\), got 9007199254740993$"):
        engine.assign("n", np.array([2**53 + 1]), env)


def test_r_killing_itself_is_said_so(engine):
    with pytest.raises(rbridge.RError, match=r"R( \(webR\))? was killed \(SIGKILL.*the next call starts a fresh R"):
        engine.evaluate("tools::pskill(Sys.getpid(), 9L)")
    still_works(engine)


def test_a_killed_r_leaves_no_temporary_folder(r):
    (chunk,) = r.evaluate("cat(tempdir())")
    assert os.path.isdir(chunk.output)
    with pytest.raises(rbridge.RError):
        r.evaluate("tools::pskill(Sys.getpid(), 9L)")
    assert not os.path.exists(chunk.output) and not os.path.exists(os.path.dirname(chunk.output))
    (chunk,) = r.evaluate("cat(tempdir())")  # a fresh R, a folder of its own
    with pytest.raises(rbridge.RTimeout):
        r.evaluate("repeat {}", timeout=0.5)
    assert not os.path.exists(os.path.dirname(chunk.output))
