"""R answers for the R track's boxes: correct ones written two ways, typical mistakes (each
with the words its hint must contain), and hostile code. Used by the R-track tests, in R
(Rscript), in the grader and in the browser page."""

CORRECT = {
    "1": [
        """
train <- function(X, y, lr = 0.1, epochs = 1000, batch_size = 10) {
  params <- rep(0, ncol(X) + 1)
  p <- ncol(X)
  for (epoch in 1:epochs) {
    idx <- sample.int(nrow(X), batch_size, replace = TRUE)
    Xb <- X[idx, , drop = FALSE]; yb <- y[idx]
    residuals <- yb - step_fn(Xb %*% params[1:p] + params[p + 1])
    params[1:p] <- params[1:p] - lr * (-2 * t(Xb) %*% residuals / batch_size)
    params[p + 1] <- params[p + 1] - lr * (-2 * sum(residuals) / batch_size)
  }
  params
}
""",
        """
train <- function(X, y) {  # the classic online perceptron rule, one point at a time
  w <- numeric(ncol(X)); b <- 0
  repeat {
    changed <- FALSE
    for (i in seq_len(nrow(X))) {
      err <- y[i] - as.numeric(sum(X[i, ] * w) + b >= 0)
      if (err != 0) { w <- w + err * X[i, ]; b <- b + err; changed <- TRUE }
    }
    if (!changed) break
  }
  c(w, b)
}
""",
    ],
    "2": [
        "misclassified <- function(params, X, y) { p <- length(params) - 1; sum(step_fn(X %*% params[1:p] + params[p + 1]) != y) }",
        "misclassified <- function(params, X, y) { z <- drop(X %*% head(params, -1)) + tail(params, 1); length(which(ifelse(z >= 0, 1, 0) != y)) }",
    ],
    "2 (lm)": [
        "lm_predictions <- function(frame) fitted(lm(Y ~ X1 + X2, data = frame))",
        "lm_predictions <- function(frame) { fit <- lm(Y ~ X1 + X2, data = frame); as.numeric(predict(fit, newdata = frame)) }",
    ],
    "3": [
        "sigmoid_grad <- function(z) sigmoid(z) * (1 - sigmoid(z))\nrelu_grad <- function(z) (z >= 0) * 1",
        "sigmoid_grad <- function(z) { s <- 1 / (1 + exp(-z)); s - s^2 }\nrelu_grad <- function(z) { z[] <- ifelse(z >= 0, 1, 0); z }",
    ],
    "4": [
        """
gradient_descent <- function(X, y, lr, epochs) {
  betas <- rep(0, ncol(X))
  for (i in seq_len(epochs)) betas <- betas - lr * (-2 * t(X) %*% (y - X %*% betas) / nrow(X))
  drop(betas)
}
""",
        """
gradient_descent <- function(X, y, lr, epochs) {
  b <- numeric(ncol(X)); n <- length(y)
  for (i in 1:epochs) { g <- 2 * crossprod(X, X %*% b - y) / n; b <- b - lr * as.vector(g) }
  b
}
""",
    ],
    "4 (learning rates)": [
        'rates <- list("too small" = 1e-4, "about right" = 0.1, "divergent" = 2)',
        'rates <- list(divergent = 5, "about right" = 0.3, "too small" = 0.00001)',
    ],
    "5": [
        "draw_batch <- function(n, batch_size) sample.int(n, batch_size)",
        "draw_batch <- function(n, batch_size) sample(n, size = batch_size, replace = FALSE)",
    ],
    "6": [
        """
train_step <- function(weights, X_batch, y_batch, lr) {
  W1 <- weights$W1; b1 <- weights$b1; w2 <- weights$w2; b2 <- weights$b2
  n <- length(y_batch)
  z1 <- sweep(X_batch %*% W1, 2, b1, "+")
  h <- pmax(z1, 0)
  y_pred <- drop(1 / (1 + exp(-(h %*% w2 + b2))))
  residuals <- y_batch - y_pred
  sig_d <- y_pred * (1 - y_pred)
  delta <- outer(residuals * sig_d, w2) * (z1 >= 0)
  W1 <- W1 - lr * (-2 * t(X_batch) %*% delta / n)
  b1 <- b1 - lr * (-2 * colSums(delta) / n)
  w2 <- w2 - lr * drop(-2 * t(h) %*% (residuals * sig_d) / n)
  b2 <- b2 - lr * (-2 * sum(residuals * sig_d) / n)
  list(W1 = W1, b1 = b1, w2 = w2, b2 = b2)
}
""",
        """
train_step <- function(weights, X_batch, y_batch, lr) {
  with(weights, {
    n <- nrow(X_batch)
    z1 <- X_batch %*% W1 + matrix(b1, n, 2, byrow = TRUE)
    h <- relu(z1)
    s <- as.vector(sigmoid(h %*% w2 + b2))
    r <- (y_batch - s) * s * (1 - s)
    d <- (r %o% w2) * (z1 >= 0)
    list(W1 = W1 + lr * 2 * crossprod(X_batch, d) / n, b1 = b1 + lr * 2 * colMeans(d),
         w2 = w2 + lr * 2 * as.vector(crossprod(h, r)) / n, b2 = b2 + lr * 2 * mean(r))
  })
}
""",
    ],
    "7": [
        """
logistic_gd <- function(X, y, lr, epochs) {
  Xb <- cbind(1, X); b <- rep(0, ncol(Xb))
  for (i in seq_len(epochs)) b <- b - lr * drop(t(Xb) %*% (sigmoid(Xb %*% b) - y)) / length(y)
  b
}
""",
        """
logistic_gd <- function(X, y, lr, epochs) {
  D <- cbind(intercept = 1, X); beta <- numeric(ncol(D))
  for (k in 1:epochs) { p <- 1 / (1 + exp(-as.vector(D %*% beta))); beta <- beta - lr * colMeans(D * (p - y)) }
  unname(beta)
}
""",
    ],
    "8": [
        "margin <- function(params, x) sum(params[-length(params)] * x) + params[length(params)]",
        "margin <- function(params, x) { p <- length(x); drop(x %*% params[1:p]) + params[[p + 1]] }",
        # a value with an empty name: read back as the number it is
        'margin <- function(params, x) { m <- sum(params[-length(params)] * x) + params[length(params)]; names(m) <- ""; m }',
    ],
}

