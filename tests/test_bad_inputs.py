"""Every bad input gets a clear error from the package: its type, and a message that starts
with the argument's name, then says what was expected and what came.

The table is the hostile reviewer's list of issue "Hardening", grown to every public
function that takes the same argument: None, text, ragged rows, complex numbers, NaN,
the wrong shape, booleans or strings for flags, seeds out of range, sizes beyond memory.
"""

import numpy as np
import pandas as pd
import pytest

from nncourse.algorithms import activations
from nncourse.algorithms import data
from nncourse.repro import ledger
from nncourse.algorithms import linear
from nncourse.algorithms import minibatch
from nncourse.algorithms import mlp
from nncourse.algorithms import perceptron
from nncourse.algorithms import studies
from nncourse.algorithms.logistic import fit_logistic

X4 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_AND = np.array([0.0, 0.0, 0.0, 1.0])
X_REG, Y_REG = data.regression_data()
HUGE = 10**13  # rows or units no machine here has memory for

# The functions that take a design X and labels or responses y, with arguments that work.
FITTERS = {
    "ols": lambda X, y: linear.ols(X, y),
    "gradient_descent": lambda X, y: linear.gradient_descent(X, y, epochs=2),
    "sgd": lambda X, y: linear.sgd(X, y, epochs=2, batch_size=2, rng=0),
    "train_perceptron": lambda X, y: perceptron.train_perceptron(X, y, epochs=2, rng=0),
    "train_mlp": lambda X, y: mlp.train_mlp(X, y, epochs=2, rng=0),
    "fit_logistic": lambda X, y: fit_logistic(X, y),
    "sgd_runs": lambda X, y: studies.sgd_runs(X, y, [0], epochs=2, batch_size=2),
    "perceptron_runs": lambda X, y: studies.perceptron_runs(X, y, [0], epochs=2),
    "mlp_runs": lambda X, y: studies.mlp_runs(X, y, [0], epochs=2),
}
BAD_X = {
    "None": (None, TypeError, r"^X: expected an array of numbers, got NoneType"),
    "text": ("0 1; 1 0", TypeError, r"^X: expected an array of numbers, got str"),
    "ragged rows": ([[0, 0], [0], [1, 0], [1, 1]], TypeError, r"^X: expected an array of numbers in rows of equal length"),
    "complex": (X4 + 1j, TypeError, r"^X: expected real numbers, got complex values"),
    "NaN": (np.where(X4 == 1, np.nan, X4), ValueError, r"^X: expected finite values, got 4 NaN or infinite"),
    "1-D": (np.arange(4.0), ValueError, r"^X: expected a 2-D array \(rows x features\), got 1-D"),
    "strings in a frame": (pd.DataFrame({"a": ["x", "y", "z", "w"], "b": [1, 2, 3, 4]}), TypeError, r"^X: expected numbers, got text such as 'x'"),
    "numbers as text": ([["0", "0"], ["0", "1"], ["1", "0"], ["1", "1"]], TypeError, r"^X: expected numbers, got text such as '0'"),
}
BAD_Y = {
    "wrong length": (np.zeros(3), ValueError, r"^y: expected 4 values \(one per row of X\), got 3"),
    "complex": (Y_AND + 0j, TypeError, r"^y: expected real numbers, got complex values"),
    "None": (None, TypeError, r"^y: expected an array of numbers, got NoneType"),
    "inf": (np.array([0, 0, np.inf, 1.0]), ValueError, r"^y: expected finite values"),
    "numbers as text": (["0", "0", "0", "1"], TypeError, r"^y: expected numbers, got text such as '0'"),
}
CLASSIFIERS = ("train_perceptron", "train_mlp", "fit_logistic", "perceptron_runs", "mlp_runs")

