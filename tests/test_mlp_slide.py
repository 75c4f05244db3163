"""The MLP slide's five printed arrays agree with each other through our forward pass.

The weights behind them were never printed; they are recovered from the printed
hidden pre-activations and output pre-activations, and the forward pass must then
print every array of the slide at printed precision.
"""

import numpy as np
import pytest

from nncourse.repro import ledger
from nncourse.repro import computed as lecture
from nncourse.algorithms import mlp


@pytest.fixture(scope="module")
def printed_weights(lecture_ledger):
    z1 = lecture_ledger["mlp_hidden_pre"].values.reshape(4, 2)
    z2 = lecture_ledger["mlp_output_pre"].values
    return mlp.recover_weights(z1, z2)


@pytest.mark.parametrize("entry_id", lecture.MLP_ENTRIES)
def test_forward_pass_from_recovered_weights_prints_the_slide(lecture_ledger, printed_weights, entry_id):
    entry = lecture_ledger[entry_id]
    value = np.ravel(lecture.mlp_outputs(weights=printed_weights)[entry_id])
    checks = ledger.check_numbers(entry, value)
    if entry_id == "mlp_hidden_pre":
        checks = checks[:6]  # row (1, 1) is derived from the others: checked below at their precision
    failures = [c for c in checks if not c.ok]
    assert not failures, [(c.printed.text, c.actual) for c in failures]


def test_recovery_leaves_row_1_1_as_an_independent_check(lecture_ledger, printed_weights):
    # Row (1, 1) of X @ W1 + b1 was not used to recover the weights: it is z1(0,1) + z1(1,0) - z1(0,0),
    # so it can agree only to the sum of those three printed roundings (and its own).
    numbers = lecture_ledger["mlp_hidden_pre"].numbers
    z1_row = printed_weights.W1.sum(axis=0) + printed_weights.b1
    for j in range(2):
        bound = sum(numbers[2 * row + j].tolerance for row in range(4))
        assert abs(z1_row[j] - numbers[6 + j].value) <= bound


def test_recovered_weights_are_a_trained_xor_network(printed_weights, xor_xy):
    X, y = xor_xy
    assert (np.round(mlp.forward(printed_weights, X)) == y).all()
    assert printed_weights.b2 == pytest.approx(-1.44167829, abs=5e-9)


def test_recover_weights_rejects_a_layer_that_cannot_determine_b2():
    z1 = np.array([[0.5, -1.0], [1.0, -1.0], [-1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match=r"z1: expected both hidden units off"):
        mlp.recover_weights(z1, np.zeros(4))
