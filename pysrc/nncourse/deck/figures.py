"""Figures for the deck and the tutorial, made by code where the lecture had pictures.

Each function returns a :class:`matplotlib.figure.Figure` and names the slide it
draws for. The data are the lecture's own (AND, XOR, the regression of slide
"Example: OLS"); nothing is invented.
"""

from __future__ import annotations

import io
import sys

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

from ..algorithms import data
from ..algorithms.activations import relu, sigmoid, step

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, GREEN, VERMILION, PURPLE, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#7f7f7f"
STYLE = {
    "font.size": 13,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "axes.titleweight": "bold",
}


def _figure(width: float, height: float) -> Figure:
    import matplotlib

    matplotlib.rcParams.update(STYLE)
    _shown_in_notebooks()
    return Figure(figsize=(width, height), layout="constrained")


def _shown_in_notebooks() -> None:
    """Let Jupyter show these figures as pictures even before ``%matplotlib inline`` (a bare
    Figure has no picture of its own there); where a formatter exists already, it stays."""
    if "IPython" not in sys.modules:  # no shell where IPython is not imported (a kernel imports it first): not imported here, 0.1 s
        return
    shell = sys.modules["IPython"].get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    try:
        formatter.lookup_by_type(Figure)
    except KeyError:
        formatter.for_type(Figure, _png)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


# Slide "Laying the Foundation", in the lecture's own words and dates.
HISTORY = [  # (year drawn, as the lecture says it, what happened)
    (1943, "1943", "McCulloch & Pitts:\nneurons as logical units"),
    (1958, "1958", "Rosenblatt:\nMark I Perceptron"),
    (1969, "1969", "Minsky & Papert:\n\"Perceptrons\", its limits"),
    (2000, "late 1990s and early 2000s", "deep learning"),
]
AI_WINTER = (1969, 1998)  # from "Perceptrons" to "the re-surgence of interest in late 1990s"


def history() -> Figure:
    """Slide "Some History", drawn in place of the lecture's Ngram Viewer chart (whose data
    are not offline): the lecture's own dates (1943, 1958, 1969, the AI winter, the 2000s) on
    a time line, the winter shaded."""
    fig = _figure(12, 3.6)
    ax = fig.subplots()
    ax.axvspan(*AI_WINTER, color=BLUE, alpha=0.12)
    ax.text(sum(AI_WINTER) / 2, 0.55, "the \"AI winter\"", ha="center", va="center", fontsize=20, color=BLUE, style="italic")
    ax.axhline(0, color="black", lw=2)
    for k, (year, when, what) in enumerate(HISTORY):
        up = k % 2 == 0
        ax.plot([year, year], [0, 0.8 if up else -0.8], color=GREY, lw=1.5)
        ax.plot([year], [0], "o", color=VERMILION, ms=12, zorder=3)
        text = f"{when}\n{what}" if up else f"{what}\n{when}"
        ax.text(year, 1.05 if up else -1.05, text, ha="center", va="bottom" if up else "top", fontsize=18, linespacing=1.2)
    ax.set_xlim(1935, 2025)
    ax.set_ylim(-2.3, 2.3)
    ax.axis("off")
    return fig


def activation_functions() -> Figure:
    """Slide "Activation Functions": step, sigmoid, tanh and ReLU side by side."""
    fig = _figure(12, 3.4)
    z = np.linspace(-4, 4, 801)
    panels = [
        ("Step", step(z), r"$1$ if $z \geq 0$, else $0$"),
        ("Sigmoid", sigmoid(z), r"$1 / (1 + e^{-z})$"),
        ("tanh", np.tanh(z), r"$\tanh(z)$"),
        ("ReLU", relu(z), r"$\max(0, z)$"),
    ]
    for ax, (name, values, formula), colour in zip(fig.subplots(1, 4, sharex=True), panels, (BLUE, ORANGE, GREEN, VERMILION)):
        if name == "Step":  # draw the jump, not a slanted line through it
            ax.plot(z[z < 0], values[z < 0], color=colour, lw=2.5)
            ax.plot(z[z >= 0], values[z >= 0], color=colour, lw=2.5)
            ax.plot([0], [1], "o", color=colour)
            ax.plot([0], [0], "o", color=colour, mfc="white")
        else:
            ax.plot(z, values, color=colour, lw=2.5)
        ax.set_title(name)
        ax.set_xlabel(formula)
        ax.axhline(0, color=GREY, lw=0.8)
        ax.axvline(0, color=GREY, lw=0.8)
    return fig