# Settings of the trainers: the argument, its bad values.
TRAINERS = {
    "gradient_descent": lambda **k: linear.gradient_descent(X_REG, Y_REG, **{"epochs": 2, **k}),
    "sgd": lambda **k: linear.sgd(X_REG, Y_REG, **{"epochs": 2, "rng": 0, **k}),
    "train_perceptron": lambda **k: perceptron.train_perceptron(X4, Y_AND, **{"epochs": 2, "rng": 0, **k}),
    "train_mlp": lambda **k: mlp.train_mlp(X4, Y_AND, **{"epochs": 2, "rng": 0, **k}),
    "sgd_runs": lambda **k: studies.sgd_runs(X_REG, Y_REG, [0], **{"epochs": 2, **k}),
}
BAD_SETTINGS = {
    "lr=0": ({"lr": 0}, ValueError, r"^lr: expected a finite positive number, got 0"),
    "lr=-0.1": ({"lr": -0.1}, ValueError, r"^lr: expected a finite positive number"),
    "lr=nan": ({"lr": float("nan")}, ValueError, r"^lr: expected a finite positive number, got nan"),
    "lr='0.1'": ({"lr": "0.1"}, TypeError, r"^lr: expected a positive number, got str"),
    "lr=True": ({"lr": True}, TypeError, r"^lr: expected a positive number, got bool"),
    "epochs=0": ({"epochs": 0}, ValueError, r"^epochs: expected a positive integer, got 0"),
    "epochs=1.5": ({"epochs": 1.5}, TypeError, r"^epochs: expected a positive integer, got float"),
    "epochs='10'": ({"epochs": "10"}, TypeError, r"^epochs: expected a positive integer, got str"),
}
SEEDED = {k: v for k, v in TRAINERS.items() if k != "gradient_descent" and k != "sgd_runs"}
BAD_RNG = {
    "seed -1": (-1, ValueError, r"^rng: expected a non-negative int seed, got -1"),
    "seed 'abc'": ("abc", TypeError, r"^rng: expected a numpy Generator, a RandomState"),
    "seed 1.5": (1.5, TypeError, r"^rng: expected a numpy Generator, a RandomState"),
    "seed True": (True, TypeError, r"^rng: expected a numpy Generator, a RandomState"),
}

CASES = []
for fname, fit in FITTERS.items():
    for kind, (X, error, message) in BAD_X.items():
        CASES.append(pytest.param(lambda fit=fit, X=X: fit(X, Y_AND), error, message, id=f"{fname}-X-{kind}"))
    for kind, (y, error, message) in BAD_Y.items():
        CASES.append(pytest.param(lambda fit=fit, y=y: fit(X4, y), error, message, id=f"{fname}-y-{kind}"))
for fname in CLASSIFIERS:
    fit = FITTERS[fname]
    CASES.append(pytest.param(lambda fit=fit: fit(X4, [0, 2, 0, 1]), ValueError, r"^y: expected binary labels 0/1, got \[2.0\]", id=f"{fname}-y-not-binary"))
for tname, train in TRAINERS.items():
    for kind, (settings, error, message) in BAD_SETTINGS.items():
        CASES.append(pytest.param(lambda train=train, s=settings: train(**s), error, message, id=f"{tname}-{kind}"))
for tname, train in SEEDED.items():
    for kind, (rng, error, message) in BAD_RNG.items():
        CASES.append(pytest.param(lambda train=train, rng=rng: train(rng=rng), error, message, id=f"{tname}-rng-{kind}"))

ACTIVATIONS = {"step": activations.step, "relu": activations.relu, "sigmoid": activations.sigmoid, "relu_derivative": activations.relu_derivative, "sigmoid_derivative": activations.sigmoid_derivative}
for aname, f in ACTIVATIONS.items():
    CASES += [
        pytest.param(lambda f=f: f(None), TypeError, r"^z: expected an array of numbers, got NoneType", id=f"{aname}-None"),
        pytest.param(lambda f=f: f("3"), TypeError, r"^z: expected an array of numbers, got str", id=f"{aname}-text"),
        pytest.param(lambda f=f: f(1 + 2j), TypeError, r"^z: expected real numbers, got complex", id=f"{aname}-complex"),
        pytest.param(lambda f=f: f([[1.0], [2.0, 3.0]]), TypeError, r"^z: expected an array of numbers in rows of equal length", id=f"{aname}-ragged"),
    ]
