"""Logistic regression as R's ``glm(..., family = binomial(link = "logit"))`` computes it.

Slide "Learning XOR Function with GLM" fits the XOR data with ``glm``. To hold
Python against R, :func:`fit_logistic` follows R's ``glm.fit`` (R 4.x) step for step:

- starting values ``mustart = (y + 0.5) / 2`` (the binomial family's ``initialize``),
  ``eta = logit(mustart)``;
- Fisher scoring: each iteration solves the weighted least squares of the working
  response ``z = eta + (y - mu) / mu.eta`` with weights ``mu.eta^2 / (mu (1 - mu))``
  by a Householder QR;
- convergence when ``|dev - dev_old| / (|dev| + 0.1) < 1e-8``, at most 25 iterations;
- R's C link functions: ``eta`` clamped to +-30 in ``linkinv`` and ``mu.eta``;
- the warnings ``glm.fit`` gives, with R's words, as Python warnings;
- standard errors from the QR of the *last* weighted fit, as ``summary.glm`` does;
- rank as R decides it (LINPACK ``dqrdc2``, tolerance ``min(1e-7, epsilon / 1000)``): a
  column nearly a combination of the columns before it, relative to its own length, is
  aliased (coefficient and standard error NaN, R's ``NA``) and the rest fitted without
  it; the test is scale-free, so ``x * 1e14`` is fitted as R fits it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..validation import as_matrix, as_vector, check_binary, boolean

EPSILON = 1e-8  # glm.control()$epsilon
RANK_TOL = min(1e-7, EPSILON / 1000)  # the tolerance glm.fit hands to C_Cdqrls
MAXIT = 25  # glm.control()$maxit
_THRESH = 30.0  # THRESH / MTHRESH in R's src/library/stats/src/family.c
_DBL_EPS = np.finfo(float).eps

NOT_CONVERGED = "glm.fit: algorithm did not converge"
FITTED_0_OR_1 = "glm.fit: fitted probabilities numerically 0 or 1 occurred"


class GlmWarning(UserWarning):
    """A warning R's ``glm.fit`` would give, with R's message."""


@dataclass(frozen=True)
class LogisticFit:
    """What ``glm`` and ``summary.glm`` report, named as R names it."""

    names: tuple[str, ...]
    coef: np.ndarray
    se: np.ndarray
    fitted: np.ndarray  # fitted probabilities, predict(type = "response") on the data
    deviance: float
    null_deviance: float
    df_residual: int
    df_null: int
    aic: float
    iterations: int
    converged: bool
    warnings: tuple[str, ...]

    @property
    def z(self) -> np.ndarray:
        """The ``z value`` column of ``summary.glm``."""
        return self.coef / self.se

    @property
    def p(self) -> np.ndarray:
        """The ``Pr(>|z|)`` column of ``summary.glm``: ``2 * pnorm(-|z|)``."""
        return np.array([math.erfc(abs(v) / math.sqrt(2)) for v in self.z])

    def predict(self, X) -> np.ndarray:
        """Fitted probabilities for new rows, ``predict(fit, newdata, type = "response")``."""
        X = _design(X, intercept=self.names[0] == "(Intercept)")[0]
        if X.shape[1] != len(self.coef):
            raise ValueError(f"X: expected {len(self.coef) - (self.names[0] == '(Intercept)')} columns, got {X.shape[1]}")
        return _linkinv(X @ np.nan_to_num(self.coef, nan=0.0))  # an aliased (NA) coefficient counts as 0, as in R


def fit_logistic(X, y, *, intercept: bool = True) -> LogisticFit:
    """Fit ``glm(y ~ X, family = binomial)`` by Fisher scoring, exactly as R's ``glm.fit``.

    ``X`` is an array or a DataFrame (its column names become the coefficient names);
    ``y`` holds 0/1 labels. On the lecture's XOR data this gives R's 2 iterations,
    deviance 5.5452 and AIC 11.545; on AND (complete separation) R's 23 iterations
    and its warning that fitted probabilities are numerically 0 or 1.
    """
    X_all, names = _design(X, intercept=boolean("intercept", intercept))
    y = check_binary("y", as_vector("y", y, length=X_all.shape[0]))
    try:
        with np.errstate(over="raise", invalid="raise"):
            kept = kept_columns(X_all)
            fit = fisher_scoring(X_all[:, kept], y)
    except FloatingPointError:
        largest = float(np.abs(X_all).max())
        raise ValueError(f"X: expected values the fit's arithmetic can square and sum, got values up to {largest:g}, which overflow it; rescale X") from None
    messages = glm_warnings(fit)
    for message in messages:
        warnings.warn(message, GlmWarning, stacklevel=2)
    r_inv = np.linalg.inv(fit.r)
    se = np.sqrt(np.diag(r_inv @ r_inv.T))  # chol2inv(Qr$qr), dispersion 1
    rank = len(kept)
    null_mu = np.full_like(y, y.mean()) if intercept else np.full_like(y, 0.5)
    return LogisticFit(
        names=names,
        coef=_with_aliased(fit.coef, kept, X_all.shape[1]),
        se=_with_aliased(se, kept, X_all.shape[1]),
        fitted=fit.mu,
        deviance=fit.deviance,
        null_deviance=_deviance(y, null_mu),
        df_residual=len(y) - rank,
        df_null=len(y) - int(intercept),
        aic=fit.deviance + 2 * rank,  # binomial()$aic with 0/1 responses is the deviance
        iterations=fit.iterations,
        converged=fit.converged,
        warnings=tuple(messages),
    )


class Scoring(NamedTuple):
    """Where ``glm.fit``'s iterations ended: the coefficients, the R of the last weighted QR,
    the fitted probabilities and deviance, and how many iterations it took."""

    coef: np.ndarray
    r: np.ndarray
    mu: np.ndarray
    deviance: float
    iterations: int
    converged: bool


def fisher_scoring(X: np.ndarray, y: np.ndarray) -> Scoring:
    """``glm.fit``'s loop on a full-rank design: iteratively reweighted least squares from
    ``mustart = (y + 0.5) / 2`` until the deviance changes by less than :data:`EPSILON`."""
    mu = (y + 0.5) / 2  # binomial()$initialize with unit weights
    eta = np.log(mu / (1 - mu))
    dev_old = _deviance(y, mu)
    for iteration in range(1, MAXIT + 1):
        mu_eta = _mu_eta(eta)
        z = eta + (y - mu) / mu_eta
        w = np.sqrt(mu_eta**2 / (mu * (1 - mu)))
        q, r = np.linalg.qr(X * w[:, None])
        coef = np.linalg.solve(r, q.T @ (z * w))
        if not np.isfinite(coef).all():
            raise FloatingPointError(f"glm.fit: non-finite coefficients at iteration {iteration}")
        eta = X @ coef
        mu = _linkinv(eta)
        dev = _deviance(y, mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < EPSILON:
            return Scoring(coef, r, mu, dev, iteration, True)
        dev_old = dev
    return Scoring(coef, r, mu, dev, MAXIT, False)


def glm_warnings(fit: Scoring) -> list[str]:
    """The warnings ``glm.fit`` gives at the end, in R's words."""
    messages = [] if fit.converged else [NOT_CONVERGED]
    eps = 10 * _DBL_EPS
    if (fit.mu > 1 - eps).any() or (fit.mu < eps).any():
        messages.append(FITTED_0_OR_1)
    return messages


