"""Python against R on the same data: lm, glm and the R ports of the NumPy algorithms,
in each R engine: the system R (rpy2) and R 4.6.0 (webR), running the same rsrc/ files.

Agreement to 1e-10 relative unless a reason stands next to the tolerance. The
stochastic algorithms get the very same minibatches: the indices our sampler
draws from a seeded Generator, passed to R 1-based.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import WEBR_SESSION, unavailable

from nncourse.algorithms import data
from nncourse.algorithms import linear
from nncourse.algorithms import minibatch
from nncourse.algorithms import mlp
from nncourse.algorithms import perceptron
from nncourse.r import bridge as rbridge
from nncourse.algorithms.logistic import fit_logistic

pytestmark = pytest.mark.r


@pytest.fixture(scope="module", params=["rpy2", pytest.param("webr", marks=pytest.mark.xdist_group(WEBR_SESSION))])
def r(request):
    """Each R engine in turn (the tests below run once per engine; webR's on the worker of the webr session's group)."""
    try:
        return rbridge.session(request.param)
    except rbridge.RUnavailable as exc:
        unavailable(f"the {request.param} engine is not available: {exc}")

RTOL = 1e-10
ATOL_ZERO = 1e-12  # XOR's lm/glm coefficients are zero: compare the noise absolutely

OVERLAP = pd.DataFrame({"X1": [0, 0, 1, 1, 2, 2, 3], "X2": [1, 0, 1, 0, 1, 0, 1], "Y": [0, 1, 0, 1, 1, 0, 1]}, dtype=float)
FRAMES = {"AND": data.and_data(), "XOR": data.xor_data(), "OVERLAP": OVERLAP}


def r_values(r, code, **bindings):
    """Evaluate R code with Python values bound to names; return the last value printed by name."""
    env = r.new_env()
    for name, value in bindings.items():
        r.assign(name, value, env)
    r.evaluate(code, env)
    return env


@pytest.mark.parametrize("name", ["AND", "XOR"])
def test_ols_matches_lm_on_the_boolean_data(r, name):
    frame = FRAMES[name]
    env = r_values(r, "b <- unname(coef(lm(Y ~ X1 + X2, data = d)))", d=frame)
    X, y = data.features(frame)
    np.testing.assert_allclose(linear.ols(X, y, intercept=True), r.get("b", env), rtol=RTOL, atol=ATOL_ZERO)


def test_ols_matches_lm_and_the_r_port_on_the_regression_data(r, regression):
    X, y = regression
    env = r_values(r, "b <- unname(coef(lm(y ~ X - 1)))", X=X, y=y)
    np.testing.assert_allclose(linear.ols(X, y), r.get("b", env), rtol=RTOL)
    np.testing.assert_allclose(linear.ols(X, y), r.call("ols", X, y), rtol=RTOL)


@pytest.mark.parametrize("name", ["AND", "XOR", "OVERLAP"])
def test_fit_logistic_matches_glm_live(r, name):
    frame = FRAMES[name]
    code = """
fit <- glm(Y ~ X1 + X2, data = d, family = binomial(link = "logit"))
s <- summary(fit)
out <- list(coef = unname(coef(fit)), se = unname(s$coefficients[, 2]), deviance = deviance(fit),
            null_deviance = fit$null.deviance, aic = AIC(fit), iter = fit$iter, fitted = unname(fitted(fit)))
