# Values out of R as JSON text, exactly: how the webR engine (R 4.6 in Node.js) hands R's
# results to Python; the rpy2 engine converts in memory instead. Doubles travel as C99
# hexadecimal (sprintf("%a")), so no digit is lost; NA, NaN and infinities by name.
# Values into R come the other way as R source text (nncourse.r.values writes it).
#
#   NULL         {"kind": "null"}
#   data.frame   {"kind": "frame", "names": [...], "columns": [vector, ...]}
#   list         {"kind": "list", "names": [...] or null, "items": [value, ...]}
#   vector       {"kind": "vector", "type": "double", "dim": [...] or null, "names": ..., "values": [...]}

nncourse_json_strings <- function(x) {
  out <- ifelse(is.na(x), "null", encodeString(enc2utf8(as.character(x)), quote = '"'))
  paste0("[", paste(out, collapse = ","), "]")
}

nncourse_json_values <- function(x) {
  type <- typeof(x)
  if (type == "double") {
    out <- sprintf("\"%a\"", x)
    out[is.nan(x)] <- "\"NaN\""
    out[is.na(x) & !is.nan(x)] <- "\"NA\""
    out[is.infinite(x)] <- ifelse(x[is.infinite(x)] > 0, "\"Inf\"", "\"-Inf\"")
  } else if (type == "integer") {
    out <- ifelse(is.na(x), "null", as.character(x))
  } else if (type == "logical") {
    out <- ifelse(is.na(x), "null", ifelse(x, "true", "false"))
  } else {
    return(nncourse_json_strings(x))
  }
  paste0("[", paste(out, collapse = ","), "]")
}

nncourse_json <- function(x) {
  names_of <- function(v) if (is.null(names(v))) "null" else nncourse_json_strings(names(v))
  if (is.null(x)) return('{"kind":"null"}')
  if (is.data.frame(x)) {
    columns <- vapply(x, function(column) nncourse_json(if (is.factor(column)) as.character(column) else column), "")
    return(paste0('{"kind":"frame","names":', nncourse_json_strings(names(x)), ',"columns":[', paste(columns, collapse = ","), "]}"))
  }
  if (is.list(x)) {
    items <- vapply(x, nncourse_json, "")
    return(paste0('{"kind":"list","names":', names_of(x), ',"items":[', paste(items, collapse = ","), "]}"))
  }
  if (is.factor(x)) x <- as.character(x)
  if (!is.atomic(x)) stop("nncourse_json: cannot send an object of type ", typeof(x), " to Python")
  dims <- if (is.null(dim(x))) "null" else paste0("[", paste(dim(x), collapse = ","), "]")
  paste0('{"kind":"vector","type":"', typeof(x), '","dim":', dims, ',"names":', names_of(x), ',"values":', nncourse_json_values(as.vector(x)), "}")
}
