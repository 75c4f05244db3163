"""Seeded studies: K runs trained side by side are, run by run, the seeds trained alone.

The single-run functions are the slides' code; the batched ones write the same update
with a run axis in front. These tests are what keeps the two from drifting: 100 seeds
for SGD, 25 for the perceptron and the MLP (and odd ones in both: 0, huge, repeated), the
lecture's own settings, bit for bit. SGD's batches go through Floyd's check, where a run's
row numbers could drift from its single run's, so it gets the most seeds (and costs least
alone). The perceptron and the MLP draw with replacement, one double per row number and
nothing else; what could make a run differ from its single run is the update's arithmetic,
which every one of the 25,000 steps of their 25 seeds goes through whole.
"""

import threading

import numpy as np
import pytest

from nncourse.algorithms import data
from nncourse.repro import computed as lecture
from nncourse.algorithms import linear
from nncourse.algorithms import minibatch
from nncourse.algorithms import mlp
from nncourse.algorithms import perceptron
from nncourse.algorithms import studies

SEEDS = [*range(97), 2**40 + 3, 123456789, 5]  # 100 seeds, one of them twice
FEWER = [*range(22), 97, 98, 99]  # positions in SEEDS of the perceptron's and the MLP's 25: the odd ones among them


@pytest.fixture(scope="module")
def batched():
    return lecture.seeded_runs(SEEDS)


def test_sgd_runs_are_the_single_runs_bit_for_bit(batched):
    alone = np.array([lecture.sgd_betas(rng=seed) for seed in SEEDS])
    np.testing.assert_array_equal(batched["sgd_betas"], alone)


def test_perceptron_runs_are_the_single_runs_bit_for_bit(batched):
    alone = np.array([lecture.and_perceptron_params(rng=SEEDS[i]) for i in FEWER])
    np.testing.assert_array_equal(batched["and_perceptron_params"][FEWER], alone)


def test_mlp_runs_are_the_single_runs_bit_for_bit(batched):
    # Every stage the slide prints; the sums over a batch are added in the single run's
    # order (studies.sum_rows), the products are the same BLAS calls item by item.
    for seed_index in FEWER:
        seed = SEEDS[seed_index]
        for entry_id, value in lecture.mlp_outputs(rng=seed).items():
            np.testing.assert_array_equal(batched[entry_id][seed_index], np.ravel(value), err_msg=f"{entry_id}, seed {seed}")


def test_mlp_runs_keep_the_weights_of_each_run(xor_xy):
    X, y = xor_xy
    weights = studies.mlp_runs(X, y, [3, 4], epochs=50)
    for k, seed in enumerate((3, 4)):
        alone = mlp.train_mlp(X, y, epochs=50, rng=seed)
        for name, ours in zip(("W1", "b1", "w2", "b2"), weights):
            np.testing.assert_array_equal(ours[k], getattr(alone, name), err_msg=name)


def test_other_settings_and_starts_agree_too(regression, and_xy, xor_xy):
    X, y = regression
    np.testing.assert_array_equal(
        studies.sgd_runs(X, y, [8, 9], lr=0.05, epochs=300, batch_size=7),
        [linear.sgd(X, y, lr=0.05, epochs=300, batch_size=7, rng=s) for s in (8, 9)],
    )
    X, y = and_xy
    np.testing.assert_array_equal(
        studies.perceptron_runs(X, y, [8, 9], lr=0.3, epochs=200, batch_size=3),
        [perceptron.train_perceptron(X, y, lr=0.3, epochs=200, batch_size=3, rng=s) for s in (8, 9)],
    )
    X, y = xor_xy
    start = mlp.init_weights(rng=42, hidden=3)
    weights = studies.mlp_runs(X, y, [8], lr=0.5, epochs=200, batch_size=4, init=start)
    alone = mlp.train_mlp(X, y, lr=0.5, epochs=200, batch_size=4, rng=8, init=start)
    np.testing.assert_array_equal(weights.W1[0], alone.W1)
    np.testing.assert_array_equal(weights.b2[0], alone.b2)


def test_more_rows_than_a_byte_holds_agree_too():
    # 300 rows: the row numbers are int16, Floyd's check and the gathering go through the same code
    X, y = data.regression_data(seed=5, n=300)
    np.testing.assert_array_equal(
        studies.sgd_runs(X, y, [0, 1, 2], epochs=100, batch_size=40),
        [linear.sgd(X, y, epochs=100, batch_size=40, rng=s) for s in (0, 1, 2)],
    )


def test_how_many_steps_are_drawn_at_once_changes_nothing(regression, monkeypatch):
    X, y = regression
    whole = studies.sgd_runs(X, y, range(30), epochs=200)
    monkeypatch.setattr(studies, "KEPT_ROWS", 7 * 30 * 20)  # 7 steps per draw, a remainder at the end
    monkeypatch.setattr(studies, "FIRST_STEPS", 3)  # the first block shorter: 3, then 7s, then 1
    monkeypatch.setattr(studies, "BLOCK_ROWS", 4 * 7 * 20)  # Floyd 4 runs at a time, 30 = 7 x 4 + 2
    np.testing.assert_array_equal(studies.sgd_runs(X, y, range(30), epochs=200), whole)
    monkeypatch.setattr(studies, "DRAWN_ROWS", 20)  # one step per call
    np.testing.assert_array_equal(studies.sgd_runs(X, y, range(30), epochs=200), whole)


def drawing_threads():
    return [t for t in threading.enumerate() if t.name == "minibatches"]


