# The checks of the tutorial "Working with Neural Networks", R track.
#
# The same code runs in R (source("checks.R"); check_exercise_1(train)), in the tutorial page
# (webR) and in `nncourse grade` (system R or webR in Node, in a sandbox). In R and in the page
# the student's code and the check share one R: feedback on public cases. `nncourse grade`
# runs the code in an R of its own and these checks in another, where each student function
# is a stand-in that sends its arguments over (nncourse.course.rpair). It holds no
# solution: the cases (inputs, expected values, and the values each typical mistake gives)
# come in `nncourse_cases`, written above this code from the package's own algorithms
# (public cases for students; cases drawn from the grading key's seed for the grader).
# Each check prints a verdict and returns it invisibly:
#   list(exercise = "1", passed = TRUE or FALSE, message = "...").

nncourse_budget <- 60  # seconds one check may take in all, the student's calls included

# One line: the same message in the page, at the console and in a gradebook cell.
nn_one_line <- function(text) gsub("\\s*\n\\s*", " ", text)

nncourse_verdict <- function(exercise, passed, message) {
  structure(list(exercise = exercise, passed = passed, message = nn_one_line(message)), class = "nncourse_verdict")
}

print.nncourse_verdict <- function(x, ...) {
  cat(sprintf("Exercise %s: %s. %s\n", x$exercise, if (x$passed) "PASSED" else "NOT YET", x$message))
  invisible(x)
}

# A student's answer is not right: the message says why and what to try.
nn_problem <- function(message) stop(structure(class = c("nncourse_problem", "error", "condition"),
                                               list(message = message, call = NULL)))

nn_guard <- function() {
  refuse <- function(...) nn_problem("your code called q(): return a value instead of quitting R.")
  list(q = refuse, quit = refuse)
}

# Call the student's function; every failure becomes a readable problem. (A q() in it finds
# the guard nn_check attached for the check.)
nn_call <- function(f, ...) {
  if (!is.function(f)) {
    nn_problem(sprintf("expected a function, got %s: pass the function itself, without ()", class(f)[1]))
  }
  tryCatch(f(...), error = function(e) {  # one handler: R nests a tryCatch's handlers, the first inside
      if (inherits(e, "nncourse_problem") || grepl("elapsed time limit", conditionMessage(e), fixed = TRUE)) stop(e)
      if (identical(conditionMessage(e), "your code here")) {
        nn_problem("the function is still the stub: write its body, then run the check again.")
      }
      nn_problem(sprintf("your function stopped with an error: %s", conditionMessage(e)))
    })
}

# nn_call(f, ...) once per argument list of `arguments`, in order, each value handed to `each`
# (which checks it) before the next call counts: what a loop of nn_call and `each` gives. In
# `nncourse grade`'s checker `f` is a stand-in whose "nncourse_calls" sends all the calls to
# the student's R at once (one round trip, not one a call) and gives a function per reply.
nn_calls <- function(f, arguments, each) {
  batch <- if (is.function(f)) attr(f, "nncourse_calls", exact = TRUE)
  if (!is.function(batch)) return(lapply(arguments, function(a) each(do.call(nn_call, c(list(f), a)))))
  lapply(batch(arguments), function(reply) each(nn_call(reply)))
}

# From `value`, value <- feed(nn_call(f, value, ...)) once per argument list of `arguments`, in
# order (`feed` checks each value before the next call is made with it): the last value. In
# `nncourse grade`'s checker `f` is a stand-in whose "nncourse_chain" makes the calls in the
# student's R, each value fed there as here, and gives the last one it made (where `feed`
# refused one, that one) and how many it made; any calls it did not make are made here.
nn_chain <- function(f, value, arguments, feed) {
  chain <- if (is.function(f)) attr(f, "nncourse_chain", exact = TRUE)
  if (is.function(chain) && length(arguments)) {
    last <- chain(value, arguments, feed)
    value <- feed(nn_call(last$reply))
    arguments <- arguments[-seq_len(last$made)]
  }
  for (a in arguments) value <- feed(do.call(nn_call, c(list(f, value), a)))
  value
}

