// The arithmetic of the deck's gradient-descent explorers (slides "Gradient Descent for 1
// Variable", "... for 2 Variables", "... for Linear Regression"): the same updates as the
// package's NumPy code, step for step, so the explorer shows what nncourse computes
// (tests/test_explorers.py holds them to 1e-12 in Node). No drawing here: explorers.js draws.
(function (root) {
  "use strict";

  // f(x) = x^4 - 4x^2 + 5, the deck's function with two minima (slide "Stationary Points").
  const f1 = (x) => x ** 4 - 4 * x ** 2 + 5;
  const df1 = (x) => 4 * x ** 3 - 8 * x;

  // f(x, y) = x^2 + 5y^2: a valley 5 times steeper across than along.
  const f2 = (x, y) => x * x + 5 * y * y;
  const grad2 = (x, y) => [2 * x, 10 * y];

  /** Iterates x_0, ..., x_steps of x <- x - lr f'(x) (figures.descend_1d). */
  function path1d(x0, lr, steps) {
    const xs = [x0];
    for (let k = 0; k < steps; k++) xs.push(xs[k] - lr * df1(xs[k]));
    return xs;
  }

  /** Iterates [x, y] of gradient descent on x^2 + 5y^2. */
  function path2d(start, lr, steps) {
    const points = [start.slice()];
    for (let k = 0; k < steps; k++) {
      const [x, y] = points[k];
      const [gx, gy] = grad2(x, y);
      points.push([x - lr * gx, y - lr * gy]);
    }
    return points;
  }

  /** -2 X^T (y - X beta) / n over the given rows (all rows by default): linear.mse_gradient. */
  function mseGradient(X, y, betas, rows) {
    rows = rows || X.map((_, i) => i);
    const p = betas.length;
    const gradient = new Array(p).fill(0);
    for (const i of rows) {
      let fitted = 0;
      for (let j = 0; j < p; j++) fitted += X[i][j] * betas[j];
      const residual = y[i] - fitted;
      for (let j = 0; j < p; j++) gradient[j] += X[i][j] * residual;
    }
    return gradient.map((g) => (-2 * g) / rows.length);
  }

  /** The MSE on all rows, mean((y - X beta)^2). */
  function mse(X, y, betas) {
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      let fitted = 0;
      for (let j = 0; j < betas.length; j++) fitted += X[i][j] * betas[j];
      total += (y[i] - fitted) ** 2;
    }
    return total / y.length;
  }

  /** Gradient descent on the MSE: the betas after each of `steps` steps (linear.gradient_descent). */
  function gradientDescent(X, y, lr, steps, init) {
    const path = [init.slice()];
    for (let k = 0; k < steps; k++) {
      const g = mseGradient(X, y, path[k]);
      path.push(path[k].map((b, j) => b - lr * g[j]));
    }
    return path;
  }

  /** A batch of `size` distinct rows of `n`, uniformly (Floyd's algorithm, one random() each). */
  function drawBatch(n, size, random) {
    const rows = [];
    for (let k = 0; k < size; k++) {
      const j = n - size + k;
      const pick = Math.min(Math.floor(random() * (j + 1)), j);
      rows.push(rows.includes(pick) ? j : pick);
    }
    return rows;
  }

  /** SGD on the MSE (linear.sgd): the betas after each step. `batches` (row lists, one per
   *  step) replays given minibatches; without them each step draws its own. */
  function sgd(X, y, lr, steps, batchSize, init, batches, random) {
    const path = [init.slice()];
    for (let k = 0; k < steps; k++) {
      const rows = batches ? batches[k] : drawBatch(y.length, batchSize, random || Math.random);
      const g = mseGradient(X, y, path[k], rows);
      path.push(path[k].map((b, j) => b - lr * g[j]));
    }
    return path;
  }

  /** Whether an iterate has run away (non-finite or past `limit`): the explorer says so. */
  function diverged(values, limit) {
    return values.some((v) => !Number.isFinite(v) || Math.abs(v) > limit);
  }

  root.NncourseDescent = { f1, df1, f2, grad2, path1d, path2d, mseGradient, mse, gradientDescent, drawBatch, sgd, diverged };
})(typeof globalThis !== "undefined" ? globalThis : this);
