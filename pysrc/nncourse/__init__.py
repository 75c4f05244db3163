"""nncourse: Week 10 of POP77032 (Neural Networks), reproduced in NumPy and R.

The folders are the layers, each importing only from those above it in this list:

- :mod:`nncourse.algorithms` -- the lecture's data and algorithms, once each (NumPy only);
- :mod:`nncourse.r` -- the one door to R: the session API, the rpy2 and webR engines;
- :mod:`nncourse.repro` -- what the lecture printed (the ledger), what we compute, the report;
- :mod:`nncourse.deck` -- the slides: parsing, execution, Pandoc, maths, figures, checks, serving;
- :mod:`nncourse.course` -- the tutorial's exercises, their checks and the grader;
- top level: :mod:`nncourse.cli`, :mod:`nncourse.paths`, :mod:`nncourse.validation`,
  :mod:`nncourse.safe_write`, :mod:`nncourse.workers` (child processes with limits).

The student's API is as the tutorial writes it, ``from nncourse import data, figures,
linear, mlp, perceptron, rbridge, tutorial`` (also ``import nncourse.tutorial``): each
name is the very module object of its layer, imported on first use, so monkeypatching
and pickles see one module. R is optional at import time.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

__version__ = "0.1.0"

STUDENT_API = {
    "activations": "nncourse.algorithms.activations",
    "data": "nncourse.algorithms.data",
    "linear": "nncourse.algorithms.linear",
    "mlp": "nncourse.algorithms.mlp",
    "perceptron": "nncourse.algorithms.perceptron",
    "figures": "nncourse.deck.figures",
    "rbridge": "nncourse.r.bridge",
    "tutorial": "nncourse.course.tutorial",
}


class _SameModule(importlib.abc.Loader):
    """Loads ``nncourse.<name>`` as the module it stands for (the same object, its own spec kept)."""

    def __init__(self, real: str):
        self.real = real

    def create_module(self, spec):
        module = importlib.import_module(self.real)
        self.spec = module.__spec__  # the import system sets the alias's spec on it next
        return module

    def exec_module(self, module) -> None:
        module.__spec__ = self.spec


class _StudentAPI(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        short = fullname.removeprefix("nncourse.")
        if fullname.startswith("nncourse.") and short in STUDENT_API:
            return importlib.util.spec_from_loader(fullname, _SameModule(STUDENT_API[short]))
        return None


sys.meta_path.insert(0, _StudentAPI())