"""
    with warnings.catch_warnings(record=True) as r_warned:
        warnings.simplefilter("always")
        env = r_values(r, code, d=frame)
    out = r.get("out", env)
    with warnings.catch_warnings(record=True) as py_warned:
        warnings.simplefilter("always")
        fit = fit_logistic(frame[["X1", "X2"]], frame["Y"])
    assert [str(w.message) for w in py_warned] == [str(w.message) for w in r_warned]
    assert fit.iterations == int(out["iter"][0])
    zero = name == "XOR"
    np.testing.assert_allclose(fit.coef, out["coef"], rtol=RTOL, atol=ATOL_ZERO * 1e3 if zero else 0)
    # Under AND's separation the IRLS weights are ~1e-10 and (X'WX)^-1 amplifies the last-bit
    # difference between R's LINPACK QR and NumPy's LAPACK QR: measured 2e-10.
    np.testing.assert_allclose(fit.se, out["se"], rtol=1e-8 if name == "AND" else RTOL)
    np.testing.assert_allclose(fit.fitted, out["fitted"], rtol=RTOL)
    # AND's deviance is ~4e-10, itself a sum of logs of numbers within 1e-10 of 1
    np.testing.assert_allclose(fit.deviance, out["deviance"][0], rtol=1e-6 if name == "AND" else RTOL)
    np.testing.assert_allclose([fit.null_deviance, fit.aic], [out["null_deviance"][0], out["aic"][0]], rtol=RTOL)


def test_and_separation_warning_is_rs_own(r):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r_values(r, "fit <- glm(Y ~ X1 + X2, data = d, family = binomial)", d=FRAMES["AND"])
    assert [str(w.message) for w in caught if issubclass(w.category, rbridge.RWarning)] == [
        "glm.fit: fitted probabilities numerically 0 or 1 occurred"
    ]


def test_gradient_descent_port_matches(r, regression):
    X, y = regression
    np.testing.assert_allclose(linear.gradient_descent(X, y), r.call("gradient_descent", X, y), rtol=RTOL)
    init = np.array([3.0, 3.0])
    np.testing.assert_allclose(
        linear.gradient_descent(X, y, lr=0.05, epochs=200, init=init),
        r.call("gradient_descent", X, y, lr=0.05, epochs=200, init=init),
        rtol=RTOL,
    )


def batches(seed, n, batch_size, steps, *, replace):
    """The indices our sampler draws from default_rng(seed), one row per step."""
    return minibatch.draw_steps(np.random.default_rng(seed), n, batch_size, steps, replace=replace)


@pytest.mark.parametrize("seed", [0, 1])
def test_sgd_port_matches_given_the_same_batches(r, regression, seed):
    X, y = regression
    idx = batches(seed, len(y), 20, 1000, replace=False)
    np.testing.assert_allclose(linear.sgd(X, y, rng=seed), r.call("sgd", X, y, idx + 1), rtol=RTOL)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perceptron_port_matches_given_the_same_batches(r, and_xy, seed):
    X, y = and_xy
    idx = batches(seed, 4, 10, 1000, replace=True)
    # the perceptron's arithmetic is in multiples of 0.02: R and NumPy agree exactly
    np.testing.assert_array_equal(perceptron.train_perceptron(X, y, rng=seed), r.call("train_perceptron", X, y, idx + 1))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mlp_port_matches_given_the_same_batches_and_start(r, xor_xy, seed):
    X, y = xor_xy
    start = mlp.init_weights()
    idx = batches(seed, 4, 10, 1000, replace=True)
    ours = mlp.train_mlp(X, y, rng=seed, init=start)
    theirs = r.call("train_mlp", X, y, idx + 1, start.W1, start.b1, start.w2, start.b2)
    for name in ("W1", "b1", "w2"):
        # A hidden bias can end near 1e-7, a sum of cancelling updates: there the last-bit
        # difference of R's and NumPy's matrix products shows relatively (measured 7e-17
        # absolute, 2e-10 relative), so the parameters, all O(1), are also held to 1e-12 absolute.
        np.testing.assert_allclose(getattr(ours, name), theirs[name], rtol=RTOL, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(ours.b2, theirs["b2"][0], rtol=RTOL)
    np.testing.assert_allclose(mlp.forward(ours, X), r.call("mlp_forward", theirs, X), rtol=RTOL)


@pytest.mark.parametrize(
    "design",
    [
        pytest.param(lambda x: np.column_stack([x, x + 1e-12]), id="columns-1e-12-apart"),
        pytest.param(lambda x: np.column_stack([x, 2 * x]), id="exactly-collinear"),
        pytest.param(lambda x: x[:, None] * 1e14, id="scaled-1e14"),
        pytest.param(lambda x: x[:, None] * 1e300, id="scaled-1e300"),
    ],
)
def test_fit_logistic_aliases_and_scales_as_glm_does(r, design):
    # R's glm.fit decides rank with LINPACK's dqrdc2 (tolerance 1e-11, relative to each
    # column): a near copy is aliased (NA), a column scaled by 1e14 or 1e300 is fitted.
    rng = np.random.default_rng(0)
    x = rng.normal(size=30)
    y = (x + rng.normal(size=30) > 0).astype(float)
    X = design(x)
    ours = fit_logistic(X, y)
    env = r.new_env()
    r.assign("X", X, env)
    r.assign("y", y, env)
    r.evaluate("fit <- glm(y ~ X, family = binomial); b <- unname(coef(fit)); s <- unname(coef(summary(fit))[, 2]); dev <- deviance(fit)", env)
    theirs = r.get("b", env)
    np.testing.assert_array_equal(np.isnan(ours.coef), np.isnan(theirs))
    np.testing.assert_allclose(ours.coef[~np.isnan(ours.coef)], theirs[~np.isnan(theirs)], rtol=1e-8)
    np.testing.assert_allclose(ours.se[~np.isnan(ours.se)], r.get("s", env), rtol=1e-8, atol=1e-300)
    np.testing.assert_allclose(ours.deviance, r.get("dev", env)[0], rtol=1e-10)
