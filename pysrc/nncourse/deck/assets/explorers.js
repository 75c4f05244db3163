// The deck's gradient-descent explorers, drawn in plain SVG: one per slide "Gradient
// Descent for 1 Variable", "... for 2 Variables", "... for Linear Regression", in place of
// the lecture's hosted web app. The arithmetic is descent.js (tested against NumPy);
// this file draws it and wires the controls. Each explorer is a
//   <div class="nncourse-explorer" data-kind="1d|2d|regression" data-config='{...}'>
// that nncourse.deck.slide.explorer() writes; everything works from file://, offline.
(function () {
  "use strict";
  const D = globalThis.NncourseDescent;
  const SVG = "http://www.w3.org/2000/svg";
  const LIMIT = 1e6; // an iterate past this has run away

  function el(tag, attrs, parent) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  const { html } = globalThis.NncourseDom;

  const fmt = (v, digits = 4) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(digits));
  // A readout never shows NaN or Infinity: past the limit the value is said to have run away.
  const RAN_AWAY = "ran away (beyond 10⁶)";
  const value = (name, v, digits) => `<b data-value="${name}">${D.diverged([v], LIMIT) ? RAN_AWAY : fmt(v, digits)}</b>`;

  /** A plot area: linear scales from data to pixels, axes with ticks, a clip for the data. */
  function plot(svg, box, xDomain, yDomain, labels, id) {
    const [x0, y0, w, h] = box;
    const sx = (x) => x0 + ((x - xDomain[0]) / (xDomain[1] - xDomain[0])) * w;
    const sy = (y) => y0 + h - ((y - yDomain[0]) / (yDomain[1] - yDomain[0])) * h;
    const clip = el("clipPath", { id }, el("defs", {}, svg));
    el("rect", { x: x0, y: y0, width: w, height: h }, clip);
    el("rect", { x: x0, y: y0, width: w, height: h, class: "frame" }, svg);
    const ticks = (lo, hi) => {
      const step = Math.pow(10, Math.floor(Math.log10((hi - lo) / 2)));
      const out = [];
      for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(+t.toFixed(10));
      return out.length > 7 ? out.filter((_, i) => i % 2 === 0) : out;
    };
    for (const t of ticks(...xDomain)) el("text", { x: sx(t), y: y0 + h + 24, class: "tick", "text-anchor": "middle" }, svg).textContent = t;
    for (const t of ticks(...yDomain)) el("text", { x: x0 - 8, y: sy(t) + 7, class: "tick", "text-anchor": "end" }, svg).textContent = t;
    el("text", { x: x0 + w / 2, y: y0 + h + 50, class: "label", "text-anchor": "middle" }, svg).textContent = labels[0];
    el("text", { x: x0 - 46, y: y0 + h / 2, class: "label", "text-anchor": "middle", transform: `rotate(-90 ${x0 - 46} ${y0 + h / 2})` }, svg).textContent = labels[1];
    const layer = el("g", { "clip-path": `url(#${id})` }, svg);
    return { sx, sy, layer, invert: (px, py) => [xDomain[0] + ((px - x0) / w) * (xDomain[1] - xDomain[0]), yDomain[0] + ((y0 + h - py) / h) * (yDomain[1] - yDomain[0])] };
  }

  function polyline(layer, points, cls) {
    return el("polyline", { points: points.map(([x, y]) => `${x},${y}`).join(" "), class: cls }, layer);
  }

  /** Sliders, buttons, a readout and a message line; keys pressed here stay here (not reveal's). */
  function controls(root, sliders, onChange) {
    const panel = html("div", { class: "explorer-controls" }, undefined, root);
    const inputs = {};
    for (const s of sliders) {
      const row = html("label", {}, undefined, panel);
      const name = html("span", { class: "name" }, s.label, row);
      const input = html("input", { type: "range", min: s.min, max: s.max, step: s.step, value: s.value, "data-name": s.name, "aria-label": s.label }, undefined, row);
      const shown = html("output", {}, s.show(+input.value), row);
      input.addEventListener("input", () => {
        shown.textContent = s.show(+input.value);
        onChange();
      });
      inputs[s.name] = { input, read: () => s.read(+input.value), shown, name };
    }
    const buttons = html("div", { class: "buttons" }, undefined, panel);
    const button = (text, cls) => html("button", { type: "button", class: cls }, text, buttons);
    const readout = html("div", { class: "readout" }, undefined, panel);
    const message = html("div", { class: "message", role: "status" }, undefined, panel);
    return { inputs, step: button("Step", "step"), play: button("Play", "play"), reset: button("Reset", "reset"), readout, message };
  }

  /** Step, Play/Pause and Reset, redrawn by `show(k)` (false once the walk is over); Play
      moves `stride` steps per tick. */
  function stepper(ui, show, stride = 1) {
    let k = 0;
    let timer = null;
    const stop = () => {
      clearInterval(timer);
      timer = null;
      ui.play.textContent = "Play";
    };
    ui.step.addEventListener("click", () => show((k = k + 1)));
    ui.reset.addEventListener("click", () => {
      stop();
      show((k = 0));
    });
    ui.play.addEventListener("click", () => {
      if (timer) return stop();
      ui.play.textContent = "Pause";
      timer = setInterval(() => {
        if (!show((k = k + stride))) stop();
      }, 120);
    });
    return { restart: () => show((k = 0)), at: () => k, stop };
  }

  // Learning rates a person would type: 1, 1.5, 2, 3, 5 and 8 per decade, between lo and hi.
  const RATES = [];
  for (let e = -3; e <= 0; e++) for (const m of [1, 1.5, 2, 3, 5, 8]) RATES.push(+(m * 10 ** e).toPrecision(2));
  RATES.push(1.2);
  const rateSlider = (name, label, lo, hi, value) => {
    const values = RATES.filter((r) => r >= lo && r <= hi);
    return { name, label, min: 0, max: values.length - 1, step: 1, value: values.indexOf(value), read: (i) => values[i], show: (i) => String(values[i]) };
  };

  // ---------------------------------------------------------------- 1 variable: x^4 - 4x^2 + 5

  function oneVariable(root, config) {
    const svg = el("svg", { viewBox: "0 0 640 440", class: "plot" }, root);
    const p = plot(svg, [70, 15, 550, 360], [-2.4, 2.4], [0, 14], ["x", "f(x) = x⁴ − 4x² + 5"], root.id + "-clip");
    const curve = [];
    for (let x = -2.4; x <= 2.4001; x += 0.02) curve.push([p.sx(x), p.sy(D.f1(x))]);
    polyline(p.layer, curve, "curve");
    const trail = polyline(p.layer, [], "path");
    const dot = el("circle", { r: 9, class: "now" }, p.layer);
    const ui = controls(root, [
      rateSlider("lr", "learning rate", 0.001, 0.3, config.lr),
      { name: "x0", label: "start x₀", min: -2.3, max: 2.3, step: 0.01, value: config.x0, read: (v) => v, show: (v) => v.toFixed(2) },
    ], () => walk.restart());
    const walk = stepper(ui, (k) => {
      const path = D.path1d(ui.inputs.x0.read(), ui.inputs.lr.read(), k);
      const x = path[k];
      const gone = D.diverged([x], LIMIT);
      trail.setAttribute("points", path.filter((v) => Math.abs(v) < 10).map((v) => `${p.sx(v)},${p.sy(D.f1(v))}`).join(" "));
      dot.setAttribute("cx", p.sx(Math.max(-3, Math.min(3, x))));
      dot.setAttribute("cy", p.sy(Math.min(20, D.f1(Math.max(-3, Math.min(3, x))))));
      ui.readout.innerHTML = gone ? `step <b>${k}</b><br>x ${value("x", x)}` : `step <b>${k}</b><br>x = ${value("x", x)}<br>f(x) = ${value("f", D.f1(x))}<br>f′(x) = ${value("df", D.df1(x))}`;
      ui.message.textContent = gone ? `Diverged at step ${k}: the learning rate ${ui.inputs.lr.read()} is too large here.` : "";
      return !gone && k < 400;
    });
    svg.addEventListener("click", (event) => {
      const box = svg.getBoundingClientRect();
      const [x] = p.invert(((event.clientX - box.left) / box.width) * 640, ((event.clientY - box.top) / box.height) * 440);
      const clamped = Math.max(-2.3, Math.min(2.3, x));
      ui.inputs.x0.input.value = clamped.toFixed(2);
      ui.inputs.x0.shown.textContent = clamped.toFixed(2);
      walk.restart();
    });
    walk.restart();
  }

  // ---------------------------------------------------------------- 2 variables: x^2 + 5y^2

  function twoVariables(root, config) {
    const svg = el("svg", { viewBox: "0 0 640 440", class: "plot" }, root);
    const p = plot(svg, [70, 15, 550, 360], [-3.2, 3.2], [-2.1, 2.1], ["x", "y"], root.id + "-clip");
    for (const level of [0.5, 2, 4.5, 8, 12.5, 18]) {
      el("ellipse", { cx: p.sx(0), cy: p.sy(0), rx: p.sx(Math.sqrt(level)) - p.sx(0), ry: p.sy(0) - p.sy(Math.sqrt(level / 5)), class: "contour" }, p.layer);
    }
    el("text", { x: p.sx(0), y: p.sy(0) + 8, class: "star", "text-anchor": "middle" }, p.layer).textContent = "★";
    const trail = polyline(p.layer, [], "path");
    const dot = el("circle", { r: 9, class: "now" }, p.layer);
    let start = config.start.slice();
    const ui = controls(root, [rateSlider("lr", "learning rate", 0.005, 0.3, config.lr)], () => walk.restart());
    const lrNow = () => ui.inputs.lr.read();
    const walk = stepper(ui, (k) => {
      const path = D.path2d(start, ui.inputs.lr.read(), k);
      const [x, y] = path[k];
      const gone = D.diverged([x, y], LIMIT);
      trail.setAttribute("points", path.filter(([a, b]) => Math.abs(a) < 20 && Math.abs(b) < 20).map(([a, b]) => `${p.sx(a)},${p.sy(b)}`).join(" "));
      dot.setAttribute("cx", p.sx(Math.max(-5, Math.min(5, x))));
      dot.setAttribute("cy", p.sy(Math.max(-5, Math.min(5, y))));
      ui.readout.innerHTML = gone ? `step <b>${k}</b><br>(x, y) ${value("x", Math.hypot(x, y))}` : `step <b>${k}</b><br>(x, y) = (${value("x", x)}, ${value("y", y)})<br>f = ${value("f", D.f2(x, y))}`;
      ui.message.textContent = gone ? `Diverged at step ${k}: each step multiplies y by 1 − 10 × ${lrNow()} = ${fmt(1 - 10 * lrNow(), 2)}, more than 1 in size.`
        : Math.abs(lrNow() - 0.2) < 1e-12 ? "At rate 0.2 each step multiplies y by 1 − 10 × 0.2 = −1: y flips sign for ever, never nearer 0."
        : "";
      return !gone && k < 400;
    });
    svg.addEventListener("click", (event) => {
      const box = svg.getBoundingClientRect();
      start = p.invert(((event.clientX - box.left) / box.width) * 640, ((event.clientY - box.top) / box.height) * 440).map((v) => +v.toFixed(2));
      walk.restart();
    });
    walk.restart();
  }

  // ---------------------------------------------------------------- linear regression: GD against SGD

  function regression(root, config) {
    const { X, y, ols, hessian, minimum } = config;
    const svg = el("svg", { viewBox: "0 0 1000 440", class: "plot" }, root);
    const p = plot(svg, [75, 15, 420, 360], [-0.3, 2.3], [-2.6, 0.4], ["β₁", "β₂"], root.id + "-clip");
    // MSE contours: L(b) = L(OLS) + (b - OLS)' H (b - OLS), ellipses along H's eigenvectors
    const [[a, b], [, c]] = hessian;
    const root2 = Math.sqrt(((a - c) / 2) ** 2 + b * b);
    const l1 = (a + c) / 2 + root2, l2 = (a + c) / 2 - root2;
    const angle = (Math.atan2(l1 - a, b) * 180) / Math.PI;
    const unitX = p.sx(1) - p.sx(0), unitY = p.sy(0) - p.sy(1);
    for (const extra of [0.05, 0.25, 0.6, 1.2, 2, 3, 4.5]) {
      const g = el("g", { transform: `translate(${p.sx(ols[0])} ${p.sy(ols[1])}) scale(${unitX} ${-unitY}) rotate(${angle})` }, p.layer);
      el("ellipse", { rx: Math.sqrt(extra / l1), ry: Math.sqrt(extra / l2), class: "contour", "vector-effect": "non-scaling-stroke" }, g);
    }
    el("text", { x: p.sx(ols[0]), y: p.sy(ols[1]) + 8, class: "star", "text-anchor": "middle" }, p.layer).textContent = "★";
    const gdTrail = polyline(p.layer, [], "path gd");
    const sgdTrail = polyline(p.layer, [], "path sgd");
    const STEPS = 1000; // the lecture's epochs
    const low = Math.floor(Math.log10(minimum) * 10) / 10;
    const q = plot(svg, [600, 15, 355, 360], [0, STEPS], [low, low + 1.2], ["step", "log₁₀ MSE"], root.id + "-clip2");
    const gdLoss = polyline(q.layer, [], "path gd");
    const sgdLoss = polyline(q.layer, [], "path sgd");
    const ui = controls(root, [
      rateSlider("lr", "learning rate", 0.001, 1.2, config.lr),
      { name: "batch", label: "SGD batch size", min: 1, max: y.length, step: 1, value: config.batch, read: (v) => v, show: (v) => String(v) },
    ], () => {
      batches = [];
      walk.restart();
    });
    html("div", { class: "legend" }, undefined, ui.readout.parentNode).innerHTML = '<span class="gd">━ gradient descent</span> <span class="sgd">━ SGD</span> ★ OLS';
    let batches = [];
    const walk = stepper(ui, (k) => {
      const lr = ui.inputs.lr.read(), size = ui.inputs.batch.read();
      while (batches.length < k) batches.push(D.drawBatch(y.length, size, Math.random));
      const gd = D.gradientDescent(X, y, lr, k, [0, 0]);
      const sg = D.sgd(X, y, lr, k, size, [0, 0], batches);
      // diverged: a loss ten times its start (from beta = 0), or past the limit
      const start = D.mse(X, y, [0, 0]);
      const gone = [gd[k], sg[k]].some((bb) => D.diverged(bb, LIMIT) || !(D.mse(X, y, bb) < 10 * start));
      const inPlot = (path) => path.filter(([u, v]) => Math.abs(u) < 50 && Math.abs(v) < 50).map(([u, v]) => `${p.sx(u)},${p.sy(v)}`).join(" ");
      gdTrail.setAttribute("points", inPlot(gd));
      sgdTrail.setAttribute("points", inPlot(sg));
      const lossLine = (path) => path.map((bb, i) => `${q.sx(i)},${q.sy(Math.min(low + 5, Math.log10(D.mse(X, y, bb))))}`).join(" ");
      gdLoss.setAttribute("points", lossLine(gd));
      sgdLoss.setAttribute("points", lossLine(sg));
      const [g1, g2] = gd[k], [s1, s2] = sg[k];
      ui.readout.innerHTML = gone ? `step <b>${k}</b><br>β ${RAN_AWAY}` : `step <b>${k}</b><br>GD β = (${value("gd1", g1, 5)}, ${value("gd2", g2, 5)})<br>SGD β = (${value("sgd1", s1, 5)}, ${value("sgd2", s2, 5)})<br>OLS β = (${fmt(ols[0], 5)}, ${fmt(ols[1], 5)})`;
      ui.message.textContent = gone ? `Diverged at step ${k}: the loss grew tenfold; rates above ${fmt(1 / l1, 2)} (1 / the largest eigenvalue of XᵀX / N) overshoot.` : "";
      return !gone && k < STEPS;
    }, 10);
    walk.restart();
  }

  const KINDS = { "1d": oneVariable, "2d": twoVariables, regression };

  function start() {
    document.querySelectorAll(".nncourse-explorer:not([data-started])").forEach((root, i) => {
      root.setAttribute("data-started", "");
      root.id = root.id || `nncourse-explorer-${i}`;
      KINDS[root.dataset.kind](root, JSON.parse(root.dataset.config));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
