"""The lecture's Python outputs, computed by the package: one function per printed result.

Each function returns what the slide prints for the ledger entry of the same
name (:data:`PYTHON`). Stochastic entries take ``rng`` (see
:mod:`nncourse.algorithms.minibatch`): the lecture drew them from an unseeded global state.
"""

from __future__ import annotations

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
    runs = {
        "sgd_betas": studies.sgd_runs(*data.regression_data(), seeds, **SGD),
        "and_perceptron_params": studies.perceptron_runs(*data.features(data.and_data()), seeds, **PERCEPTRON),
    }
    X, y = data.features(data.xor_data())
    stages = studies.mlp_layers(studies.mlp_runs(X, y, seeds, **MLP), X)
    runs.update({entry_id: value.reshape(len(seeds), -1) for entry_id, value in mlp_entries(stages).items()})
    return runs


# ---------------------------------------------------------------- R's outputs, computed in Python


def lm_fitted(frame) -> np.ndarray:
    """``fitted(lm(Y ~ X1 + X2, data = frame))``: the lecture's lm predictions (also the tutorial's exercise 2, R)."""
    X, y = data.features(frame)
    return np.column_stack([np.ones(len(y)), X]) @ linear.ols(X, y, intercept=True)


def glm_summary_numbers(fit) -> list[float]:
    """The numbers ``summary(glm)`` prints, in its order, from a :class:`~nncourse.algorithms.logistic.LogisticFit`:
    per coefficient estimate, SE, z, p; the dispersion; the deviances with their df; AIC; iterations."""
    numbers: list[float] = []
    for j in range(len(fit.coef)):
        numbers += [fit.coef[j], fit.se[j], fit.z[j], fit.p[j]]
    return numbers + [1, fit.null_deviance, fit.df_null, fit.deviance, fit.df_residual, fit.aic, fit.iterations]


def _xor_glm():
    from ..algorithms.logistic import fit_logistic

    frame = data.xor_data()
    return fit_logistic(frame[["X1", "X2"]], frame["Y"])


# What Python computes for the lecture's R outputs (R's summary(lm) has no Python twin here).
PYTHON_FOR_R = {
    "and_pred": lambda: lm_fitted(data.and_data()),
    "and_pred_binary": lambda: (lm_fitted(data.and_data()) >= 0.5).astype(float),
    "xor_lm_pred": lambda: lm_fitted(data.xor_data()),
    "xor_glm_summary": lambda: glm_summary_numbers(_xor_glm()),
    "xor_glm_pred": lambda: _xor_glm().fitted,
}