# (box, code, words the hint must contain)
MISTAKES = [
    ("1", "train <- function(X, y) rep(0.5, ncol(X))", "forgot the bias"),
    ("1", CORRECT["1"][0].replace("params[p + 1] - lr * ", "params[p + 1] + 0 * lr * "), "bias is still 0"),
    ("2", "misclassified <- function(params, X, y) { p <- length(params) - 1; mean(step_fn(X %*% params[1:p] + params[p + 1]) != y) }", "share of points"),
    ("2", "misclassified <- function(params, X, y) { p <- length(params) - 1; sum(step_fn(X %*% params[1:p] + params[p + 1]) == y) }", "gets right"),
    ("2", "misclassified <- function(params, X, y) { p <- length(params) - 1; sum(step_fn(X %*% params[1:p]) != y) }", "ignores the bias"),
    ("2 (lm)", "lm_predictions <- function(frame) frame$Y", "data's Y"),
    ("3", "sigmoid_grad <- function(z) sigmoid(z)\nrelu_grad <- function(z) (z >= 0) * 1", "sigmoid itself"),
    ("3", "sigmoid_grad <- function(z) z * (1 - z)\nrelu_grad <- function(z) (z >= 0) * 1", "apply it to sigmoid(z)"),
    ("3", "sigmoid_grad <- function(z) sigmoid(z) * (1 - sigmoid(z))\nrelu_grad <- function(z) (z > 0) * 1", "(z1 >= 0)"),
    ("3", "sigmoid_grad <- function(z) sapply(z, function(v) sigmoid(v) * (1 - sigmoid(v)))\nrelu_grad <- function(z) (z >= 0) * 1", "plain vector"),
    ("4", "gradient_descent <- function(X, y, lr, epochs) { b <- rep(0, ncol(X)); for (i in 1:epochs) b <- b - lr * drop(-t(X) %*% (y - X %*% b) / nrow(X)); b }", "factor 2"),
    ("4", "gradient_descent <- function(X, y, lr, epochs) { b <- rep(0, ncol(X)); for (i in 1:epochs) b <- b + lr * drop(-2 * t(X) %*% (y - X %*% b) / nrow(X)); b }", "sign error"),
    ("4", "gradient_descent <- function(X, y, lr, epochs) unname(coef(lm(y ~ X - 1)))", "OLS solution"),
    ("4 (learning rates)", 'rates <- list("too small" = 0.1, "about right" = 0.1, "divergent" = 2)', "not too small"),
    ("5", "draw_batch <- function(n, batch_size) sample(n)[1:batch_size]", "1e12"),
    ("5", "draw_batch <- function(n, batch_size) sample.int(n, batch_size, replace = TRUE)", "twice"),
    ("5", "draw_batch <- function(n, batch_size) 1:batch_size", "equally likely"),
    ("6", CORRECT["6"][0].replace("  w2 <- w2 - lr", "  w2 <- w2 #").replace("  b2 <- b2 - lr", "  b2 <- b2 #"), "cut-off listing"),
    ("6", CORRECT["6"][0].replace('sweep(X_batch %*% W1, 2, b1, "+")', "X_batch %*% W1 + b1"), "recycles b1"),
    ("6", CORRECT["6"][0].replace("(z1 >= 0)", "(z1 > 0)"), "(z1 >= 0)"),
    ("7", "logistic_gd <- function(X, y, lr, epochs) { b <- rep(0, ncol(X)); for (i in 1:epochs) b <- b - lr * drop(t(X) %*% (sigmoid(X %*% b) - y)) / length(y); b }", "intercept is missing"),
    ("7", "logistic_gd <- function(X, y, lr, epochs) unname(coef(glm(y ~ X, family = binomial)))", "finished fit"),
    ("8", "margin <- function(params, x) sum(params[-length(params)] * x)", "leaves out the bias"),
    ("8", "margin <- function(params, x) sum(params[-length(params)] * x) - params[length(params)]", "subtracted"),
]

