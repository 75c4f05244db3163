"""The lecture's data and algorithms, each written once, in NumPy: the data sets, the
activations, OLS / gradient descent / SGD, the perceptron, the MLP, logistic regression
as R's ``glm.fit``, minibatch sampling, the divergence watch and the seeded studies."""
