"""nncourse.logistic follows R's glm.fit iteration for iteration.

Expected numbers: the lecture's glm summary (ledger) for XOR, and
tests/results/results_glm.py (made by tests/results/glm_reference.R, R 4.2.2) for
AND (complete separation) and a data set that is neither separable nor symmetric.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from results import results_glm

from nncourse.algorithms import data
from nncourse.repro import computed as lecture
from nncourse.repro import ledger
from nncourse.algorithms.logistic import FITTED_0_OR_1, GlmWarning, fit_logistic

# Tolerances, per quantity, and why.
RTOL = 1e-10  # the project's bar for Python against R
RTOL_SE_SEPARATED = 1e-8  # under separation the IRLS weights are ~1e-10: the weighted design's
# condition number (~1e10) amplifies the last-bit difference between R's LINPACK QR (dqrdc2)
# and NumPy's LAPACK QR (dgeqrf) in (X'WX)^-1; measured 2e-10 on AND.
ATOL_ZERO = 1e-10  # coefficients that are zero but for rounding noise (XOR)

DATA = {
    "AND": data.and_data(),
    "XOR": data.xor_data(),
    "OVERLAP": pd.DataFrame(
        {"X1": [0, 0, 1, 1, 2, 2, 3], "X2": [1, 0, 1, 0, 1, 0, 1], "Y": [0, 1, 0, 1, 1, 0, 1]}, dtype=float
    ),
}


def fit(name):
    frame = DATA[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit_logistic(frame[["X1", "X2"]], frame["Y"])
    return result, [str(w.message) for w in caught if issubclass(w.category, GlmWarning)]


def test_xor_reproduces_the_lectures_glm_summary(lecture_ledger):
    result, warned = fit("XOR")
    assert warned == []
    assert result.names == ("(Intercept)", "X1", "X2")
    computed = lecture.glm_summary_numbers(result)
    failures = [c for c in ledger.check_numbers(lecture_ledger["xor_glm_summary"], computed) if not c.ok]
    assert not failures, [(c.printed.text, c.actual) for c in failures]


@pytest.mark.parametrize("name", ["AND", "XOR", "OVERLAP"])
def test_matches_r_glm(name):
    reference = getattr(results_glm, name)
    result, warned = fit(name)
    assert result.iterations == reference["iterations"]
    assert result.converged == reference["converged"]
    assert warned == ([reference["warning"]] if reference["warning"] else [])
    if name == "XOR":
        np.testing.assert_allclose(result.coef, reference["coef"], atol=ATOL_ZERO)
    else:
        np.testing.assert_allclose(result.coef, reference["coef"], rtol=RTOL)
    rtol_se = RTOL_SE_SEPARATED if name == "AND" else RTOL
    np.testing.assert_allclose(result.se, reference["se"], rtol=rtol_se)
    np.testing.assert_allclose(result.fitted, reference["fitted"], rtol=RTOL)
    for quantity in ("null_deviance", "aic"):
        assert getattr(result, quantity) == pytest.approx(reference[quantity], rel=RTOL)
    # the deviance under separation is ~4e-10: itself a difference of nearly equal logs
    assert result.deviance == pytest.approx(reference["deviance"], rel=RTOL if name != "AND" else 1e-6)


def test_and_separation_warns_like_r():
    result, warned = fit("AND")
    assert warned == [FITTED_0_OR_1]
    assert result.warnings == (FITTED_0_OR_1,)
    assert result.iterations == 23


def test_predict_gives_fitted_probabilities_on_the_same_rows():
    result, _ = fit("OVERLAP")
    np.testing.assert_allclose(result.predict(DATA["OVERLAP"][["X1", "X2"]]), result.fitted, rtol=1e-12)


def test_without_intercept_names_columns_and_differs():
    frame = DATA["OVERLAP"]
    result = fit_logistic(frame[["X1", "X2"]], frame["Y"], intercept=False)
    assert result.names == ("X1", "X2")
    assert result.df_null == len(frame)
