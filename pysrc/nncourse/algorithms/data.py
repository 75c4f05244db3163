"""The lecture's data sets, built exactly as the slides build them.

pandas is imported where a frame is made or read, not with this module: a notebook that
uses only the NumPy data (``regression_data``) never pays for it (half a second of CPU
in each grader's sandbox of a submission that does not use pandas)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..validation import as_matrix, as_vector, fits_in_memory, positive_int, seed as checked_seed

if TYPE_CHECKING:
    import pandas as pd

_INPUTS = {"X1": [0.0, 0.0, 1.0, 1.0], "X2": [0.0, 1.0, 0.0, 1.0]}


def and_data() -> pd.DataFrame:
    """Boolean AND as the R ``data.frame`` of slide "Example: Learning AND"."""
    import pandas as pd

    return pd.DataFrame({**_INPUTS, "Y": [0.0, 0.0, 0.0, 1.0]})


def xor_data() -> pd.DataFrame:
    """Exclusive OR as the R ``data.frame`` of slide "Learning XOR Function"."""
    import pandas as pd

    return pd.DataFrame({**_INPUTS, "Y": [0.0, 1.0, 1.0, 0.0]})


def features(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Split an AND/XOR frame into the NumPy ``X`` (n x 2) and ``y`` the Python slides use."""
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data: expected a pandas DataFrame with columns X1, X2, Y, got {type(data).__name__}")
    missing = {"X1", "X2", "Y"} - set(data.columns)
    if missing:
        raise ValueError(f"data: expected columns X1, X2, Y, missing {sorted(missing)}")
    X = as_matrix("data[['X1', 'X2']]", data[["X1", "X2"]].to_numpy())
    return X, as_vector("data['Y']", data["Y"].to_numpy(), length=len(X))


def regression_data(seed: int = 123, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The simulated regression of slide "Example: OLS".

    ``X`` is n x 2 standard normal and ``y = 1.5 X1 - 2 X2 + noise``, drawn from
    ``np.random.default_rng(seed)`` in the slide's order (X first, then the noise).
    """
    n = positive_int("n", n)
    fits_in_memory("n", 4 * n)  # X (n x 2), the noise and y
    rng = np.random.default_rng(seed=checked_seed("seed", seed))
    X = rng.normal(size=(n, 2))
    y = 1.5 * X[:, 0] - 2.0 * X[:, 1] + rng.normal(size=n)
    return X, y