# The student's value as finite numbers; `shape` is a length (vector) or a dim (matrix).
nn_numbers <- function(value, what, shape = NULL) {
  if (is.null(value)) nn_problem(sprintf("%s: your function returned NULL: does its last line give the value?", what))
  if (is.list(value) && !is.data.frame(value) && all(vapply(value, function(v) is.numeric(v) && length(v) == 1, TRUE))) {
    value <- unlist(value, use.names = FALSE)
  }
  if (!(is.numeric(value) || is.logical(value)) || is.data.frame(value)) {
    nn_problem(sprintf("%s: expected numbers, got %s", what, class(value)[1]))
  }
  if (!is.null(shape)) {
    got <- if (is.null(dim(value))) length(value) else dim(value)
    if (length(shape) > 1 && is.null(dim(value)) && length(value) == prod(shape)) {
      nn_problem(sprintf("%s: expected a %s matrix, got a plain vector of length %d: work on z as a whole (z * (1 - z), pmax, ifelse) so its dim is kept",
                         what, paste(shape, collapse = " x "), length(value)))
    }
    if (!identical(as.integer(got), as.integer(shape))) {
      nn_problem(sprintf("%s: expected %s %s, got %s", what, if (length(shape) > 1) "dim" else "length",
                         paste(shape, collapse = " x "), paste(got, collapse = " x ")))
    }
  }
  if (any(!is.finite(value))) {
    nn_problem(sprintf("%s: the result contains NA, NaN or infinite values: %s", what, nn_show(value)))
  }
  value
}

nn_show <- function(x, digits = 4) paste0("c(", paste(signif(as.vector(x), digits), collapse = ", "), ")")

nn_close <- function(got, expected, rtol = 1e-6, atol = 1e-9) {
  length(got) == length(expected) && all(is.finite(expected)) &&
    all(abs(as.vector(got) - as.vector(expected)) <= atol + rtol * abs(as.vector(expected)))
}

# Pass when `got` is `expected`; else the hint of the typical mistake it matches, else `fallback`.
nn_diagnose <- function(got, expected, variants, hints, fallback, rtol = 1e-6, atol = 1e-9) {
  if (nn_close(got, expected, rtol, atol)) return(invisible(TRUE))
  for (name in names(hints)) {
    if (!is.null(variants[[name]]) && nn_close(got, variants[[name]], rtol, atol)) nn_problem(hints[[name]])
  }
  nn_problem(fallback)
}

# Run one check: its verdict, whatever the student's code does (within nncourse_budget seconds).
nn_check <- function(exercise, run) {
  attach(nn_guard(), name = "nncourse_guard", warn.conflicts = FALSE)  # a q() in the student's functions finds this one first
  on.exit(if ("nncourse_guard" %in% search()) detach("nncourse_guard"), add = TRUE)
  setTimeLimit(elapsed = nncourse_budget, transient = TRUE)
  on.exit(setTimeLimit(elapsed = Inf), add = TRUE)
  verdict <- tryCatch(nncourse_verdict(exercise, TRUE, run()),
    nncourse_problem = function(p) nncourse_verdict(exercise, FALSE, conditionMessage(p)),
    error = function(e) {
      if (grepl("elapsed time limit", conditionMessage(e), fixed = TRUE)) {
        return(nncourse_verdict(exercise, FALSE, sprintf("your function ran past the check's %g s: is there a loop that never ends?", nncourse_budget)))
      }
      nncourse_verdict(exercise, FALSE, sprintf("the check could not use what you gave it (%s); read the exercise's instructions again.", conditionMessage(e)))
    })
  setTimeLimit(elapsed = Inf)
  print(verdict)
  invisible(verdict)
}

# ---------------------------------------------------------------- exercise 1: OR and NAND

check_exercise_1 <- function(train) nn_check("1", function() {
  for (case in nncourse_cases$ex1) {
    X <- case$X
    p <- ncol(X)
    params <- nn_numbers(nn_call(train, X, case$y), sprintf("on %s", case$name))
    if (length(params) == p) {
      nn_problem(sprintf("on %s: got %d values for %d inputs: forgot the bias? Return c(w_1, ..., w_%d, b).", case$name, p, p, p))
    }
    if (length(params) != p + 1) {
      nn_problem(sprintf("on %s: expected %d values (a weight per input, then the bias), got %d%s", case$name, p + 1, length(params),
                         if (length(params) == 3) ": is the number of inputs hard-coded to 2?" else ""))
    }
    predicted <- step_fn(drop(X %*% params[1:p]) + params[p + 1])
    if (all(predicted == case$y)) next
    if (params[p + 1] == 0) {
      nn_problem(sprintf("on %s: the bias is still 0: update params[p + 1] too, with -2 * sum(residuals) / batch_size.", case$name))
    }
    if (mean(predicted == 1 - case$y) >= 0.75) {
      nn_problem(sprintf("on %s: the predictions are mostly flipped: a sign error? Step against the gradient: params - lr * gradient.", case$name))
    }
    nn_problem(sprintf("on %s: step_fn(X %%*%% w + b) gives %s, expected %s.", case$name, nn_show(predicted), nn_show(case$y)))
  }
  sprintf("your perceptron separates all %d cases, OR and NAND among them.", length(nncourse_cases$ex1))
})

