"""nncourse: Week 10 of POP77032 (Neural Networks), reproduced in NumPy and R.

The modules follow the lecture's slides:

- :mod:`nncourse.data` -- the AND, XOR and regression data sets;
- :mod:`nncourse.activations` -- step, ReLU and sigmoid, with derivatives;
- :mod:`nncourse.linear` -- OLS, gradient descent and minibatch SGD;
- :mod:`nncourse.perceptron` -- the single-layer perceptron (Boolean AND);
- :mod:`nncourse.mlp` -- the 2-2-1 ReLU/sigmoid network with backprop (XOR);
- :mod:`nncourse.logistic` -- logistic regression as R's ``glm.fit`` does it;
- :mod:`nncourse.ledger` -- the lecture's printed outputs and how to compare.

R is optional at import time: only :mod:`nncourse.rbridge` touches rpy2.
"""

__version__ = "0.1.0"
