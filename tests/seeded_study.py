"""The report's study (2000 seeded runs of each stochastic entry), trained once per test run.

``test_report`` judges the report built on it and ``test_python_stochastic`` the bands it
gives; the study is the same call in both (:func:`nncourse.repro.computed.seeded_runs` over
``range(report.RUNS)``), so the first worker that asks trains it and the others read its
numbers back, bit for bit (conftest's ``made_once``).
"""

import numpy as np

from conftest import made_once

from nncourse.repro import computed, report


def seeded_study(tmp_path_factory) -> dict[str, np.ndarray]:
    """``computed.seeded_runs(range(report.RUNS))``, trained once however many workers ask."""

    def train(folder):
        path = folder / "runs.npz"
        np.savez(path, **computed.seeded_runs(range(report.RUNS)))
        return path

    with np.load(made_once(tmp_path_factory, "seeded_study", train)) as runs:
        return {entry_id: runs[entry_id] for entry_id in runs.files}