# ---------------------------------------------------------------- exercise 2: XOR is not separable

check_exercise_2 <- function(misclassified) nn_check("2", function() {
  got <- c()
  for (case in nncourse_cases$ex2$cases) {
    value <- nn_call(misclassified, case$params, case$X, case$y)
    if (is.logical(value) || length(value) != 1) {
      nn_problem(sprintf("expected one number (a count), got %s of length %d", class(value)[1], length(value)))
    }
    got <- c(got, nn_numbers(value, "the count"))
  }
  ex <- nncourse_cases$ex2
  nn_diagnose(got, ex$expected, ex$variants, list(
    share = "that is the share of points: count them instead (sum, not mean).",
    right = "that counts the points it gets right: count the ones it gets wrong.",
    no_bias = "that ignores the bias: use z = X %*% params[1:p] + params[p + 1]."),
    sprintf("expected %s misclassified points on the check's cases, got %s.", nn_show(ex$expected), nn_show(got)))
  "your count is right, also on cases of the check's own."
})

check_exercise_2_lm <- function(lm_predictions) nn_check("2 (lm)", function() {
  for (case in nncourse_cases$ex2_lm) {
    got <- nn_numbers(nn_call(lm_predictions, case$frame), "the predictions", nrow(case$frame))
    nn_diagnose(unname(got), case$expected, list(y = case$frame$Y),
                list(y = "those are the data's Y, not lm's fitted values: use fitted() or predict()."),
                sprintf("expected lm's fitted values %s, got %s.", nn_show(case$expected), nn_show(got)))
  }
  "lm predicts 0.5 at every XOR point: no plane through the four points does better."
})

# ---------------------------------------------------------------- exercise 3: derivatives

check_exercise_3 <- function(sigmoid_grad, relu_grad) nn_check("3", function() {
  ex <- nncourse_cases$ex3
  got <- nn_numbers(nn_call(sigmoid_grad, ex$z), "sigmoid'(z)", dim(ex$z))
  nn_diagnose(got, ex$sigmoid, ex$sigmoid_variants, list(
    itself = "that is sigmoid itself: the derivative is sigmoid(z) * (1 - sigmoid(z)).",
    plus = "sign error: sigmoid(z) * (1 - sigmoid(z)), not (1 + sigmoid(z)).",
    minus = "that is the derivative of -sigmoid: drop the minus.",
    of_z = "that is z * (1 - z): apply it to sigmoid(z), not to z."),
    "sigmoid'(z) is off; compare it with (sigmoid(z + h) - sigmoid(z - h)) / (2 * h).")
  got <- nn_numbers(nn_call(relu_grad, ex$z), "relu'(z)", dim(ex$z))
  nn_diagnose(got, ex$relu, ex$relu_variants,
              list(itself = "that is relu itself: its derivative is 1 where z >= 0 and 0 elsewhere."),
              "relu'(z) should be 1 for z > 0 and 0 for z < 0.")
  got <- nn_numbers(nn_call(relu_grad, ex$at_zero), "relu'(z)", length(ex$at_zero))
  nn_diagnose(got, ex$relu_at_zero, list(strict = ex$relu_strict),
              list(strict = "at z = 0 the slides' backprop takes 1: use z >= 0, as in (z1 >= 0)."),
              "relu'(z) at c(-2, 0, 3) should be c(0, 1, 1) (the slides' convention at 0).")
  "both derivatives are right, on a matrix and at 0."
})

# ---------------------------------------------------------------- exercise 4: gradient descent

