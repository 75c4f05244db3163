# How nncourse runs R code from Python (pysrc/nncourse/rbridge.py): expression by
# expression, as knitr does, keeping for each its source, what it printed, its
# messages and warnings; errors and warnings come back as values, so R never writes to
# the console.
#
# Run alone on a script to see its chunks: Rscript rsrc/evaluate.R rsrc/lecture_xor.R

# Output goes to a file, not a textConnection: appending to a textConnection copies
# what it holds, so a million printed lines would take hours; a file takes seconds.
nncourse_capture <- function(run) {
  path <- tempfile("nncourse-output-")
  con <- file(path, open = "wt", encoding = "UTF-8")
  sink(con)
  depth <- sink.number()
  on.exit({
    while (sink.number() >= depth) sink()
    close(con)
    unlink(path)
  })
  run()
  while (sink.number() >= depth) sink()
  flush(con)
  paste(readLines(path, encoding = "UTF-8", warn = FALSE), collapse = "\n")
}

# The source of one parsed expression. as.character(srcref) cuts by the srcref's byte
# fields, which R (4.2) miscounts after a non-ASCII character; its column fields are
# right, counted as R's parser counts them: one per character, tabs to the next multiple
# of 8. So the columns are mapped back to characters.
nncourse_columns <- function(line) {
  chars <- strsplit(line, "", fixed = TRUE)[[1]]
  cols <- integer(length(chars))
  col <- 0L
  for (i in seq_along(chars)) {
    col <- col + 1L
    if (chars[i] == "\t") col <- bitwAnd(col + 7L, bitwNot(7L))
    cols[i] <- col
  }
  cols
}

nncourse_source_of <- function(lines, ref) {
  text <- lines[ref[1]:ref[3]]
  n <- length(text)
  text[n] <- substr(text[n], 1L, match(ref[6], nncourse_columns(text[n])))
  text[1] <- substr(text[1], match(ref[5], nncourse_columns(text[1])), nchar(text[1]))
  paste(text, collapse = "\n")
}

nncourse_evaluate <- function(code, envir = new.env(parent = globalenv())) {
  code <- enc2utf8(paste(code, collapse = "\n"))
  lines <- strsplit(code, "\n", fixed = TRUE)[[1]]
  exprs <- tryCatch(parse(text = code, keep.source = TRUE, encoding = "UTF-8"), error = function(e) e)
  if (inherits(exprs, "error")) {
    return(list(list(code = code, output = "", messages = character(), warnings = character(),
                     error = paste("syntax error:", conditionMessage(exprs)))))
  }
  srcrefs <- attr(exprs, "srcref")
  chunks <- list()
  for (k in seq_along(exprs)) {
    warnings <- character()
    messages <- character()
    error <- NA_character_
    output <- nncourse_capture(function() {
      withCallingHandlers(
        tryCatch({
          result <- withVisible(eval(exprs[[k]], envir))
          if (result$visible) print(result$value)
        }, error = function(e) error <<- conditionMessage(e)),
        warning = function(w) {
          warnings <<- c(warnings, conditionMessage(w))
          invokeRestart("muffleWarning")
        },
        message = function(m) {
          messages <<- c(messages, sub("\n$", "", conditionMessage(m)))
          invokeRestart("muffleMessage")
        }
      )
    })
    chunks[[k]] <- list(
      code = nncourse_source_of(lines, as.integer(srcrefs[[k]])),
      output = output,
      messages = messages,
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
    for (chunk in nncourse_evaluate(readLines(path, encoding = "UTF-8"))) {
      cat(paste0("> ", strsplit(chunk$code, "\n")[[1]], collapse = "\n"), "\n", sep = "")
      if (nzchar(chunk$output)) cat(chunk$output, "\n", sep = "")
      for (m in chunk$messages) cat(m, "\n", sep = "")
      for (w in chunk$warnings) cat("Warning: ", w, "\n", sep = "")
      if (!is.na(chunk$error)) cat("Error: ", chunk$error, "\n", sep = "")
    }
  }
}