# (box, code, words the verdict must contain): each costs its box only.
HOSTILE = [
    ("8", "margin <- function(params, x) { while (TRUE) {} }", "loop that never ends"),
    ("8", "margin <- function(params, x) q()", "q()"),
    ("8", 'margin <- function(params, x) stop("no margin today")', "no margin today"),
    ("8", "margin <- function(params, x) NULL", "NULL"),
    ("8", 'margin <- function(params, x) "zero"', "expected numbers"),
    ("8", "margin <- 3", "expected a function"),
    ("8", 'margin <- function(params, x) stop("your code here")', "still the stub"),
]

# (box, code, words the verdict must contain): code that reaches for the check itself, each
# of which passes when the check and the code share one R (the page's webR), and earns 0 in
# `nncourse grade`, where the code runs in an R of its own.
REACHING = [
    ("8", """
margin <- function(params, x) {  # the expected value, read from the check's frames
  for (f in rev(sys.frames())) {
    case <- get0("case", envir = f, inherits = FALSE)
    if (is.list(case) && !is.null(case$expected)) return(case$expected)
  }
  stop("no check frame here")
}
""", "no check frame here"),
    ("8", """
margin <- function(params, x) {  # the check's own case rewritten to expect what this returns
  for (f in sys.frames()) {
    if (exists("case", envir = f, inherits = FALSE)) assign("case", list(params = params, x = x, expected = 42, variants = list()), envir = f)
  }
  42
}
""", "got 42"),
    ("8", """
margin <- function(params, x) {  # a check helper redefined where the checks live
  assign("nn_diagnose", function(...) invisible(TRUE), envir = globalenv())
  -1
}
""", "got -1"),
    ("8", "nn_close <<- function(...) TRUE\nmargin <- function(params, x) -1", "got -1"),
]
