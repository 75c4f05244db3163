"""Where nncourse finds its files: the one place that computes them.

The package's own files (browser assets, the R worker) sit beside the modules that use
them; the week's material and the tools installed at set-up (``node_modules``) are found
from the source checkout the package runs from.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parents[1]  # the checkout: pysrc/nncourse -> the repository
SLIDES = ROOT / "slides"
COURSE = ROOT / "course" / "week10"
RSRC = ROOT / "rsrc"
NODE_MODULES = ROOT / "node_modules"
