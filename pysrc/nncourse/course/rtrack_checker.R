# The checker's side of graded R boxes (nncourse.course.rpair): a fresh R that holds the
# checks and their cases and never evaluates the student's code. It reads framed text on
# stdin (a 4-byte big-endian length, then UTF-8): the checks' source and a marker; then, box
# after box, the box's call and the budget. Each name in the call is asked of the student's
# R through the grader ("MARKER get ID HEX" on stderr, HEX a serialized request); a function
# becomes a stand-in that sends its arguments over ("MARKER call ID HEX") and reads back the
# reply frame: the returned value as plain data (nn_decode), an error's message, "quit",
# "timeout" or "gone"; for many calls at once ("MARKER calls ID HEX") a frame of such replies,
# a line each, and a last line "end", "timeout" or "gone"; for a chain of calls, each fed the
# value before ("MARKER chain ID HEX"), "made N " and the last call's reply. The verdict:
# "MARKER done PASSED|FAILED HEX" on stderr.
local({
  input <- file("stdin", "rb")
  frame <- function() {
    n <- readBin(input, "integer", 1L, size = 4L, endian = "big")
    if (!length(n)) base::quit(save = "no", status = 0)  # the grader has no more boxes
    s <- if (n == 0L) "" else readChar(input, n, useBytes = TRUE)
    Encoding(s) <- "UTF-8"
    s
  }
  HEX <- sprintf("%02x", 0:255)
  hex <- function(bytes) paste(HEX[as.integer(bytes) + 1L], collapse = "")  # as.character(bytes), in a third of its time
  unhexed <- new.env(hash = TRUE, parent = emptyenv())  # short strings read before (names come with every value)
  unhex <- function(s) {
    if (identical(s, "NA")) return(NA_character_)
    if (nzchar(s) && !is.null(known <- unhexed[[s]])) return(known)
    if (!grepl("^x([0-9a-f]{2})*$", s)) stop("a string that is not hex")
    out <- if (s == "x") "" else rawToChar(as.raw(strtoi(substring(s, seq(2, nchar(s) - 1, by = 2), seq(3, nchar(s), by = 2)), 16L)))
    Encoding(out) <- "UTF-8"
    if (!validUTF8(out)) stop("a string that is not UTF-8")
    if (nchar(s) <= 128 && length(unhexed) < 10000) assign(s, out, envir = unhexed)
    out
  }
  # A vector of numbers or logicals from its tokens, or an error where a token is not of its type.
  plain <- function(tag, raw) {
    value <- switch(tag, d = suppressWarnings(as.numeric(raw)), i = suppressWarnings(as.integer(raw)), l = LOGICAL[raw])
    if (anyNA(value[!raw %in% c("NA", "NaN")])) stop("a value that is not of its type")
    unname(value)
  }
  LOGICAL <- c(T = TRUE, F = FALSE, "NA" = NA)
  # The student's value from its tokens (the student's side: rtrack_student.R's encode), as
  # plain data only: NULL, double, integer, logical, character vectors (dim, names), lists,
  # data frames. Nothing is evaluated; a token that does not fit stops the reading.
  decode <- function(tokens) {
    if (length(tokens) >= 4L && tokens[3L] == "0" && tokens[4L] == "0" && tokens[1L] %in% c("d", "i", "l") &&
        grepl("^[0-9]+$", tokens[2L]) && length(tokens) == 4L + as.numeric(tokens[2L])) {
      return(plain(tokens[1L], tokens[-(1:4)]))  # a vector without dim or names (the usual value), read at once
    }
    at <- 0L
    take <- function(n = 1L) {
      if (n > length(tokens) - at) stop("the value ends early")
      got <- tokens[at + seq_len(n)]; at <<- at + n; got
    }
    count <- function() {
      n <- suppressWarnings(as.integer(take()))
      if (is.na(n) || n < 0L) stop("a count that is not a whole number")
      n
    }
    strings <- function(raw) vapply(raw, unhex, "", USE.NAMES = FALSE)
    named <- function() { n <- count(); if (n == 0L) NULL else strings(take(n)) }
    read <- function(depth) {
      if (depth > 20) stop("nested more than 20 deep")
      tag <- take()
      if (tag == "N") return(NULL)
      if (tag == "X") nn_problem(sprintf("your function returned a %s: return plain data (numbers, logicals, lists of them)", unhex(take())))
      if (tag %in% c("L", "F")) {
        n <- count(); keys <- named()
        items <- lapply(seq_len(n), function(i) read(depth + 1))
        if (!is.null(keys) && length(keys) != n) stop("names of another length than the list")
        names(items) <- keys
        if (tag == "L") return(items)
        rows <- unique(vapply(items, NROW, 0L))
        if (length(rows) > 1 || !all(vapply(items, is.atomic, TRUE))) stop("a data frame with columns of different lengths")
        return(structure(items, class = "data.frame", row.names = .set_row_names(if (length(rows)) rows else 0L)))
      }
      if (!tag %in% c("d", "i", "l", "s")) stop(sprintf("an unknown tag %s", substr(tag, 1, 10)))
      n <- count(); dims <- suppressWarnings(as.integer(take(count()))); keys <- named(); raw <- take(n)
      value <- if (tag == "s") strings(raw) else plain(tag, raw)
      if (length(dims)) {
        if (anyNA(dims) || any(dims < 0L) || prod(dims) != n) stop("a dim that does not fit the length")
        dim(value) <- dims
      }
      if (!is.null(keys)) { if (length(keys) != n) stop("names of another length than the vector"); names(value) <- keys }
      value
    }
    value <- read(0)
    if (at != length(tokens)) stop("tokens left after the value")
    value
  }
  checks <- frame(); marker <- frame()
  eval(parse(text = checks, keep.source = FALSE), globalenv())
  said <- function(...) cat(paste0(marker, " ", ..., "\n"), file = stderr())  # one write: one line read by the grader
  asked <- 0L
  parted <- function(reply) list(kind = sub(" .*", "", reply), rest = sub("^[a-z]+ ?", "", reply))
  ask <- function(op, name, args = NULL, seed = NULL, lines = FALSE) {
    asked <<- asked + 1L
    said(op, " ", asked, " ", hex(serialize(list(op = op, name = name, args = args, seed = seed), NULL)))
    if (lines) frame() else parted(frame())
  }
  # The generator's state is the student's R's: a seed the check set (set.seed) goes over
  # with the next call and is then the student's, so draws go on from it there.
  seed <- function() {
    state <- get0(".Random.seed", envir = globalenv(), inherits = FALSE)
    if (!is.null(state)) rm(".Random.seed", envir = globalenv())
    state
  }
  answer <- function(reply) switch(reply$kind,
    ok = read_value(reply$rest),
    error = stop(simpleError(unhex(reply$rest))),
    quit = nn_problem("your code called q(): return a value instead of quitting R."),
    timeout = stop(simpleError("reached elapsed time limit (in your function)")),
    nn_problem("your function ended R (base::q() or a crash) before it returned: return a value instead of quitting R."))
  # The grader holds the student's time for many calls in one request (past it, its reply is
  # "timeout"): the check's own limit waits meanwhile, so that the values that came are checked,
  # in order, as one call at a time would be; then it runs on with the time left.
  resume <- function() setTimeLimit(elapsed = max(nncourse_budget - (proc.time()[["elapsed"]] - began), 0.001), transient = TRUE)
  # A check's `feed` (checks.R's nn_chain: nn_weights) for the student's R: it and the checks'
  # functions it calls, in an environment of their own under base (no case goes over).
  portable <- function(feed) {
    env <- new.env(parent = baseenv())
    wanted <- list(feed = feed)
    while (length(wanted)) {
      f <- wanted[[1]]
      environment(f) <- env
      assign(names(wanted)[1], f, envir = env)
      wanted <- wanted[-1]
      for (used in setdiff(all.names(body(f)), c(ls(env, all.names = TRUE), names(wanted)))) {
        found <- get0(used, envir = globalenv(), inherits = FALSE)
        if (is.function(found) && !is.primitive(found)) wanted[[used]] <- found
      }
    }
    env$feed
  }
  # The student's function as a stand-in; its "nncourse_calls" (checks.R's nn_calls) sends
  # many calls in one request and gives a function per reply, the stand-in's answer to it;
  # its "nncourse_chain" (nn_chain) sends a chain of calls, each fed the value before, and
  # gives how many calls were made and a function for the last reply.
  stand_in <- function(name) {
    force(name)
    f <- function(...) answer(ask("call", name, list(...), seed()))
    attr(f, "nncourse_calls") <- function(arguments) {
      setTimeLimit(elapsed = Inf)
      replies <- lapply(strsplit(ask("calls", name, arguments, seed(), lines = TRUE), "\n", fixed = TRUE)[[1]], parted)
      last <- replies[[length(replies)]]$kind  # "end", or the grader's "timeout" or "gone"
      if (last != "timeout") resume()
      replies <- head(replies, -1)[seq_len(min(length(replies) - 1, length(arguments)))]
      ended <- length(replies) && !identical(replies[[length(replies)]]$kind, "ok")
      if (!ended && length(replies) < length(arguments)) replies <- c(replies, list(list(kind = if (last == "timeout") last else "gone")))
      lapply(replies, function(reply) function() answer(reply))
    }
    attr(f, "nncourse_chain") <- function(value, arguments, feed) {
      setTimeLimit(elapsed = Inf)
      reply <- ask("chain", name, list(value = value, arguments = arguments, feed = portable(feed)), seed())
      if (reply$kind != "timeout") resume()
      made <- 1L  # the grader's "timeout" or "gone": the first call's reply
      if (reply$kind == "made") {  # "made N REPLY": N calls made (at least one, at most all), REPLY the last one's
        made <- suppressWarnings(as.integer(sub(" .*", "", reply$rest)))
        made <- if (is.na(made)) 1L else min(max(made, 1L), length(arguments))
        reply <- parted(sub("^[^ ]* ?", "", reply$rest))
      }
      list(made = made, reply = function() answer(reply))
    }
    f
  }
  read_value <- function(line) tryCatch(decode(strsplit(line, " ", fixed = TRUE)[[1]]), error = function(e) {  # one handler (R nests them)
    if (inherits(e, "nncourse_problem")) stop(e)
    nn_problem(sprintf("your function's value could not be read as plain data (%s)", conditionMessage(e)))
  })
  bind <- function(call) {
    env <- new.env(parent = globalenv())
    for (name in all.vars(call)) {
      reply <- ask("get", name)
      value <- switch(reply$kind, missing = stop(simpleError(sprintf("object '%s' not found", name))),
                      "function" = stand_in(name), ok = read_value(reply$rest), nn_problem("R ended before the check began"))
      assign(name, value, envir = env)
    }
    env
  }
  repeat {
    call <- str2lang(frame()); assign("nncourse_budget", as.numeric(frame()), envir = globalenv()); began <- proc.time()[["elapsed"]]
    v <- tryCatch({
      env <- bind(call)
      invisible(capture.output(v <- eval(call, env)))
      v
    }, nncourse_problem = function(p) list(passed = FALSE, message = conditionMessage(p)),
       error = function(e) list(passed = FALSE, message = conditionMessage(e)))
    said("done ", if (isTRUE(v$passed)) "PASSED" else "FAILED", " ", hex(charToRaw(enc2utf8(nn_one_line(v$message)))))
  }
})