check_exercise_4 <- function(gradient_descent) nn_check("4", function() {
  ex <- nncourse_cases$ex4
  for (run in ex$runs) {
    what <- sprintf("with lr = %g, epochs = %d", run$lr, run$epochs)
    got <- nn_numbers(nn_call(gradient_descent, ex$X, ex$y, run$lr, run$epochs), what, ncol(ex$X))
    nn_diagnose(got, run$expected, run$variants, list(
      ols = "you returned the OLS solution: take `epochs` steps of gradient descent instead.",
      no_factor = "the factor 2 from the derivative of the square is missing.",
      no_mean = "the gradient is not divided by N: it is N times too large.",
      sign = "sign error: step against the gradient, betas - lr * gradient."),
      sprintf("after %d epochs at lr = %g expected %s, got %s.", run$epochs, run$lr, nn_show(run$expected, 7), nn_show(got, 7)), rtol = 1e-8)
  }
  "your gradient descent takes the same steps as the slide's, on the check's own data."
})

# How far `epochs` steps of gradient descent at `lr`, from zeros, end from OLS: on the MSE the
# error after k steps is (I - lr H)^k times the error at the start, H = 2 X'X / N = V diag(l) V'.
nn_distance_after <- function(ex, lr, epochs) {
  shrink <- (1 - lr * ex$eigenvalues)^epochs
  max(abs(ex$eigenvectors %*% (shrink * crossprod(ex$eigenvectors, -ex$ols))))
}

check_exercise_4_rates <- function(rates) nn_check("4 (learning rates)", function() {
  keys <- c("too small", "about right", "divergent")
  if (!is.list(rates) || !setequal(names(rates), keys) || length(rates) != 3) {
    nn_problem(sprintf("expected list(\"too small\" = ..., \"about right\" = ..., \"divergent\" = ...), got names %s",
                       paste(deparse(names(rates)), collapse = "")))
  }
  for (key in keys) {
    value <- rates[[key]]
    if (!is.numeric(value) || length(value) != 1 || !is.finite(value) || value <= 0) {
      nn_problem(sprintf("rates[[\"%s\"]]: expected a positive learning rate, got %s", key, paste(deparse(value), collapse = "")))
    }
  }
  ex <- nncourse_cases$ex4_rates
  distance <- vapply(keys, function(k) nn_distance_after(ex, rates[[k]], 1000), 0)
  if (!(distance[["too small"]] > 1e-2)) {
    nn_problem(sprintf("lr = %g gets within %.1e of OLS in 1000 epochs: not too small. Try smaller.", rates[["too small"]], distance[["too small"]]))
  }
  if (!(distance[["about right"]] < 1e-6)) {
    nn_problem(sprintf("lr = %g ends %.1e from OLS: not there yet (or diverging).", rates[["about right"]], distance[["about right"]]))
  }
  if (is.finite(distance[["divergent"]]) && distance[["divergent"]] < 1e3) {
    nn_problem(sprintf("lr = %g does not diverge (ends %.1e from OLS). Try larger.", rates[["divergent"]], distance[["divergent"]]))
  }
  sprintf("too small creeps, about right lands on OLS, divergent blows up: %s.",
          paste(sprintf("%s: %g", keys, unlist(rates[keys])), collapse = ", "))
})

# ---------------------------------------------------------------- exercise 5: drawing a minibatch

nn_rows <- function(value, what, n, size) {
  idx <- nn_numbers(value, what, size)
  if (any(idx != round(idx)) || min(idx) < 1 || max(idx) > n) {
    nn_problem(sprintf("%s: expected whole row numbers from 1 to %.0f, got values from %g to %g", what, n, min(idx), max(idx)))
  }
  if (anyDuplicated(idx)) nn_problem(sprintf("%s: some rows come twice: draw without replacement.", what))
  idx
}