CASES += [
    pytest.param(lambda: activations.step(np.nan), ValueError, r"^z: expected numbers, got NaN, which is on neither side", id="step-NaN-decides-a-class"),
    pytest.param(lambda: activations.relu_derivative([0.5, np.nan]), ValueError, r"^z: expected numbers, got NaN", id="relu_derivative-NaN"),
    # flags, sizes, shapes and the other arguments the reviewer tried
    pytest.param(lambda: linear.ols(X_REG, Y_REG, intercept="no"), TypeError, r"^intercept: expected True or False, got str 'no'", id="ols-intercept-string"),
    pytest.param(lambda: linear.ols(X_REG, Y_REG, intercept=1), TypeError, r"^intercept: expected True or False, got int", id="ols-intercept-int"),
    pytest.param(lambda: fit_logistic(X4, Y_AND, intercept="yes"), TypeError, r"^intercept: expected True or False", id="fit_logistic-intercept-string"),
    pytest.param(lambda: linear.ols(np.ones((5, 2)), np.ones(5)), ValueError, r"^X: expected full column rank 2", id="ols-singular"),
    pytest.param(lambda: minibatch.draw_batch(np.random.default_rng(0), 0, 1, replace=True), ValueError, r"^n: expected a positive integer, got 0", id="draw_batch-n-0"),
    pytest.param(lambda: minibatch.draw_batch(np.random.default_rng(0), 10, 0, replace=True), ValueError, r"^batch_size: expected a positive integer, got 0", id="draw_batch-batch-0"),
    pytest.param(lambda: minibatch.draw_batch(np.random.default_rng(0), 10, 11, replace=False), ValueError, r"^batch_size: expected at most 10", id="draw_batch-more-than-n"),
    pytest.param(lambda: minibatch.draw_batch(np.random.default_rng(0), 10, 2, replace="yes"), TypeError, r"^replace: expected True or False, got str", id="draw_batch-replace-string"),
    pytest.param(lambda: minibatch.draw_batch(np.random.default_rng(0), 10, HUGE, replace=True), ValueError, r"^batch_size: this needs .* of memory, more than the .* free here", id="draw_batch-beyond-memory"),
    pytest.param(lambda: minibatch.draw_batch(-3, 10, 2, replace=True), ValueError, r"^rng: expected a non-negative int seed, got -3", id="draw_batch-seed-negative"),
    pytest.param(lambda: mlp.init_weights(hidden=HUGE), ValueError, r"^hidden: this needs .* of memory", id="init_weights-beyond-memory"),
    pytest.param(lambda: mlp.init_weights(inputs=0), ValueError, r"^inputs: expected a positive integer, got 0", id="init_weights-inputs-0"),
    pytest.param(lambda: mlp.train_mlp(X4, Y_AND, epochs=2, init=mlp.init_weights(inputs=3)), ValueError, r"^init: expected weights for 2 inputs \(the columns of X\), got W1 of shape \(3, 2\)", id="train_mlp-init-for-3-inputs"),
    pytest.param(lambda: mlp.train_mlp(X4, Y_AND, init=(1, 2, 3, 4)), TypeError, r"^weights: expected nncourse.mlp.MLPWeights, got tuple", id="train_mlp-init-tuple"),
    pytest.param(lambda: linear.sgd(X_REG, Y_REG, batch_size=HUGE), ValueError, r"^batch_size: expected at most 100", id="sgd-batch-beyond-rows"),
    pytest.param(lambda: perceptron.predict([0.1, 0.2, 0.3, 0.4], X4), ValueError, r"^X: expected 3 columns, got shape \(4, 2\)", id="predict-columns"),
    pytest.param(lambda: linear.gradient_descent(X_REG, Y_REG, init=[1.0]), ValueError, r"^init: expected 2 values", id="gradient_descent-init-length"),
    pytest.param(lambda: studies.sgd_runs(X_REG, Y_REG, "12"), TypeError, r"^seeds: expected a sequence of non-negative integers, got str", id="sgd_runs-seeds-text"),
    pytest.param(lambda: studies.perceptron_runs(X4, Y_AND, [-1]), ValueError, r"^seeds: expected at least one integer from 0 to 2\*\*63 - 1, got \[-1\]", id="perceptron_runs-seed-negative"),
    pytest.param(lambda: studies.sgd_runs(X_REG, Y_REG, [2**64]), ValueError, r"^seeds: expected at least one integer from 0 to 2\*\*63 - 1, got \[18446744073709551616\]", id="sgd_runs-seed-2**64"),
    pytest.param(lambda: activations.step(["1", "-1"]), TypeError, r"^z: expected numbers, got text such as '1'", id="step-numbers-as-text"),
    pytest.param(lambda: activations.sigmoid(np.array(["0.5"])), TypeError, r"^z: expected numbers, got text such as '0.5'", id="sigmoid-numbers-as-text"),
    pytest.param(lambda: mlp.forward(mlp.MLPWeights(np.eye(2), np.zeros(2), np.ones(2), "0"), X4), TypeError, r"^weights.b2: expected numbers, got text such as '0'", id="MLPWeights-b2-text"),
    pytest.param(lambda: minibatch.rows_from_uniforms(np.array([[1.5, -0.2]]), 10, replace=True), ValueError, r"^u: expected uniform doubles in \[0, 1\) \(what Generator.random draws\), got values from -0.2 to 1.5", id="rows_from_uniforms-out-of-range"),
    pytest.param(lambda: minibatch.rows_from_uniforms(np.array([[0.5, np.nan]]), 10, replace=False), ValueError, r"^u: expected uniform doubles in \[0, 1\)", id="rows_from_uniforms-NaN"),
    pytest.param(lambda: minibatch.rows_from_uniforms(np.array([[0.1, 0.2, 0.3]]), 2, replace=False), ValueError, r"^u: expected at most n = 2 draws per batch", id="rows_from_uniforms-more-than-n"),
    pytest.param(lambda: data.regression_data(seed="abc"), TypeError, r"^seed: expected a non-negative integer seed \(or None\), got str 'abc'", id="regression_data-seed-text"),
    pytest.param(lambda: data.regression_data(seed=-1), ValueError, r"^seed: expected a non-negative integer seed, got -1", id="regression_data-seed-negative"),
    pytest.param(lambda: data.regression_data(seed=1.5), TypeError, r"^seed: expected a non-negative integer seed \(or None\), got float 1.5", id="regression_data-seed-float"),
    pytest.param(lambda: data.regression_data(n=10**12), ValueError, r"^n: this needs .* of memory, more than the .* free here", id="regression_data-n-beyond-memory"),
    pytest.param(lambda: data.features(pd.DataFrame({"X1": ["a", "b"], "X2": [0, 1], "Y": [0, 1]})), TypeError, r"^data\[\['X1', 'X2'\]\]: expected numbers, got text such as 'a'", id="features-text"),
    pytest.param(lambda: data.features(pd.DataFrame({"X1": [0, 1], "X2": [0, 1], "Y": ["0", "1"]})), TypeError, r"^data\['Y'\]: expected numbers, got text such as '0'", id="features-Y-text"),
    pytest.param(lambda: fit_logistic(np.full((4, 2), 1e308), Y_AND), ValueError, r"^X: expected values the fit's arithmetic can square and sum, got values up to 1e\+308, which overflow it; rescale X", id="fit_logistic-1e308"),
    pytest.param(lambda: ledger.load(None), TypeError, r"^path: expected the path of a ledger file \(str or Path\), got NoneType", id="ledger-load-None"),
    pytest.param(lambda: ledger.parse_numpy(None), TypeError, r"^text: expected printed NumPy output \(a str\), got NoneType", id="parse_numpy-None"),
    pytest.param(lambda: ledger.check_numbers(ledger.load()["ols_betas"], None), TypeError, r"^actual: expected an array of numbers, got NoneType", id="check_numbers-None"),
    pytest.param(lambda: ledger.check_numbers(ledger.load()["ols_betas"], [1.0]), ValueError, r"^actual: expected 2 values for entry ols_betas, got 1", id="check_numbers-too-few"),
]


