# R ports of the lecture's NumPy algorithms, written as an R user would write them.
#
# The stochastic ones take their minibatches as an argument, `batches`: a matrix with
# one row of (1-based) row indices per step. Feeding R and Python the same batches and
# the same initial weights must give the same result (tests/test_cross_language.py).
#
# Run alone: Rscript rsrc/algorithms.R  (fits the lecture's regression and XOR examples)

step_fn <- function(z) ifelse(z >= 0, 1, 0)  # `step` is taken in R (stats::step)
relu <- function(z) pmax(z, 0)  # z first: pmax keeps the attributes (dim) of its first argument
sigmoid <- function(z) 1 / (1 + exp(-z))

# Slide "Example: OLS": the normal equations, as written there.
ols <- function(X, y) {
  drop(solve(t(X) %*% X) %*% t(X) %*% y)
}

# Slide "Regression with Gradient Descent": full-batch steps on the mean squared error.
gradient_descent <- function(X, y, lr = 0.01, epochs = 1000, init = rep(0, ncol(X))) {
  betas <- init
  for (epoch in seq_len(epochs)) {
    residuals <- y - X %*% betas
    gradient <- -2 * t(X) %*% residuals / length(y)
    betas <- betas - lr * gradient
  }
  drop(betas)
}

# Slide "Regression with SGD": one step per row of `batches`.
sgd <- function(X, y, batches, lr = 0.01, init = rep(0, ncol(X))) {
  betas <- init
  for (s in seq_len(nrow(batches))) {
    i <- batches[s, ]
    X_batch <- X[i, , drop = FALSE]
    residuals <- y[i] - X_batch %*% betas
    gradient <- -2 * t(X_batch) %*% residuals / length(i)
    betas <- betas - lr * gradient
  }
  drop(betas)
}

# Slide "Back to Boolean AND": a step-activation perceptron; returns c(w..., b).
train_perceptron <- function(X, y, batches, lr = 0.1) {
  p <- ncol(X)
  w <- rep(0, p)
  b <- 0
  for (s in seq_len(nrow(batches))) {
    i <- batches[s, ]
    X_batch <- X[i, , drop = FALSE]
    residuals <- y[i] - step_fn(drop(X_batch %*% w) + b)
    w <- w - lr * drop(-2 * t(X_batch) %*% residuals / length(i))
    b <- b - lr * (-2 * sum(residuals) / length(i))
  }
  c(w, b)
}

# Slide "MLP for XOR": ReLU hidden layer, sigmoid output, backpropagation, with the
# output layer's update that the slide's listing cuts off.
train_mlp <- function(X, y, batches, W1, b1, w2, b2, lr = 0.1) {
  for (s in seq_len(nrow(batches))) {
    i <- batches[s, ]
    X_batch <- X[i, , drop = FALSE]
    z1 <- sweep(X_batch %*% W1, 2, b1, "+")  # hidden pre-activation
    h <- relu(z1)  # hidden layer
    y_pred <- drop(sigmoid(h %*% w2 + b2))  # output
    residuals <- y[i] - y_pred
    sig_d <- y_pred * (1 - y_pred)  # sigmoid derivative
    delta <- outer(residuals * sig_d, w2) * (z1 >= 0)  # backpropagation
    gradient_W1 <- -2 * t(X_batch) %*% delta / length(i)
    gradient_b1 <- -2 * colSums(delta) / length(i)
    gradient_w2 <- drop(-2 * t(h) %*% (residuals * sig_d) / length(i))
    gradient_b2 <- -2 * sum(residuals * sig_d) / length(i)
    W1 <- W1 - lr * gradient_W1
    b1 <- b1 - lr * gradient_b1
    w2 <- w2 - lr * gradient_w2
    b2 <- b2 - lr * gradient_b2
  }
  list(W1 = W1, b1 = b1, w2 = w2, b2 = b2)
}

mlp_forward <- function(weights, X) {
  h <- relu(sweep(X %*% weights$W1, 2, weights$b1, "+"))
  drop(sigmoid(h %*% weights$w2 + weights$b2))
}

if (sys.nframe() == 0L) {
  set.seed(123)  # R's own draws: not the lecture's NumPy data, the same model
  X <- matrix(rnorm(200), ncol = 2)
  y <- drop(X %*% c(1.5, -2.0)) + rnorm(100)
  cat("OLS:             ", format(ols(X, y)), "\n")
  cat("gradient descent:", format(gradient_descent(X, y)), "\n")
  batches <- t(replicate(1000, sample.int(100, 20)))
  cat("SGD:             ", format(sgd(X, y, batches)), "\n")
  X4 <- cbind(c(0, 0, 1, 1), c(0, 1, 0, 1))
  batches4 <- matrix(sample.int(4, 10000, replace = TRUE), ncol = 10)
  params <- train_perceptron(X4, c(0, 0, 0, 1), batches4)
  cat("perceptron on AND:", format(params), "-> predicts", step_fn(drop(X4 %*% params[1:2]) + params[3]), "\n")
  set.seed(1)
  W1 <- matrix(rnorm(4, sd = 0.5), 2)
  weights <- train_mlp(X4, c(0, 1, 1, 0), batches4, W1, c(0, 0), rnorm(2, sd = 0.5), 0)
  cat("MLP on XOR:       ", format(mlp_forward(weights, X4), digits = 4), "\n")
}
