# Reference numbers for tests/test_logistic.py, taken from R's glm.
# Run: Rscript tests/results/glm_reference.R > tests/results/results_glm.py
# Prints a Python module; its header names the R version that made it.
fit_values <- function(name, data) {
  fit <- suppressWarnings(glm(Y ~ X1 + X2, data = data, family = binomial(link = "logit")))
  s <- summary(fit)
  warned <- tryCatch({glm(Y ~ X1 + X2, data = data, family = binomial); ""},
                     warning = function(w) conditionMessage(w))
  num <- function(x) paste0("[", paste(sprintf("%.17g", x), collapse = ", "), "]")
  cat(sprintf("\n%s = dict(\n", name))
  cat(sprintf("    coef=%s,\n", num(coef(fit))))
  cat(sprintf("    se=%s,\n", num(s$coefficients[, 2])))
  cat(sprintf("    fitted=%s,\n", num(fitted(fit))))
  cat(sprintf("    deviance=%.17g,\n    null_deviance=%.17g,\n    aic=%.17g,\n", deviance(fit), fit$null.deviance, AIC(fit)))
  cat(sprintf("    iterations=%d,\n    converged=%s,\n", fit$iter, if (fit$converged) "True" else "False"))
  cat(sprintf("    warning=%s,\n)\n", if (nzchar(warned)) sprintf('"%s"', warned) else "None"))
}
cat('"""Numbers taken from R\'s glm(Y ~ X1 + X2, family = binomial(link = "logit")).\n\n')
cat(sprintf("Made by tests/results/glm_reference.R under %s on %s.\n", R.version.string, R.version$platform))
cat('Do not edit: run the script again.\n"""\n')
X1 <- c(0, 0, 1, 1); X2 <- c(0, 1, 0, 1)
fit_values("AND", data.frame(X1 = X1, X2 = X2, Y = c(0, 0, 0, 1)))
fit_values("XOR", data.frame(X1 = X1, X2 = X2, Y = c(0, 1, 1, 0)))
# Not separable, not symmetric: six points where the fit has to work.
fit_values("OVERLAP", data.frame(X1 = c(0, 0, 1, 1, 2, 2, 3), X2 = c(1, 0, 1, 0, 1, 0, 1), Y = c(0, 1, 0, 1, 1, 0, 1)))