def kept_columns(X: np.ndarray, tol: float = RANK_TOL) -> list[int]:
    """The columns R's ``dqrdc2`` keeps, in order; the others it aliases.

    Householder QR with R's limited pivoting: a column whose norm, once the kept columns
    before it are projected out, is below ``tol`` times its own original norm goes to the
    end and out of the fit."""
    A = np.array(X, dtype=float)
    n, p = A.shape
    original = np.array([_norm(A[:, j]) for j in range(p)])
    original[original == 0] = 1.0  # dqrdc2's convention: an all-zero column is judged against 1
    kept, row = [], 0
    for j in range(p):
        if row >= n or _norm(A[row:, j]) < tol * original[j]:
            continue
        v = A[row:, j] / np.abs(A[row:, j]).max()  # scaled, as LINPACK's dnrm2: no overflow at 1e300
        v[0] += np.copysign(_norm(v), v[0] if v[0] != 0 else 1.0)
        v /= _norm(v)
        A[row:, j:] -= 2 * np.outer(v, v @ A[row:, j:])
        kept.append(j)
        row += 1
    return kept


def _norm(v: np.ndarray) -> float:
    """The Euclidean norm without overflow or underflow (scaled by the largest entry)."""
    largest = np.abs(v).max() if v.size else 0.0
    return 0.0 if largest == 0 else float(largest * np.sqrt(np.sum((v / largest) ** 2)))


def _with_aliased(values: np.ndarray, kept: list[int], p: int) -> np.ndarray:
    """Values of the kept columns in their places, NaN (R's NA) for the aliased ones."""
    full = np.full(p, np.nan)
    full[kept] = values
    return full


def _design(X, *, intercept: bool) -> tuple[np.ndarray, tuple[str, ...]]:
    if isinstance(X, pd.DataFrame):
        names = tuple(str(c) for c in X.columns)
    else:
        names = None
    X = as_matrix("X", X)
    names = names or tuple(f"X{j + 1}" for j in range(X.shape[1]))
    if intercept:
        return np.column_stack([np.ones(X.shape[0]), X]), ("(Intercept)", *names)
    return X, names


def _linkinv(eta: np.ndarray) -> np.ndarray:
    """R's ``logit_linkinv``: ``exp(eta)`` clamped to ``[DBL_EPSILON, 1/DBL_EPSILON]``."""
    tmp = np.where(eta < -_THRESH, _DBL_EPS, np.where(eta > _THRESH, 1 / _DBL_EPS, np.exp(np.clip(eta, -_THRESH, _THRESH))))
    return tmp / (1 + tmp)


def _mu_eta(eta: np.ndarray) -> np.ndarray:
    """R's ``logit_mu_eta``: ``exp(eta) / (1 + exp(eta))^2``, ``DBL_EPSILON`` beyond +-30."""
    e = np.exp(np.clip(eta, -_THRESH, _THRESH))
    return np.where(np.abs(eta) > _THRESH, _DBL_EPS, e / (1 + e) ** 2)


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """R's ``binomial_dev_resids`` summed: ``2 sum(y log(y/mu) + (1-y) log((1-y)/(1-mu)))``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(y != 0, y * np.log(y / mu), 0.0)
        b = np.where(y != 1, (1 - y) * np.log((1 - y) / (1 - mu)), 0.0)
    return float(2 * np.sum(a + b))
