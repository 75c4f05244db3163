"""The lecture's data sets are the slides' data sets."""

import numpy as np
import pandas as pd

from nncourse.algorithms import data


def test_and_and_xor_frames_are_the_r_data_frames():
    for frame, y in ((data.and_data(), [0, 0, 0, 1]), (data.xor_data(), [0, 1, 1, 0])):
        assert list(frame.columns) == ["X1", "X2", "Y"]
        assert frame["X1"].tolist() == [0, 0, 1, 1]
        assert frame["X2"].tolist() == [0, 1, 0, 1]
        assert frame["Y"].tolist() == y
        assert all(dtype == np.float64 for dtype in frame.dtypes)  # R's c(0, 0, 1, 1) is double


def test_regression_data_is_drawn_as_on_the_ols_slide():
    # The slide's own four lines, verbatim, as the reference.
    rng = np.random.default_rng(seed=123)
    X_slide = rng.normal(size=(100, 2))
    y_slide = 1.5 * X_slide[:, 0] - 2.0 * X_slide[:, 1] + rng.normal(size=100)
    X, y = data.regression_data()
    assert X.shape == (100, 2) and y.shape == (100,)
    np.testing.assert_array_equal(X, X_slide)
    np.testing.assert_array_equal(y, y_slide)


def test_regression_data_depends_on_seed_and_n():
    X1, _ = data.regression_data(seed=1)
    X2, _ = data.regression_data(seed=2)
    assert not np.array_equal(X1, X2)
    assert data.regression_data(n=7)[0].shape == (7, 2)


def test_features_splits_a_frame_into_numpy():
    X, y = data.features(data.xor_data())
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])


def test_features_names_the_missing_columns():
    import pytest

    with pytest.raises(ValueError, match=r"data: expected columns X1, X2, Y, missing \['Y'\]"):
        data.features(pd.DataFrame({"X1": [0], "X2": [1]}))
    with pytest.raises(TypeError, match="data: expected a pandas DataFrame"):
        data.features([[0, 1, 0]])
