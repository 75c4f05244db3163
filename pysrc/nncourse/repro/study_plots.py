"""One small picture per stochastic entry of the report: the seeded runs of each printed
number, with the lecture's value marked, taken in at a glance.

Each printed number is a row. Its runs are drawn as a histogram stretched from their
lowest (left) to their highest value (right), so rows of different scales read alike; the
lecture's printed value is a vermilion diamond on that scale, its percentile on the right.
A row where every run gave the same number is one bar. SVG, text kept as text, inline in
the HTML report (no file beside it, nothing fetched).
"""

from __future__ import annotations

import io

import numpy as np

from . import ledger

BLUE, VERMILION, GREY = "#0072B2", "#D55E00", "#555555"  # Okabe-Ito, as the deck's figures
BINS = 30
XOR_INPUTS = ["(0,0)", "(0,1)", "(1,0)", "(1,1)"]
LABELS = {
    "sgd_betas": ["beta_1", "beta_2"],
    "and_perceptron_params": ["w1", "w2", "b"],
    "mlp_hidden_pre": [f"{x} unit {u}" for x in XOR_INPUTS for u in (1, 2)],
    "mlp_hidden": [f"{x} unit {u}" for x in XOR_INPUTS for u in (1, 2)],
    "mlp_output_pre": XOR_INPUTS,
    "mlp_step": XOR_INPUTS,
    "mlp_sigmoid": XOR_INPUTS,
}


def svg(entry: ledger.Entry, runs: np.ndarray, bands: list[dict]) -> str:
    """The entry's picture as an ``<svg>`` element: ``runs`` (seeded runs x printed numbers),
    ``bands`` where the report placed each printed number among them (its percentiles)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    runs = np.asarray(runs, dtype=float)
    labels = LABELS.get(entry.id) or [f"value {i + 1}" for i in range(runs.shape[1])]
    fig = Figure(figsize=(6.2, 0.34 * len(labels) + 0.5))
    ax = fig.add_axes((0.30, 0.5 / (0.34 * len(labels) + 0.5), 0.56, 1 - 0.6 / (0.34 * len(labels) + 0.5)))
    for row, (label, printed, column, band) in enumerate(zip(labels, entry.numbers, runs.T, bands)):
        y = len(labels) - 1 - row
        _row(ax, y, column, printed, band)
        ax.text(-0.03, y, f"{label}  {printed.text}", ha="right", va="center", fontsize=8.5, color="#222")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.set_yticks([])
    ax.set_xticks([0, 1], [f"lowest of {len(runs)} runs", "highest"], fontsize=7.5, color=GREY)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": entry.id, "font.family": "DejaVu Sans"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _row(ax, y: float, column: np.ndarray, printed: ledger.PrintedNumber, band: dict) -> None:
    """One printed number: its runs' histogram from lowest to highest, the lecture's diamond."""
    low, high, pct, inside = band["low"], band["high"], band["percentile"], band["inside"]
    if high > low:
        counts, edges = np.histogram(column, bins=BINS, range=(low, high))
        heights = 0.8 * counts / counts.max()
        ax.bar((edges[:-1] - low) / (high - low), heights, width=1 / BINS, bottom=y - 0.4, align="edge", color=BLUE, alpha=0.55, linewidth=0)
        at = (printed.value - low) / (high - low)
    else:
        ax.bar(0.5, 0.8, width=1 / BINS, bottom=y - 0.4, color=BLUE, alpha=0.55, linewidth=0)
        at = 0.5 if abs(printed.value - low) <= printed.tolerance else (0.0 if printed.value < low else 1.0)
    ax.plot([min(max(at, -0.02), 1.02)], [y], marker="D", markersize=6.5, color=VERMILION, markeredgecolor="white", markeredgewidth=0.8)
    said = f"pct {pct:.0f}" if inside else "OUTSIDE"
    ax.text(1.05, y, said, ha="left", va="center", fontsize=8.5, color=GREY if inside else VERMILION, fontweight="normal" if inside else "bold")
