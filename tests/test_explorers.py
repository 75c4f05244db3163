"""The deck's gradient-descent explorers compute what nncourse computes: their own
JavaScript (assets/descent.js), run in Node, against NumPy and the package to 1e-12."""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import unavailable

from nncourse.algorithms import data
from nncourse.deck import figures
from nncourse.algorithms import linear
from nncourse.algorithms import minibatch

DESCENT = Path(figures.__file__).with_name("assets") / "descent.js"


def run_js(expression: str, **values):
    """Evaluate ``expression`` in Node with descent.js loaded and ``values`` bound; its JSON."""
    node = shutil.which("node")
    if node is None:
        unavailable("Node.js is not installed (Debian: apt-get install nodejs)")
    script = f"require({json.dumps(str(DESCENT))});\nconst D = globalThis.NncourseDescent;\n"
    script += "".join(f"const {k} = {json.dumps(v)};\n" for k, v in values.items())
    script += f"process.stdout.write(JSON.stringify({expression}));"
    done = subprocess.run([node, "-"], input=script, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return np.array(json.loads(done.stdout))


@pytest.mark.parametrize("x0, lr, steps", [(0.2, 0.05, 25), (-2.2, 0.02, 40), (1.9, 0.01, 200), (0.5, 0.13, 30)])
def test_one_variable_path_is_numpys(x0, lr, steps):
    _, grad, _ = figures.STATIONARY["Local Minimum"]
    np.testing.assert_allclose(run_js("D.path1d(x0, lr, steps)", x0=x0, lr=lr, steps=steps), figures.descend_1d(grad, x0, lr, steps), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("lr", [0.02, 0.18, 0.21])
def test_two_variable_path_is_numpys(lr):
    point, path = np.array([-2.8, 1.5]), [np.array([-2.8, 1.5])]
    for _ in range(30):
        point = point - lr * np.array([2 * point[0], 10 * point[1]])
        path.append(point)
    np.testing.assert_allclose(run_js("D.path2d([-2.8, 1.5], lr, 30)", lr=lr), np.array(path), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("lr, steps, init", [(0.01, 1000, [0.0, 0.0]), (0.3, 50, [3.0, -1.0]), (0.001, 300, [0.5, 0.5])])
def test_regression_gradient_descent_is_the_packages(lr, steps, init):
    X, y = data.regression_data()
    path = run_js("D.gradientDescent(X, y, lr, steps, init)", X=X.tolist(), y=y.tolist(), lr=lr, steps=steps, init=init)
    np.testing.assert_allclose(path[-1], linear.gradient_descent(X, y, lr=lr, epochs=steps, init=init), rtol=1e-12)
    np.testing.assert_allclose(run_js("D.mse(X, y, b)", X=X.tolist(), y=y.tolist(), b=list(path[-1])), linear.mse(X, y, path[-1]), rtol=1e-12)


@pytest.mark.parametrize("batch_size", [1, 5, 20, 100])
def test_sgd_given_the_same_batches_is_the_packages(batch_size):
    X, y = data.regression_data()
    batches = minibatch.draw_steps(np.random.default_rng(batch_size), len(y), batch_size, 400, replace=False)
    path = run_js("D.sgd(X, y, 0.01, 400, b, [0, 0], batches)", X=X.tolist(), y=y.tolist(), b=batch_size, batches=batches.tolist())
    betas = np.zeros(2)
    for rows in batches:  # the slide's update with these rows
        betas = betas - 0.01 * linear.mse_gradient(X[rows], y[rows], betas)
    np.testing.assert_allclose(path[-1], betas, rtol=1e-12)


def test_the_explorers_own_batches_are_uniform_subsets():
    # with a seeded generator in place of Math.random, Floyd's draw gives each row equally often
    rows = run_js(
        "(() => { let s = 7; const r = () => (s = (s * 16807) % 2147483647) / 2147483647; const out = [];"
        " for (let k = 0; k < 20000; k++) out.push(...D.drawBatch(100, 5, r)); return out; })()"
    ).astype(int)
    counts = np.bincount(rows, minlength=100)
    assert counts.min() > 0 and np.abs(counts - 1000).max() < 5 * np.sqrt(1000)
    batches = rows.reshape(-1, 5)
    assert all(len(set(b)) == 5 for b in batches[:2000])


def test_divergence_is_seen():
    assert run_js("[D.diverged([1, 2], 1e6), D.diverged([1, NaN], 1e6), D.diverged([1e7], 1e6)]").tolist() == [False, True, True]
