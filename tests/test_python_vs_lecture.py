"""The deterministic Python outputs reproduce what the lecture printed (ledger), digit for digit."""

import numpy as np
import pytest
from conftest import assert_reproduces

from nncourse.repro import computed
from nncourse.repro import computed as lecture
from nncourse.repro import ledger
from nncourse.algorithms import linear


@pytest.mark.parametrize("entry_id", sorted(lecture.DETERMINISTIC))
def test_deterministic_python_entry_reproduces_printed_text_and_numbers(lecture_ledger, entry_id):
    assert_reproduces(lecture_ledger[entry_id], lecture.DETERMINISTIC[entry_id]())


def test_every_python_entry_of_the_ledger_has_a_computation(lecture_ledger):
    python_ids = {e.id for e in lecture_ledger if e.language == "python"}
    assert python_ids == set(lecture.PYTHON)
    assert {e.id for e in lecture_ledger if e.kind == "deterministic" and e.language == "python"} == set(lecture.DETERMINISTIC)


def test_gradient_descent_approaches_ols_as_epochs_grow(regression):
    betas_ols = linear.ols(*regression)
    errors = [np.abs(linear.gradient_descent(*regression, epochs=e) - betas_ols).max() for e in (10, 100, 1000)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-6  # the slide: GD after 1000 epochs agrees with OLS to 7 decimals


def test_ols_with_intercept_puts_it_first():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(50, 2))
    y = 3.0 + X @ np.array([1.0, -1.0])  # exact, no noise
    np.testing.assert_allclose(linear.ols(X, y, intercept=True), [3.0, 1.0, -1.0], rtol=1e-12)


def test_ols_on_and_matches_the_lm_predictions_printed_on_the_slide(lecture_ledger, and_xy):
    # and_pred is R's predict(lm(Y ~ X1 + X2)); the same fit by the normal equations.
    X, y = and_xy
    betas = linear.ols(X, y, intercept=True)
    fitted = np.column_stack([np.ones(4), X]) @ betas
    assert all(c.ok for c in ledger.check_numbers(lecture_ledger["and_pred"], fitted))


def test_python_computes_every_r_output_at_the_lectures_precision(lecture_ledger):
    # issue 20: summary(lm) too (coefficients, SEs, t, p, residual SE, R-squared, adjusted, F
    # and its p) in NumPy; the lecture's 1.11e-16, 0.00e+00, 3.698e-32 and 1.849e-32 are an
    # exact zero's rounding noise, held as numerically zero
    values = computed.python_for_r()
    assert set(values) == set(computed.R_ENTRIES) == {e.id for e in lecture_ledger if e.language == "r"}
    for entry_id, value in values.items():
        checks = ledger.check_numbers(lecture_ledger[entry_id], value, zero_tolerance=lecture_ledger.zero_tolerance)
        assert all(c.ok for c in checks), (entry_id, [(c.printed.text, c.actual) for c in checks if not c.ok])
    summary = dict(zip([n.text for n in lecture_ledger["xor_lm_summary"].numbers], values["xor_lm_summary"]))
    assert abs(summary["0.667"] - 2 / 3) < 1e-12  # Pr(>|t|) of the intercept: 1 - 2 atan(1 / sqrt(3)) / pi on 1 df
    assert summary["-2"] == -2.0 and summary["8.66e-01"] == np.sqrt(0.75)


@pytest.mark.parametrize(
    ("t", "df", "p"),
    [
        (2.0, 10, 0.07338803),  # R: 2 * pt(-2, 10), as R prints it (7 digits)
        (2.0, 5, 0.1019395),  # R: 2 * pt(-2, 5)
        (1.0, 2, 1 - 1 / np.sqrt(3)),  # df = 2: 1 - t / sqrt(2 + t^2)
        (3.0, 1, 1 - 2 * np.arctan(3) / np.pi),  # df = 1, the Cauchy distribution
        (0.0, 3, 1.0),
    ],
)
def test_t_p_values_are_rs(t, df, p):
    assert abs(computed.t_two_sided_p(t, df) - p) < 5e-8