def test_an_error_while_drawing_reaches_the_caller_and_no_thread_is_left(regression, monkeypatch):
    # the row numbers are drawn in a thread of their own: its error is the study's, raised where it was called
    def broken(*args, **kwargs):
        raise MemoryError("no room for Floyd's check")

    monkeypatch.setattr(studies, "floyd_runs", broken)
    with pytest.raises(MemoryError, match="no room for Floyd's check"):
        studies.sgd_runs(*regression, range(5), epochs=300)
    assert drawing_threads() == []


def test_a_study_stopped_early_stops_its_drawing_thread(regression, monkeypatch):
    X, y = regression
    steps = []

    def step_then_fail(betas, X_batch, y_batch, lr):
        steps.append(X_batch.shape)
        if len(steps) == 3:
            raise FloatingPointError("stopped at step 3")
        return betas

    monkeypatch.setattr(studies, "sgd_step", step_then_fail)
    with pytest.raises(FloatingPointError, match="stopped at step 3"):
        studies.sgd_runs(X, y, range(5), epochs=1000)
    assert steps == [(5, 20, 2)] * 3 and drawing_threads() == []
    monkeypatch.undo()  # and the next study of the same seeds draws from their first double again
    np.testing.assert_array_equal(studies.sgd_runs(X, y, [0, 1], epochs=50), [linear.sgd(X, y, epochs=50, rng=s) for s in (0, 1)])


def test_seeded_generators_start_again_for_each_study(regression):
    # the report seeds once for its three studies: the second study draws what the first drew
    X, y = regression
    seeds = studies.Seeded([3, 4])
    first = studies.sgd_runs(X, y, seeds, epochs=50)
    np.testing.assert_array_equal(studies.sgd_runs(X, y, seeds, epochs=50), first)
    np.testing.assert_array_equal(first, [linear.sgd(X, y, epochs=50, rng=s) for s in (3, 4)])


def test_runs_differ_by_seed_and_repeat_by_seed(batched):
    betas = batched["sgd_betas"]
    assert len({tuple(row) for row in betas[:97]}) == 97
    np.testing.assert_array_equal(betas[SEEDS.index(5)], betas[-1])  # seed 5 twice: the same run


def test_generators_made_at_once_are_default_rngs_of_their_seeds(monkeypatch):
    # studies.default_rngs computes SeedSequence's words for all seeds together: each
    # generator's state is NumPy's own for that seed, at one word and two, at both ends
    seeds = np.array([*range(2000), 2**32 - 1, 2**32, 2**32 + 1, 2**40 + 3, 2**62 + 12345, 2**63 - 1])
    words = studies.seed_words(seeds)
    assert all(np.array_equal(words[k], np.random.SeedSequence(int(seed)).generate_state(4, np.uint64)) for k, seed in enumerate(seeds))
    made = studies.default_rngs(seeds)
    assert all(rng.bit_generator.state == np.random.default_rng(int(seed)).bit_generator.state for rng, seed in zip(made, seeds))
    # a NumPy that seeds otherwise: the first seed tells, and each generator is NumPy's own
    real = studies.seed_words
    monkeypatch.setattr(studies, "seed_words", lambda seeds: real(np.asarray(seeds) + 1))
    made = studies.default_rngs(seeds[:5])
    assert [rng.random() for rng in made] == [np.random.default_rng(int(seed)).random() for seed in seeds[:5]]


@pytest.mark.parametrize("replace", [True, False])
@pytest.mark.parametrize("n, batch_size", [(100, 20), (4, 4), (1, 1), (7, 3), (40_000, 5)])
def test_a_runs_batches_are_the_same_one_step_or_many_at_a_time(n, batch_size, replace):
    if not replace and batch_size > n:
        return
    at_once = minibatch.draw_steps(np.random.default_rng(17), n, batch_size, 300, replace=replace)
    rng = np.random.default_rng(17)
    one_by_one = [minibatch.draw_batch(rng, n, batch_size, replace=replace) for _ in range(300)]
    np.testing.assert_array_equal(at_once, one_by_one)
    assert at_once.min() >= 0 and at_once.max() < n
    if not replace:
        assert all(len(set(row.tolist())) == batch_size for row in at_once)


def test_draws_without_replacement_are_uniform_random_subsets():
    # 5 rows, batches of 2: each of the 10 pairs equally likely (a block or a stride is not)
    draws = minibatch.draw_steps(np.random.default_rng(3), 5, 2, 50_000, replace=False)
    pairs = np.bincount((np.sort(draws, axis=1) * [5, 1]).sum(axis=1), minlength=25)
    counts = pairs[pairs > 0]
    assert len(counts) == 10
    expected = 50_000 / 10
    assert np.abs(counts - expected).max() < 5 * np.sqrt(expected)
    # and every row of 100 is drawn about equally often in batches of 20
    rows = np.bincount(minibatch.draw_steps(np.random.default_rng(4), 100, 20, 5000, replace=False).ravel(), minlength=100)
    assert np.abs(rows - 1000).max() < 5 * np.sqrt(1000)


@pytest.mark.parametrize(
    "seeds, error, message",
    [
        ("0123", TypeError, "seeds: expected a sequence of non-negative integers, got str"),
        (5, TypeError, "seeds: expected a sequence of non-negative integers, got int"),
        ([], ValueError, r"seeds: expected at least one integer from 0 to 2\*\*63 - 1, got none"),
        ([1, -2], ValueError, r"seeds: expected at least one integer from 0 to 2\*\*63 - 1, got \[-2\]"),
        ([1.5], ValueError, r"seeds: expected at least one integer from 0 to 2\*\*63 - 1, got \[1.5\]"),
        ([True], ValueError, r"seeds: expected at least one integer from 0 to 2\*\*63 - 1, got \[True\]"),
    ],
)
def test_bad_seeds_are_named(seeds, error, message):
    with pytest.raises(error, match=message):
        studies.sgd_runs(*data.regression_data(), seeds)
