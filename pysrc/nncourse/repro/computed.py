"""The lecture's Python outputs, computed by the package: one function per printed result.

Each function returns what the slide prints for the ledger entry of the same
name (:data:`PYTHON`). Stochastic entries take ``rng`` (see
:mod:`nncourse.algorithms.minibatch`): the lecture drew them from an unseeded global state.
"""

from __future__ import annotations

import math

import numpy as np

from ..algorithms import data, linear, mlp, perceptron, studies
from ..algorithms.activations import step

# Each stochastic slide's settings, as its listing sets them: one place for the single run
# and for the seeded studies.
SGD = {"lr": 0.01, "epochs": 1000, "batch_size": 20}
PERCEPTRON = {"lr": 0.1, "epochs": 1000, "batch_size": 10}
MLP = {"lr": 0.1, "epochs": 1000, "batch_size": 10}


def ols_betas() -> np.ndarray:
    """Slide "Example: OLS": ``np.linalg.inv(X.T @ X) @ X.T @ y``."""
    return linear.ols(*data.regression_data())


def gd_betas() -> np.ndarray:
    """Slide "Regression with Gradient Descent": 1000 epochs, ``lr = 0.01``, from zeros."""
    return linear.gradient_descent(*data.regression_data(), lr=0.01, epochs=1000)


def sgd_betas(rng=None) -> np.ndarray:
    """Slide "Regression with SGD": 1000 steps on minibatches of 20."""
    return linear.sgd(*data.regression_data(), **SGD, rng=rng)


def and_perceptron_params(rng=None) -> np.ndarray:
    """Slide "Back to Boolean AND": the perceptron's ``params`` after 1000 steps."""
    return perceptron.train_perceptron(*data.features(data.and_data()), **PERCEPTRON, rng=rng)


def mlp_outputs(rng=None, weights: mlp.MLPWeights | None = None) -> dict[str, np.ndarray]:
    """Slide "MLP for XOR": the five printed stages, keyed by ledger id.

    Trains from the slide's initialisation unless ``weights`` are given.
    """
    X, y = data.features(data.xor_data())
    if weights is None:
        weights = mlp.train_mlp(X, y, **MLP, rng=rng)
    return mlp_entries(mlp.layers(weights, X))


def mlp_entries(stages: mlp.Layers) -> dict[str, np.ndarray]:
    """The five stages the slide prints, keyed by ledger id (of one run, or of many with the run first)."""
    return {
        "mlp_hidden_pre": stages.z1,  # X @ W1 + b1
        "mlp_hidden": stages.h,  # relu(X @ W1 + b1)
        "mlp_output_pre": stages.z2,  # relu(X @ W1 + b1) @ w2 + b2
        "mlp_step": step(stages.z2),
        "mlp_sigmoid": stages.output,
    }


MLP_ENTRIES = ("mlp_hidden_pre", "mlp_hidden", "mlp_output_pre", "mlp_step", "mlp_sigmoid")
DETERMINISTIC = {"ols_betas": ols_betas, "gd_betas": gd_betas}
STOCHASTIC = {
    "sgd_betas": sgd_betas,
    "and_perceptron_params": and_perceptron_params,
    **{key: (lambda rng=None, key=key: mlp_outputs(rng)[key]) for key in MLP_ENTRIES},
}
PYTHON = {**DETERMINISTIC, **STOCHASTIC}


def seeded_runs(seeds, progress=None) -> dict[str, np.ndarray]:
    """Every stochastic entry over ``seeds``, flattened: ``{entry_id: array of shape
    (len(seeds), printed numbers)}``. Run ``k`` is what the single-run function gives for
    ``rng=seeds[k]``; the seeds train side by side (:mod:`nncourse.algorithms.studies`), a block of
    at most ``studies.BLOCK`` at a time."""
    seeds = studies.as_seeds(seeds)
    say = progress or (lambda message: None)
    blocks = []
    for start in range(0, len(seeds), studies.BLOCK):
        block = seeds[start : start + studies.BLOCK]
        say(f"seeded runs {start + 1:,}-{start + len(block):,} of {len(seeds):,} (SGD, perceptron, MLP)")
        blocks.append(_block_runs(block))
    return {entry_id: np.concatenate([block[entry_id] for block in blocks]) for entry_id in blocks[0]}


def _block_runs(seeds: np.ndarray) -> dict[str, np.ndarray]:
    seeds = studies.Seeded(seeds)  # seeded once for the three studies
    runs = {
        "sgd_betas": studies.sgd_runs(*data.regression_data(), seeds, **SGD),
        "and_perceptron_params": studies.perceptron_runs(*data.features(data.and_data()), seeds, **PERCEPTRON),
    }
    X, y = data.features(data.xor_data())
    stages = studies.mlp_layers(studies.mlp_runs(X, y, seeds, **MLP), X)
    runs.update({entry_id: value.reshape(len(seeds), -1) for entry_id, value in mlp_entries(stages).items()})
    return runs


