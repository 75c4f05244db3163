"""The MLP slide's five printed arrays agree with each other through our forward pass.

The weights behind them were never printed; they are recovered from the printed
hidden pre-activations at (0,0), (0,1), (1,0) and the output pre-activations there.
Those nine numbers are the recovery's input, so they check nothing: what is checked is
every other printed number (row (1,1) of both pre-activations, the hidden layer, the
step and sigmoid outputs), which the forward pass must print at printed precision.
"""

import numpy as np
import pytest

from nncourse.repro import ledger
from nncourse.repro import computed as lecture
from nncourse.algorithms import mlp


# The printed numbers the weights are solved from, by entry: the first ones of each.
RECOVERED_FROM = {"mlp_hidden_pre": 6, "mlp_output_pre": 3}


@pytest.fixture(scope="module")
def printed_weights(lecture_ledger):
    z1 = lecture_ledger["mlp_hidden_pre"].values.reshape(4, 2)
    z2 = lecture_ledger["mlp_output_pre"].values
    return mlp.recover_weights(z1, z2)


# (mlp_hidden_pre's row (1, 1) agrees only to the sum of the others' roundings: checked below)
@pytest.mark.parametrize("entry_id", [e for e in lecture.MLP_ENTRIES if e != "mlp_hidden_pre"])
def test_forward_pass_from_recovered_weights_prints_the_slide(lecture_ledger, printed_weights, entry_id):
    entry = lecture_ledger[entry_id]
    value = np.ravel(lecture.mlp_outputs(weights=printed_weights)[entry_id])
    checks = ledger.check_numbers(entry, value)
    checks = checks[RECOVERED_FROM.get(entry_id, 0):]
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


def test_recovered_weights_classify_1_1_which_they_were_not_solved_from(printed_weights):
    # (1, 1) is XOR's 0: the weights, solved from the other three inputs, must say so
    assert mlp.forward(printed_weights, np.array([[1.0, 1.0]]))[0] < 0.5


def test_recover_weights_rejects_a_layer_that_cannot_determine_b2():
    z1 = np.array([[0.5, -1.0], [1.0, -1.0], [-1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match=r"z1: expected both hidden units off"):
        mlp.recover_weights(z1, np.zeros(4))
