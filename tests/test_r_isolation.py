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
