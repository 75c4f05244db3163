# How nncourse runs R code from Python (pysrc/nncourse/rbridge.py): expression by
# expression, as knitr does, keeping for each its source, what it printed, its
# messages and warnings; errors and warnings come back as values, so R never writes to
# the console.
#
# Run alone on a script to see its chunks: Rscript rsrc/evaluate.R rsrc/lecture_xor.R

# Output goes to a file, not a textConnection: appending to a textConnection copies
# what it holds, so a million printed lines would take hours; a file takes seconds.
# R's bytes come back as they were printed: in a UTF-8 locale they go to the file
# unconverted (a connection converting to UTF-8 drops a line with invalid bytes whole),
# and bytes that are not UTF-8 are read back as U+FFFD, one per byte.
nncourse_capture <- function(run) {
  path <- tempfile("nncourse-output-")
  con <- file(path, open = "wt", encoding = if (isTRUE(l10n_info()$`UTF-8`)) "native.enc" else "UTF-8")
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
  lines <- readLines(path, encoding = "UTF-8", warn = FALSE)
  paste(iconv(lines, "UTF-8", "UTF-8", sub = "\uFFFD"), collapse = "\n")
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

# What R code can change beyond its own environment: options(), bindings in baseenv()
# (rebinding `sum` there changes it for every caller) and in globalenv() (`<<-`,
# set.seed()'s .Random.seed). Each environment keeps its own: code run in an environment
# sees the state R started with plus what earlier code in that environment changed, and
# after it R is put back as it started, so a new environment is fresh. (What no
# environment can hold stays shared by the session: attached packages, loaded
# namespaces, Sys.setenv(), setwd(), files.)
nncourse_unshared <- function(names) names[!grepl("^(nncourse_|\\.Last\\.value$|\\.Options$|\\.Traceback$)", names)]

nncourse_state_now <- function() {
  global <- as.list(globalenv(), all.names = TRUE)  # small: webR's worker keeps its nncourse_ state there
  base <- as.list(baseenv(), all.names = TRUE)
  base[[".Last.value"]] <- NULL  # R's own, changed by every top-level call
  list(options = options(), base = base, global = global[nncourse_unshared(names(global))])
}

# How `now` differs from `from`, per part: the values changed or added, the names removed,
# and (`locked`) whether each changed binding of base is locked in `now`.
nncourse_changes <- function(from, now) {
  lapply(c(options = "options", base = "base", global = "global"), function(part) {
    a <- from[[part]]
    b <- now[[part]]
    if (identical(a, b)) return(list(set = list(), removed = character()))  # the usual case, at C speed
    if (part == "base") {
      a <- a[nncourse_unshared(names(a))]
      b <- b[nncourse_unshared(names(b))]
    }
    at <- match(names(b), names(a))
    same <- vapply(seq_along(b), function(i) !is.na(at[i]) && identical(a[[at[i]]], b[[i]]), TRUE)
    set <- b[!same]
    list(set = set, removed = setdiff(names(a), names(b)),
         locked = if (part == "base") vapply(names(set), function(n) isTRUE(now$locked[n]) || (is.null(now$locked) && bindingIsLocked(n, baseenv())), TRUE))
  })
}

nncourse_apply <- function(changes) {
  for (n in changes$options$removed) try(options(setNames(list(NULL), n)), silent = TRUE)  # some cannot go
  for (n in names(changes$options$set)) try(options(changes$options$set[n]), silent = TRUE)
  for (part in c("base", "global")) {
    where <- if (part == "base") baseenv() else globalenv()
    for (n in names(changes[[part]]$set)) nncourse_rebind(n, changes[[part]]$set[[n]], where, isTRUE(changes[[part]]$locked[n]))
    for (n in changes[[part]]$removed) try(rm(list = n, envir = where), silent = TRUE)
  }
}

# Bind `name` in `where` even where R locks it (base's bindings are), then lock it or not.
nncourse_rebind <- function(name, value, where, lock) {
  if (exists(name, envir = where, inherits = FALSE) && bindingIsLocked(name, where)) unlockBinding(name, where)
  assign(name, value, envir = where)
  if (lock) lockBinding(name, where)
}

# The state every environment starts from, with which of base's bindings R locks; taken
# once everything nncourse sources is in place.
nncourse_start_state <- NULL
nncourse_keep_start <- function() {
  start <- nncourse_state_now()
  start$locked <- vapply(names(start$base), bindingIsLocked, TRUE, env = baseenv())
  nncourse_start_state <<- start
}

# Run `run()` with `envir`'s own state in place, keep what it changed with `envir`, and
# put R back as it started.
nncourse_in_own_state <- function(envir, run) {
  start <- nncourse_start_state
  if (is.null(start)) return(run())
  own <- attr(envir, "nncourse_state")
  if (!is.null(own)) nncourse_apply(own)
  on.exit({
    now <- nncourse_state_now()
    attr(envir, "nncourse_state") <- nncourse_changes(start, now)
    nncourse_apply(nncourse_changes(now, start))
  })
  run()
}

nncourse_evaluate <- function(code, envir = new.env(parent = globalenv())) {
  nncourse_in_own_state(envir, function() nncourse_evaluate_here(code, envir))
}

nncourse_evaluate_here <- function(code, envir) {
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

nncourse_call <- function(f, args, envir = environment(f)) {
  nncourse_in_own_state(envir, function() nncourse_call_here(f, args))
}

nncourse_call_here <- function(f, args) {
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
