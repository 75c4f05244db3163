# How nncourse runs R code from Python (pysrc/nncourse/rbridge.py): expression by
# expression, as knitr does, keeping for each its source, what it printed, and its
# warnings; errors and warnings come back as values, so R never writes to the console.
#
# Run alone on a script to see its chunks: Rscript rsrc/evaluate.R rsrc/lecture_xor.R

nncourse_evaluate <- function(code, envir = new.env(parent = globalenv())) {
  exprs <- parse(text = code, keep.source = TRUE)
  srcrefs <- attr(exprs, "srcref")
  chunks <- list()
  for (k in seq_along(exprs)) {
    warnings <- character()
    error <- NA_character_
    output <- capture.output(
      withCallingHandlers(
        tryCatch({
          result <- withVisible(eval(exprs[[k]], envir))
          if (result$visible) print(result$value)
        }, error = function(e) error <<- conditionMessage(e)),
        warning = function(w) {
          warnings <<- c(warnings, conditionMessage(w))
          invokeRestart("muffleWarning")
        }
      )
    )
    chunks[[k]] <- list(
      code = paste(as.character(srcrefs[[k]]), collapse = "\n"),
      output = paste(output, collapse = "\n"),
      warnings = warnings,
      error = error
    )
    if (!is.na(error)) break
  }
  chunks
}

nncourse_call <- function(f, args) {
  warnings <- character()
  error <- NA_character_
  value <- withCallingHandlers(
    tryCatch(do.call(f, args), error = function(e) {
      error <<- conditionMessage(e)
      NULL
    }),
    warning = function(w) {
      warnings <<- c(warnings, conditionMessage(w))
      invokeRestart("muffleWarning")
    }
  )
  list(value = value, warnings = warnings, error = error)
}

if (sys.nframe() == 0L) {
  for (path in commandArgs(trailingOnly = TRUE)) {
    for (chunk in nncourse_evaluate(readLines(path))) {
      cat(paste0("> ", strsplit(chunk$code, "\n")[[1]], collapse = "\n"), "\n", sep = "")
      if (nzchar(chunk$output)) cat(chunk$output, "\n", sep = "")
      for (w in chunk$warnings) cat("Warning: ", w, "\n", sep = "")
      if (!is.na(chunk$error)) cat("Error: ", chunk$error, "\n", sep = "")
    }
  }
}
