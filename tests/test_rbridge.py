"""The bridge: data round trips, R's errors and warnings, and clear errors without R."""

import importlib.metadata
import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from nncourse.r import bridge as rbridge
from nncourse.r import installed


@pytest.mark.r
def test_dataframe_round_trip_keeps_names_types_and_missing_values(r):
    frame = pd.DataFrame(
        {"x": [1.5, np.nan, 3.0], "n": [1, 2, 3], "s": ["a", None, "c"], "b": [True, False, True]}
    )
    env = r.new_env()
    r.assign("d", frame, env)
    (chunk,) = r.evaluate("vapply(d, function(col) paste(class(col), sum(is.na(col))), '')", env)
    assert chunk.output.split() == ["x", "n", "s", "b", '"numeric', '1"', '"integer', '0"', '"character', '1"', '"logical', '0"']
    back = r.get("d", env)
    assert list(back.columns) == ["x", "n", "s", "b"]
    np.testing.assert_array_equal(back["x"], frame["x"])  # NaN stays NaN
    assert back["n"].tolist() == [1, 2, 3] and back["n"].dtype.kind == "i"  # R integers are 32-bit
    assert back["s"].iloc[0] == "a" and pd.isna(back["s"].iloc[1])
    assert back["b"].tolist() == [True, False, True]


@pytest.mark.r
def test_matrices_keep_their_layout(r):
    X = np.arange(6.0).reshape(3, 2)
    env = r.new_env()
    r.assign("X", X, env)
    (chunk,) = r.evaluate("X[3, 1]", env)
    assert chunk.output.strip() == "[1] 4"
    np.testing.assert_array_equal(r.get("X", env), X)


@pytest.mark.r
def test_r_error_surfaces_with_rs_message(r):
    with pytest.raises(rbridge.RError, match=r"^R error in `stop\('not a number: ', 'a'\)`: not a number: a$"):
        r.evaluate("stop('not a number: ', 'a')")
    # an error inside an rsrc/ function names the function, then gives R's message (LAPACK's words are LAPACK's)
    said = r.evaluate("cat(tryCatch(solve(matrix(0, 2, 2)), error = conditionMessage))")[0].output
    with pytest.raises(rbridge.RError) as raised:
        r.call("ols", np.zeros((3, 2)), np.zeros(3))
    assert said and str(raised.value) == f"R error in ols(): {said}"  # the words R gives for a singular solve


@pytest.mark.r
def test_r_warning_surfaces_as_python_warning(r):
    with pytest.warns(rbridge.RWarning, match="^careful: é$"):
        (chunk,) = r.evaluate("{warning('careful: é'); sqrt(4)}")
    assert chunk.output.strip() == "[1] 2"
    assert chunk.warnings == ("careful: é",)


@pytest.mark.r
def test_session_is_started_once(r):
    assert rbridge.session() is r


def test_no_r_on_path_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(installed.shutil, "which", lambda name: None)
    with pytest.raises(rbridge.RUnavailable, match=r"R is not installed \(no Rscript on PATH\).*apt-get install r-base-core r-base-dev"):
        rbridge.r_version()


def test_missing_rpy2_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(installed, "r_version", lambda: (4, 2))

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(installed.importlib.metadata, "version", missing)
    with pytest.raises(rbridge.RUnavailable, match=r"rpy2 is not installed. For R 4.2: pip install 'rpy2==3.5.17'"):
        rbridge.RSession()


def test_rpy2_too_new_for_r_is_named_before_import():
    message = rbridge.rpy2_fits("3.6.2", (4, 2))
    assert "rpy2 3.6.2 needs R >= 4.5 but R 4.2 is installed" in message and "R_getVar" in message
    assert "pip install 'rpy2==3.5.17'" in message
    assert rbridge.rpy2_fits("3.5.17", (4, 2)) is None
    assert rbridge.rpy2_fits("3.6.0", (4, 5)) is None


def test_import_nncourse_needs_no_r(tmp_path):
    # A Python whose PATH has no R: the package imports and computes; asking for R says why not.
    code = (
        "import nncourse, nncourse.linear, nncourse.data, nncourse.rbridge as rb\n"
        "print(nncourse.linear.ols(*nncourse.data.regression_data())[0].round(6))\n"
        "try:\n    rb.session()\nexcept rb.RUnavailable as e:\n    print('RUnavailable:', e)\n"
    )
    env = {**os.environ, "PATH": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.splitlines()[0] == "1.470222"
    assert out.splitlines()[1].startswith("RUnavailable: R is not installed (no Rscript on PATH)")


def test_sections_follow_knitrs_label_convention():
    assert list(rbridge.sections("lecture_and.R")) == ["and-data", "and-lm", "and-threshold"]
    assert rbridge.sections("lecture_and.R")["and-threshold"] == "and_pred_binary <- ifelse(and_pred >= 0.5, 1, 0)\nand_pred_binary"


@pytest.mark.r
def test_script_runs_sections_in_one_environment_and_in_order(r):
    script = r.script("lecture_and.R")
    with pytest.raises(RuntimeError, match=r"section 'and-lm' of rsrc/lecture_and.R needs \['and-data'\] to have run first"):
        script.run("and-lm")
    with pytest.raises(KeyError, match=r"label: expected a section of rsrc/lecture_and.R \(and-data, and-lm, and-threshold\), got 'and-plot'"):
        script.run("and-plot")
    assert script.run("and-data")[0].output == ""
    assert script.run("and-lm")[-1].output.split() == ["1", "2", "3", "4", "-0.25", "0.25", "0.25", "0.75"]