check_exercise_5 <- function(draw_batch) nn_check("5", function() {
  ex <- nncourse_cases$ex5
  for (size in ex$sizes) nn_rows(nn_call(draw_batch, size[1], size[2]), sprintf("for n = %g", size[1]), size[1], size[2])
  set.seed(ex$seed); a <- nn_call(draw_batch, 1000, 10)
  set.seed(ex$seed); b <- nn_call(draw_batch, 1000, 10)
  if (!identical(as.numeric(a), as.numeric(b))) {
    nn_problem("after the same set.seed() two draws differ: draw with R's generator (sample.int, runif), not another source.")
  }
  set.seed(ex$seed + 1)
  counts <- tabulate(unlist(nn_calls(draw_batch, rep(list(list(20, 5)), 2000), function(v) nn_rows(v, "a batch", 20, 5))), 20)
  if (max(abs(counts - 500)) > 5 * sqrt(500)) {
    nn_problem(sprintf("some rows are drawn far more often than others (counts %s): every row should be equally likely.", nn_show(counts)))
  }
  pairs <- unlist(nn_calls(draw_batch, rep(list(list(6, 2)), 3000), function(v) { r <- sort(nn_rows(v, "a batch of 2", 6, 2)); (r[1] - 1) * 6 + r[2] }))
  seen <- tabulate(pairs, 36)[c(outer(1:6, 1:6, function(i, j) ifelse(i < j, (i - 1) * 6 + j, NA)))]
  seen <- seen[!is.na(seen)]
  if (max(abs(seen - 200)) > 5 * sqrt(200)) {
    nn_problem(sprintf("some pairs of rows never or rarely come together (pair counts %s, each expected near 200): draw a random subset, not a block or a stride.", nn_show(seen)))
  }
  tryCatch(nn_rows(nn_call(draw_batch, 1e12, 20), "for n = 1e12", 1e12, 20), nncourse_problem = function(p) {
    nn_problem(sprintf("with n = 1e12 rows: %s A draw that costs O(N) builds or shuffles all N rows; draw only the batch (sample.int(n, size) does).", conditionMessage(p)))
  })
  "distinct, uniform, repeatable, and instant even for 1e12 rows: O(batch size)."
})

# ---------------------------------------------------------------- exercise 6: completing the MLP

nn_weights <- function(value) {
  if (!is.list(value) || !all(c("W1", "b1", "w2", "b2") %in% names(value))) {
    nn_problem(sprintf("expected list(W1 = , b1 = , w2 = , b2 = ), got %s%s", class(value)[1],
                       if (is.list(value)) sprintf(" with names %s", paste(deparse(names(value)), collapse = "")) else ""))
  }
  list(W1 = nn_numbers(value$W1, "W1", c(2, 2)), b1 = as.vector(nn_numbers(value$b1, "b1", 2)),
       w2 = as.vector(nn_numbers(value$w2, "w2", 2)), b2 = as.vector(nn_numbers(value$b2, "b2", 1)))
}

nn_flat <- function(w) c(w$W1, w$b1, w$w2, w$b2)

check_exercise_6 <- function(train_step) nn_check("6", function() {
  ex <- nncourse_cases$ex6
  for (case in ex$cases) {
    got <- nn_weights(nn_call(train_step, case$start, case$X, case$y, case$lr))
    nn_diagnose(nn_flat(got), nn_flat(case$expected), lapply(case$variants, nn_flat), list(
      cut = "w2 and b2 did not change: that is the slide's cut-off listing. Add w2 <- w2 - lr * gradient_w2 and b2 <- b2 - lr * gradient_b2.",
      strict = "the ReLU derivative at exactly 0: the slides use (z1 >= 0), which counts 0 as active.",
      recycled = "b1 went down the columns: X %*% W1 + b1 recycles b1 over the rows. Add it to every row: sweep(X %*% W1, 2, b1, \"+\") or X %*% W1 + rep(b1, each = nrow(X))."),
      "one step gives other weights than the slide's loop: compare your gradients with the slide's line by line.", rtol = 1e-9)
  }
  steps <- lapply(seq_len(nrow(ex$xor$batches)), function(i) { rows <- ex$xor$batches[i, ]; list(ex$xor$X[rows, , drop = FALSE], ex$xor$y[rows], 0.1) })
  weights <- nn_chain(train_step, ex$xor$start, steps, nn_weights)
  hidden <- pmax(sweep(ex$xor$X %*% weights$W1, 2, weights$b1, "+"), 0)
  learned <- drop(1 / (1 + exp(-(hidden %*% weights$w2 + weights$b2))))
  if (!all(round(learned) == ex$xor$y)) {
    nn_problem(sprintf("your step trains, but the network did not learn XOR: outputs %s.", nn_show(learned, 3)))
  }
  sprintf("one step is the slide's, output layer included; %d of them learn XOR: %s.", nrow(ex$xor$batches), nn_show(learned, 3))
})

# ---------------------------------------------------------------- exercise 7: logistic regression by GD