def _network(ax, layers: list[list[str]], *, weights: list[str] | None = None, activation: list[str] | None = None):
    """Draw a feed-forward network: one column of labelled neurons per layer, all connected."""
    ax.set_axis_off()
    ax.set_aspect("equal")
    xs = np.linspace(0, 3.2 * (len(layers) - 1), len(layers))
    positions = []
    for x, labels in zip(xs, layers):
        ys = np.linspace(1.1 * (len(labels) - 1), -1.1 * (len(labels) - 1), len(labels)) if len(labels) > 1 else [0.0]
        positions.append([(x, y) for y in ys])
    colours = [BLUE] + [ORANGE] * (len(layers) - 2) + [GREEN]
    for k, (column, labels) in enumerate(zip(positions, layers)):
        for (x, y), label in zip(column, labels):
            ax.add_patch(Circle((x, y), 0.45, facecolor=colours[k], edgecolor="black", alpha=0.9, zorder=3))
            ax.text(x, y, label, ha="center", va="center", fontsize=15, color="white", weight="bold", zorder=4)
        if k + 1 < len(layers):
            for a in column:
                for b in positions[k + 1]:
                    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=14, shrinkA=22, shrinkB=22, color=GREY, lw=1.3, zorder=1))
    for x, label in zip(xs, ["input layer", *["hidden layer"] * (len(layers) - 2), "output"]):
        ax.text(x, -1.1 * max(len(l) - 1 for l in layers) - 1.0, label, ha="center", fontsize=13, style="italic")
    if weights:
        ax.text(xs[0] + 1.6, 1.1 * max(len(l) - 1 for l in layers) + 0.75, weights[0], ha="center", fontsize=14)
    if activation:
        for x, text in zip(xs[1:], activation):
            ax.text(x, 1.1 * max(len(l) - 1 for l in layers) + 0.75, text, ha="center", fontsize=14)
    ax.set_xlim(xs[0] - 1, xs[-1] + 1)
    ax.set_ylim(-1.1 * max(len(l) - 1 for l in layers) - 1.5, 1.1 * max(len(l) - 1 for l in layers) + 1.3)


def perceptron_diagram() -> Figure:
    """Slide "Single-Layer Perceptron (SLP)": inputs, weights and bias into one output neuron."""
    fig = _figure(7, 3.6)
    ax = fig.subplots()
    _network(ax, [["$X_1$", "$X_2$"], [r"$\hat{Y}$"]], weights=["$w_1, w_2$"], activation=[r"$f(\sum_j w_j X_j + b)$"])
    return fig


def mlp_diagram() -> Figure:
    """Slide "Multi-Layer Perceptron (MLP)": the 2-2-1 network of "MLP for XOR"."""
    fig = _figure(8, 3.1)
    ax = fig.subplots()
    _network(
        ax,
        [["$X_1$", "$X_2$"], ["$h_1$", "$h_2$"], [r"$\hat{Y}$"]],
        weights=["$W_1, b_1$"],
        activation=["ReLU", "sigmoid"],
    )
    return fig


def boolean_plane(kind: str, params=None) -> Figure:
    """Slides on AND and XOR: the four inputs in the plane, coloured by Y.

    ``kind`` is "and" or "xor". For AND, ``params = (w1, w2, b)`` draws the
    perceptron's boundary ``w1 X1 + w2 X2 + b = 0`` and shades where it fires.
    """
    frames = {"and": data.and_data, "xor": data.xor_data}
    if kind not in frames:
        raise ValueError(f"kind: expected 'and' or 'xor', got {kind!r}")
    X, y = data.features(frames[kind]())
    fig = _figure(4.6, 4.6 if params is not None else 4.4)
    ax = fig.subplots()
    grid = np.linspace(-0.5, 1.5, 401)
    if params is not None:
        w1, w2, b = params
        G1, G2 = np.meshgrid(grid, grid)
        ax.contourf(G1, G2, step(w1 * G1 + w2 * G2 + b), levels=[-0.5, 0.5, 1.5], colors=[BLUE, ORANGE], alpha=0.12)
        ax.plot(grid, -(w1 * grid + b) / w2, color="black", lw=2, label="perceptron boundary")
    for label, colour, marker in ((0, BLUE, "o"), (1, ORANGE, "s")):
        mask = y == label
        ax.scatter(X[mask, 0], X[mask, 1], s=260, color=colour, marker=marker, edgecolor="black", zorder=3, label=f"Y = {label}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=15, frameon=False)
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    ax.set_xlabel("$X_1$")
    ax.set_ylabel("$X_2$")
    ax.set_title(f"$X_1$ {kind.upper()} $X_2$")
    return fig


STATIONARY = {
    "Local Minimum": (lambda x: x**4 - 4 * x**2 + 5, lambda x: 4 * x**3 - 8 * x, r"$f(x) = x^4 - 4x^2 + 5$"),
    "Local Maximum": (lambda x: -(x**4) + 4 * x**2 + 1, lambda x: -4 * x**3 + 8 * x, r"$f(x) = -x^4 + 4x^2 + 1$"),
    "Saddle Point": (lambda x: x**3, lambda x: 3 * x**2, r"$f(x) = x^3$"),
}


def stationary_points() -> Figure:
    """Slide "Stationary (Critical) Points": the three functions it names, with f'(x) = 0 marked."""
    fig = _figure(12, 3.9)
    x = np.linspace(-2.3, 2.3, 601)
    critical = {"Local Minimum": [-np.sqrt(2), 0.0, np.sqrt(2)], "Local Maximum": [-np.sqrt(2), 0.0, np.sqrt(2)], "Saddle Point": [0.0]}
    for ax, (title, (f, _, formula)) in zip(fig.subplots(1, 3), STATIONARY.items()):
        ax.plot(x, f(x), color=BLUE, lw=2.5)
        for c in critical[title]:
            ax.plot([c - 0.5, c + 0.5], [f(c), f(c)], color=VERMILION, lw=1.5)
            ax.plot([c], [f(c)], "o", color=VERMILION, zorder=3)
        ax.set_title(f"{title}\n{formula}", linespacing=1.6)
        ax.set_xlabel("$x$")
        if title == "Saddle Point":
            ax.set_ylim(-6, 6)
    return fig


def descend_1d(grad, x0: float, lr: float, steps: int) -> np.ndarray:
    """Gradient descent on one variable: the iterates x_0, x_1, ..., x_steps."""
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] - lr * grad(xs[-1]))
    return np.array(xs)