def test_the_table_is_long_enough():
    assert len(CASES) >= 100


@pytest.mark.parametrize("call, error, message", CASES)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message) as raised:
        call()
    assert type(raised.value) is error  # raised by the package, not a NumPy or pandas subclass


def test_a_malformed_ledger_names_its_file(tmp_path):
    bad = tmp_path / "ledger.toml"
    bad.write_text("[meta\nnumpy_precision = 8\n")
    with pytest.raises(ValueError, match=rf"^path: the ledger {bad} is not valid TOML"):
        ledger.load(bad)
    bad.write_text("[meta]\nnumpy_precision = 8\n")
    with pytest.raises(ValueError, match=rf"^path: the ledger {bad} lacks or misshapes a field"):
        ledger.load(bad)
    with pytest.raises(ValueError, match=r"^path: cannot read the ledger"):
        ledger.load(tmp_path / "missing.toml")
    bad.write_bytes(bytes(range(256)))
    with pytest.raises(ValueError, match=rf"^path: the ledger {bad} is not text \(TOML is UTF-8\)"):
        ledger.load(bad)


def test_printed_nan_and_inf_are_numbers():
    assert [n.text for n in ledger.parse_numpy("[1.5 nan inf -inf]")] == ["1.5", "nan", "inf", "-inf"]
    values = [n.value for n in ledger.parse_numpy("array([1.5, nan, inf])")]
    assert values[0] == 1.5 and np.isnan(values[1]) and values[2] == np.inf