# ---------------------------------------------------------------- R's outputs, computed in Python


def lm_summary_numbers(frame) -> list[float]:
    """The numbers ``summary(lm(Y ~ X1 + X2))`` prints, in its order (slide "Learning XOR
    Function with LM"): the residuals; per coefficient estimate, standard error, t and
    ``Pr(>|t|)``; the residual standard error and its degrees of freedom; R-squared and the
    adjusted R-squared; the F statistic, its two degrees of freedom and its p-value."""
    X, y = data.features(frame)
    design = np.column_stack([np.ones(len(y)), X])
    coef = linear.ols(X, y, intercept=True)
    residuals = y - design @ coef
    n, k = design.shape
    df = n - k
    sigma2 = residuals @ residuals / df
    se = np.sqrt(np.diag(np.linalg.inv(design.T @ design)) * sigma2)
    t = coef / se
    total = np.sum((y - y.mean()) ** 2)
    r2 = 1 - residuals @ residuals / total
    f = (r2 / (k - 1)) / ((1 - r2) / df)
    numbers = list(residuals)
    for j in range(k):
        numbers += [coef[j], se[j], t[j], t_two_sided_p(t[j], df)]
    return numbers + [np.sqrt(sigma2), df, r2, 1 - (1 - r2) * (n - 1) / df, f, k - 1, df, f_upper_p(f, k - 1, df)]


def t_two_sided_p(t: float, df: int) -> float:
    """``2 * pt(-|t|, df)`` for a whole number of degrees of freedom, by the closed form of
    Student's t distribution (Abramowitz and Stegun 26.7.3-4): a finite sum in ``theta = atan(t / sqrt(df))``."""
    theta = math.atan(abs(t) / math.sqrt(df))
    c, s = math.cos(theta), math.sin(theta)
    if df % 2:  # odd: (2 / pi) (theta + sin cos (1 + 2/3 cos^2 + ...)), df - 3 terms after the first
        term, total = c, c if df > 1 else 0.0
        for j in range(3, df, 2):
            term *= c * c * (j - 1) / j
            total += term
        inside = 2 / math.pi * (theta + s * total)
    else:  # even: sin (1 + 1/2 cos^2 + 1 3 / (2 4) cos^4 + ...)
        term, total = 1.0, 1.0
        for j in range(2, df, 2):
            term *= c * c * (j - 1) / j
            total += term
        inside = s * total
    return 1.0 - inside


def f_upper_p(f: float, df1: int, df2: int) -> float:
    """``pf(f, df1, df2, lower.tail = FALSE)`` for ``df1 = 2`` (the lecture's two predictors),
    where the F distribution's tail is closed: ``(df2 / (df2 + 2 f))^(df2 / 2)``."""
    if df1 != 2:
        raise ValueError(f"df1: expected 2 (the lecture's model has two predictors), got {df1}")
    return (df2 / (df2 + 2 * f)) ** (df2 / 2)


def glm_summary_numbers(fit) -> list[float]:
    """The numbers ``summary(glm)`` prints, in its order, from a :class:`~nncourse.algorithms.logistic.LogisticFit`:
    per coefficient estimate, SE, z, p; the dispersion; the deviances with their df; AIC; iterations."""
    numbers: list[float] = []
    for j in range(len(fit.coef)):
        numbers += [fit.coef[j], fit.se[j], fit.z[j], fit.p[j]]
    return numbers + [1, fit.null_deviance, fit.df_null, fit.deviance, fit.df_residual, fit.aic, fit.iterations]


R_ENTRIES = ("and_pred", "and_pred_binary", "xor_lm_summary", "xor_lm_pred", "xor_glm_summary", "xor_glm_pred")


def python_for_r() -> dict[str, np.ndarray]:
    """What Python computes for each of the lecture's R outputs, keyed by ledger id; every
    model fitted once."""
    from ..algorithms.logistic import fit_logistic

    and_frame, xor_frame = data.and_data(), data.xor_data()
    and_fitted = lm_fitted(and_frame)
    glm = fit_logistic(xor_frame[["X1", "X2"]], xor_frame["Y"])
    return {
        "and_pred": and_fitted,
        "and_pred_binary": (and_fitted >= 0.5).astype(float),
        "xor_lm_summary": np.array(lm_summary_numbers(xor_frame)),
        "xor_lm_pred": lm_fitted(xor_frame),
        "xor_glm_summary": np.array(glm_summary_numbers(glm), dtype=float),
        "xor_glm_pred": glm.fitted,
    }


def lm_fitted(frame) -> np.ndarray:
    """``predict(lm(Y ~ X1 + X2, data = frame))``: the fitted values of OLS with an intercept."""
    X, y = data.features(frame)
    return np.column_stack([np.ones(len(y)), X]) @ linear.ols(X, y, intercept=True)
