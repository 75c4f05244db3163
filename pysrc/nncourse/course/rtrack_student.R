# The student's side of graded R boxes (nncourse.course.rpair): a fresh R, in a sandbox of
# its own, that holds the student's code and nothing of the check (no cases, no expected
# values). It reads framed requests on stdin (a 4-byte big-endian length, then the bytes):
# the lecture's helpers and data (R source) and a marker; then, box after box, the box's
# code. Each box runs in a fork of this R (parallel::mcparallel): a fresh copy of the R that
# ran the helpers, so that nothing a box does (q(), a crash, what it assigns or attaches)
# reaches the next. The fork answers on stdout, one line each, after the marker: "ready" or
# "error HEX"; then, until the frame "end", a request id and a serialized list(op = "get"
# or "call", name, args, seed: the generator's state the check set, or NULL), answered by
# the id and "missing", "function", "quit", "error HEX", "ok TOKENS" (the value as plain
# data, see encode); op "calls" (args: a list of argument lists) makes the calls in turn,
# a line each up to the first that fails, then says the id and "end"; op "chain" (args: a
# first value, a list of argument lists and a feed function) makes the calls in turn, each
# given the value before it as the checker reads it, through feed, and says the id, "made N"
# and the reply of the last call it made. When the fork has ended, this R says "idle" and
# reads the next box.
# Everything the student's code prints goes to a null file.
local({
  input <- file("stdin", "rb")
  frame <- function() {
    n <- readBin(input, "integer", 1L, size = 4L, endian = "big")
    if (!length(n)) base::quit(save = "no", status = 0)
    if (n == 0L) raw(0) else readBin(input, "raw", n)
  }
  text <- function(bytes) { s <- rawToChar(bytes); Encoding(s) <- "UTF-8"; s }
  hex <- function(s) vapply(s, function(one) {
    if (is.na(one)) "NA" else paste0("x", paste(as.character(charToRaw(enc2utf8(one))), collapse = ""))
  }, "", USE.NAMES = FALSE)
  TAGS <- c(double = "d", integer = "i", logical = "l", character = "s")
  # A value as tokens: N (NULL); d, i, l, s (a vector: length, dim, names, values); L (a list:
  # length, names, items); F (a data frame, as L); X HEX (anything else, by its class).
  encode <- function(x, depth = 0) {
    if (depth > 20) return(c("X", hex("list nested more than 20 deep")))
    if (is.null(attributes(x)) && (type <- typeof(x)) %in% c("double", "integer", "logical")) return(c(TAGS[[type]], length(x), "0", "0", values(x)))  # the usual value
    named <- function(n) if (is.null(n)) "0" else c(length(n), hex(n))
    if (is.null(x)) return("N")
    if (is.list(x) && !is.object(x) || is.data.frame(x)) {
      return(c(if (is.data.frame(x)) "F" else "L", length(x), named(names(x)), unlist(lapply(unclass(x), encode, depth + 1))))
    }
    if (!is.atomic(x) || is.factor(x) || !typeof(x) %in% names(TAGS)) return(c("X", hex(class(x)[1])))
    c(TAGS[[typeof(x)]], length(x), if (is.null(dim(x))) "0" else c(length(dim(x)), dim(x)), named(names(x)), values(as.vector(x)))
  }
  values <- function(x) switch(typeof(x), double = sprintf("%a", x), integer = as.character(x), logical = ifelse(is.na(x), "NA", ifelse(x, "T", "F")), character = hex(x))
  quiet <- file(nullfile(), "w")
  sink(quiet)
  say <- function(...) {
    while (sink.number() > 0) sink()
    cat(marker, " ", ..., "\n", sep = "")
    flush(stdout())
    sink(quiet)
  }
  setup <- text(frame()); marker <- text(frame())
  eval(parse(text = setup), globalenv())
  quitting <- function(...) stop(structure(class = c("nncourse_quit", "error", "condition"), list(message = "q()", call = NULL)))
  attach(list(q = quitting, quit = quitting), name = "nncourse_guard", warn.conflicts = FALSE)
  box <- function(code) {
    env <- new.env(parent = globalenv())
    assign("q", quitting, envir = env); assign("quit", quitting, envir = env)
    said <- tryCatch({
      for (e in parse(text = code)) { r <- withVisible(eval(e, env)); if (r$visible) print(r$value) }
      NULL
    }, nncourse_quit = function(e) "your code called q(): return a value instead of quitting R.", error = function(e) conditionMessage(e))
    if (is.null(said)) say("ready") else { say("error ", hex(said)); return(NULL) }
    repeat {
      id <- text(frame())
      if (identical(id, "end")) return(NULL)
      request <- unserialize(frame())  # from the checker, through the grader: trusted
      found <- get0(request$name, envir = env)
      if (is.null(found) && !exists(request$name, envir = env)) { say(id, " missing"); next }
      if (request$op == "get") {
        if (is.function(found)) say(id, " function") else say(id, " ok ", paste(encode(found), collapse = " "))
        next
      }
      if (!is.null(request$seed)) assign(".Random.seed", request$seed, envir = globalenv())
      if (request$op == "call") { say(id, " ", reply(found, request$args)); next }
      if (request$op == "chain") { say(id, " ", chain(found, request$args)); next }
      for (args in request$args) {  # "calls": one line per call, up to the first that fails
        said <- reply(found, args)
        say(id, " ", said)
        if (!startsWith(said, "ok ")) break
      }
      say(id, " end")
    }
  }
  reply <- function(f, args) told(called(f, args))
  called <- function(f, args) tryCatch(list(value = do.call(f, args)), nncourse_quit = function(e) "quit", error = function(e) conditionMessage(e))
  told <- function(answer) {
    if (identical(answer, "quit")) return("quit")
    if (is.character(answer)) return(paste0("error ", hex(answer)))
    paste("ok", paste(encode(answer$value), collapse = " "))
  }
  # The calls of a chain up to the first that fails or whose value, as the checker reads it,
  # feed refuses (or the last): "made N" and that call's reply.
  chain <- function(f, request) {
    value <- request$value
    for (i in seq_along(request$arguments)) {
      answer <- called(f, c(list(value), request$arguments[[i]]))
      if (!is.list(answer) || i == length(request$arguments)) break
      fed <- tryCatch(list(request$feed(as_read(answer$value))), error = function(e) NULL)
      if (is.null(fed)) break
      value <- fed[[1]]
    }
    paste("made", i, told(answer))
  }
  # A value as the checker's decode of its tokens gives it (encode's plain data: types, dim,
  # names, data frames' columns; nothing else), or an error where the checker's would fail.
  as_read <- function(x, depth = 0) {
    if (depth > 20) stop("nested more than 20 deep")
    if (is.null(x)) return(NULL)
    keys <- if (length(names(x))) enc2utf8(names(x))
    if (is.list(x) && !is.object(x) || is.data.frame(x)) {
      items <- lapply(unclass(x), as_read, depth + 1)
      names(items) <- keys
      if (!is.data.frame(x)) return(items)
      rows <- unique(vapply(items, NROW, 0L))
      if (length(rows) > 1 || !all(vapply(items, is.atomic, TRUE))) stop("a data frame with columns of different lengths")
      return(structure(items, class = "data.frame", row.names = .set_row_names(if (length(rows)) rows else 0L)))
    }
    if (!is.atomic(x) || is.factor(x) || !typeof(x) %in% c("double", "integer", "logical", "character")) stop("not plain data")
    value <- as.vector(x)
    if (is.character(value)) value <- enc2utf8(value)
    if (!is.null(dim(x))) dim(value) <- dim(x)
    names(value) <- keys
    value
  }
  repeat {
    code <- text(frame())
    # the grader sends nothing more until the fork has said "ready", so the fork and this R
    # start with nothing read ahead; this R reads again only once the fork has ended
    suppressWarnings(parallel::mccollect(parallel::mcparallel(box(code)), wait = TRUE))
    tempdir(check = TRUE)  # a fork that called base::q() removed the session's temporary folder
    say("idle")
  }
})