def test_ols_on_tiny_and_huge_scales_gives_the_scaled_betas():
    betas = linear.ols(X_REG, Y_REG)
    np.testing.assert_allclose(linear.ols(X_REG * 1e200, Y_REG), betas / 1e200, rtol=1e-12)
    np.testing.assert_allclose(linear.ols(X_REG * 1e-160, Y_REG), betas * 1e160, rtol=1e-12)
    np.testing.assert_allclose(linear.ols(X_REG, Y_REG * 1e200), betas * 1e200, rtol=1e-12)


def test_inputs_are_not_changed_and_outputs_share_nothing_with_them():
    X, y = X4.copy(), Y_AND.copy()
    start = mlp.init_weights()
    kept = [w.copy() if isinstance(w, np.ndarray) else w for w in start]
    trained = mlp.train_mlp(X, y, epochs=20, rng=0, init=start)
    for before, after in zip(kept, start):
        np.testing.assert_array_equal(before, after)
    assert not any(np.shares_memory(a, b) for a in trained[:3] for b in start[:3])
    np.testing.assert_array_equal(X, X4)
    np.testing.assert_array_equal(y, Y_AND)
    z1 = np.array([[-1.0, -1.0], [1.0, -2.0], [-2.0, 1.0], [0.0, 0.0]])
    recovered = mlp.recover_weights(z1, [-1.0, 1.0, 1.0, -1.0])
    assert not np.shares_memory(recovered.b1, z1)
    mlp.sgd_step(recovered, X4, Y_AND, 0.1)  # a later step updates the weights in place ...
    np.testing.assert_array_equal(z1[0], [-1.0, -1.0])  # ... never the caller's array
