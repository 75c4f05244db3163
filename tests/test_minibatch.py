"""The minibatch samplers: ours and the lecture's legacy one."""

import numpy as np
import pytest

from nncourse.algorithms import minibatch


def test_erratum_legacy_choice_consumes_a_full_permutation():
    # np.random.choice(N, k, replace=False) is permutation(N)[:k]: all N rows are shuffled
    # to keep k, so the cost of one SGD step grows with N (benchmarks/sgd_sampler.py times it).
    n, k = 100_000, 20
    drawn = np.random.RandomState(5).choice(n, size=k, replace=False)
    np.testing.assert_array_equal(drawn, np.random.RandomState(5).permutation(n)[:k])


def test_generator_sampler_draws_distinct_rows_uniformly():
    rng = minibatch.as_rng(0)
    counts = np.zeros(50)
    for _ in range(4000):
        batch = minibatch.draw_batch(rng, 50, 10, replace=False)
        assert len(set(batch.tolist())) == 10
        counts[batch] += 1
    expected = 4000 * 10 / 50
    assert np.abs(counts - expected).max() < 5 * np.sqrt(expected)  # no row favoured


def test_as_rng_accepts_the_four_sources():
    assert isinstance(minibatch.as_rng(None), np.random.Generator)
    assert isinstance(minibatch.as_rng(3), np.random.Generator)
    legacy = np.random.RandomState(1)
    assert minibatch.as_rng(legacy) is legacy
    with pytest.raises(TypeError, match="rng: expected"):
        minibatch.as_rng(1.5)
