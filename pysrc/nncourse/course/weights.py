"""The MLP's four weights as exercise 6's check reads them from a student's answer.

Its own module, light (NumPy and the MLP's tuple): the check's chain of training steps
runs in the student's process (:func:`.language.call_chain`), which opens it
to hand each step's answer to the next step as the check itself would.
"""

from __future__ import annotations

from ..algorithms import mlp
from .language import Problem, as_array


def as_weights(value) -> mlp.MLPWeights:
    """``(W1, b1, w2, b2)`` of the 2-2-1 network of slide "MLP for XOR", as float arrays
    (``b2`` a float), or a :class:`~.language.Problem` saying what is wrong with ``value``."""
    if value is None or isinstance(value, (str, bytes)):
        as_array(value, "the weights")  # the same messages as for any other answer
    try:
        W1, b1, w2, b2 = value
    except (TypeError, ValueError):
        raise Problem(f"expected the four weights (W1, b1, w2, b2), got {type(value).__name__}") from None
    return mlp.MLPWeights(as_array(W1, "W1", (2, 2)), as_array(b1, "b1", (2,)), as_array(w2, "w2", (2,)), float(as_array(b2, "b2").reshape(-1)[0]))