check_exercise_7 <- function(logistic_gd) nn_check("7", function() {
  ex <- nncourse_cases$ex7
  reference <- unname(coef(glm(ex$y ~ ex$X, family = binomial)))
  got <- nn_numbers(nn_call(logistic_gd, ex$X, ex$y, ex$lr, ex$epochs), "the coefficients")
  if (length(got) == ncol(ex$X)) nn_problem("two coefficients for two inputs: the intercept is missing. Put a column of ones first.")
  got <- nn_numbers(got, "the coefficients", ncol(ex$X) + 1)
  if (max(abs(got - reference)) > 1e-3) {
    nn_diagnose(got, reference, list(squared = ex$squared, sign = -reference), list(
      squared = "that minimises the squared error of sigmoid(X b): the log-loss gradient is t(X) %*% (sigmoid(X b) - y) / N.",
      sign = "sign error: with the log-loss gradient t(X) %*% (p - y) / N, step b - lr * gradient."),
      sprintf("expected the maximum-likelihood estimates %s (what glm finds), got %s.", nn_show(reference), nn_show(got)), rtol = 0, atol = 5e-2)
  }
  early <- nn_numbers(nn_call(logistic_gd, ex$X, ex$y, ex$lr, 3), "after 3 epochs", ncol(ex$X) + 1)
  if (max(abs(early - got)) < 1e-6) {
    nn_problem("3 epochs give the same answer as the full run: that is a finished fit (glm?), not gradient descent. Take `epochs` steps of b - lr * gradient from zeros.")
  }
  if (max(abs(early - ex$path3)) > 1e-6) {
    nn_problem(sprintf("after 3 epochs from zeros, gradient descent is at %s, yours at %s: start from zeros and take exactly `epochs` steps.",
                       nn_show(ex$path3, 6), nn_show(early, 6)))
  }
  sprintf("your estimates %s agree with glm's maximum-likelihood fit %s to 1e-3.", nn_show(got), nn_show(reference))
})

# ---------------------------------------------------------------- exercise 8: the AND boundary

check_exercise_8 <- function(margin) nn_check("8", function() {
  for (case in nncourse_cases$ex8) {
    value <- nn_numbers(nn_call(margin, case$params, case$x), "the margin")
    if (length(value) != 1) nn_problem(sprintf("the margin: expected one number, got %d values", length(value)))
    nn_diagnose(value, case$expected, case$variants, list(
      no_bias = "that leaves out the bias: add params[length(params)].",
      step = "that is step_fn(margin): return the margin itself, w . x + b.",
      minus = "the bias is subtracted: the margin is w . x + b, with b = params[length(params)] added."),
      sprintf("expected %.6g for params %s and x %s, got %.6g.", case$expected, nn_show(case$params, 3), nn_show(case$x, 3), value))
  }
  "at (1, 0) the printed parameters give a margin of exactly 0, and step_fn(0) = 1: the rounded model says 1 AND 0 = 1."
})

# ---------------------------------------------------------------- running a box

# Run one box of the tutorial as the page and webR in Node do, in one R: the student's
# `code` in a fresh environment (visible values printed, as at the console), then, when
# `mode` is "check", the box's `call`. Returns c(status, message): status "ran", "error",
# "passed" or "failed". `limit`: seconds the code itself may run (Inf: until Stop).
nncourse_run_box <- function(code, mode, call, limit = Inf) {
  env <- new.env(parent = globalenv())
  assign("q", nn_guard()$q, envir = env); assign("quit", nn_guard()$quit, envir = env)
  said <- tryCatch({
    setTimeLimit(elapsed = limit, transient = TRUE)
    for (e in parse(text = code)) { r <- withVisible(eval(e, env)); if (r$visible) print(r$value) }
    setTimeLimit(elapsed = Inf)
    NULL
  }, error = function(e) {
    setTimeLimit(elapsed = Inf)
    if (grepl("elapsed time limit", conditionMessage(e), fixed = TRUE)) sprintf("it ran past %g s: is there a loop that never ends?", limit) else conditionMessage(e)
  })
  if (!is.null(said)) return(c("error", nn_one_line(said)))
  if (mode != "check") return(c("ran", ""))
  v <- tryCatch(eval(parse(text = call), env), error = function(e) list(passed = FALSE, message = conditionMessage(e)))
  c(if (isTRUE(v$passed)) "passed" else "failed", nn_one_line(v$message))
}
