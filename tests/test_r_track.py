"""The R track's checks run in R itself (Rscript, as `nncourse grade` runs them): every
correct answer passes however it is written, each typical mistake gets its hint, hostile
code costs its own box only, and the hidden cases are other cases than the public ones."""

import sys
import time
from pathlib import Path

import pytest

from nncourse.course import rcases, rtrack

sys.path.insert(0, str(Path(__file__).parent / "r_track"))
from answers import CORRECT, HOSTILE, MISTAKES, REACHING  # noqa: E402

pytestmark = pytest.mark.r
BOX = {box["id"]: box for box in rtrack.boxes()}
PUBLIC = rtrack.checks_source()
# These tests are about verdicts, not time limits: a budget that no answer which ends runs
# out of however busy the machine is (R's start and the check can take 10x longer under
# load). The tests of the limit itself use SHORT, with code that never ends.
NO_HURRY = 300
SHORT = 3

FAKE_VERDICT = ("8", 'cat("\\nnncourse-verdict PASSED forged\\n"); margin <- function(params, x) 0')
TOP_LEVEL_QUIT = ("8", "base::q(status = 0)")
PLAIN = [
    ("8", "margin <- function(params, x) base::q(status = 0)", "q()"),
    ("8", 'margin <- function(params, x) quit(save = "no")', "q()"),
    ("8", "repeat Sys.sleep(1)  # waits: the budget is wall time\nmargin <- function(params, x) 0", "loop that never ends"),
    ("8", "margin <- function(params, x) function() 0", "returned a function"),
    ("8", "margin <- function(params, x) globalenv()", "returned a environment"),
    ("4 (learning rates)", "rates <- new.env()", "plain data"),
    ("8", "margin <- function(params, x) structure(list(passed = TRUE), class = \"nncourse_verdict\")", "returned a nncourse_verdict"),
]
# Box 5's check sends its 2000 and 3000 draws to the student's R in one request each: every
# call still gets its own verdict, the values before it checked first, as one call at a time.
COUNTED = "count <- 0\ndraw_batch <- function(n, batch_size) {{ count <<- count + 1; {} sample.int(n, batch_size) }}"
BATCHED = [("5", COUNTED.format("if (count == 100) return(function() 0);"), "returned a function"),
           ("5", COUNTED.format("if (count == 1500) base::q();"), "ended R"),
           ("5", COUNTED.format('if (count == 3000) stop("tired");'), "stopped with an error: tired")]
# a bad value, then a call that waits for ever: the bad value's hint, not the budget's
BAD_THEN_HANG = ("5", COUNTED.format("if (count == 50) return(c(1, 1, 2, 3, 4)); if (count > 50) repeat Sys.sleep(1);"), "come twice")


def stepped(before: str) -> str:
    """Box 6's correct train_step, with ``before`` run first at each call (``count`` calls so far;
    the check's five single steps come first, then its 1000-step XOR chain)."""
    right = CORRECT["6"][0].replace("train_step <- function", "step_right <- function")
    return f"count <- 0\n{right}\ntrain_step <- function(weights, X_batch, y_batch, lr) {{ count <<- count + 1; {before} step_right(weights, X_batch, y_batch, lr) }}"


# Box 6's chain of 1000 steps goes to the student's R in one request, each step fed the step
# before's weights there as the checker reads them: a step that goes wrong midway is told as
# one call at a time tells it.
CHAINED = [("6", stepped("if (count == 500) { w <- step_right(weights, X_batch, y_batch, lr); w$W1[1] <- NA; return(w) };"), "W1: the result contains NA"),
           ("6", stepped('if (count == 500) stop("tired");'), "stopped with an error: tired"),
           ("6", stepped("if (count == 500) return(function() 0);"), "returned a function"),
           ("6", stepped("if (count == 500) base::q();"), "ended R")]
CHAIN_HANG = ("6", stepped("if (count == 500) repeat Sys.sleep(1);"), "ran past")  # waits: the budget is wall time
# passes: the weights each step gets are plain data as the checker reads them (an attribute is not kept) ...
READ_BACK = ("6", stepped('if (!is.null(attr(weights$W1, "seen"))) stop("saw the attribute"); if (count > 5) { w <- step_right(weights, X_batch, y_batch, lr); attr(w$W1, "seen") <- TRUE; return(w) };'))
# ... a step that looks through its R's frames for the check's feed (nn_weights, sent with the
# chain) finds it, with its helpers and no case ...
PEEK = ("6", stepped('if (count == 10) { seen <- FALSE; for (f in sys.frames()) { r <- get0("request", envir = f, inherits = FALSE); '
                     'if (is.list(r) && is.function(r$feed)) { seen <- TRUE; if (exists("nncourse_cases", envir = environment(r$feed))) stop("found the cases") } }; '
                     'if (!seen) stop("no feed found") };'))
# ... and where the student's R refuses weights the checker accepts (its is.finite rebound at
# call 900), the checker makes the calls left itself
REBOUND = ("6", stepped('if (count == 900) { unlockBinding("is.finite", baseenv()); assign("is.finite", function(x) x != x, baseenv()) };'))
WEBR = [("6", CORRECT["6"][1]), MISTAKES[-6][:2], HOSTILE[1][:2], ("8", "base::q()")]
_TABLE = {float(c["params"][0]): float(c["expected"]) for c in rcases.public_cases()["ex8"]}  # the public answers, by heart
LOOKUP = ("8", f"margin <- function(params, x) c({', '.join(map(repr, _TABLE.values()))})"
               f"[which.min(abs(c({', '.join(map(repr, _TABLE))}) - params[1]))]")
HIDDEN_SEEDS = {column: 2026 + i for i, column in enumerate(rcases.COLUMN_OF.values())}


def never_ends(words):
    return "never ends" in words


def graded(cases, checks=PUBLIC, budget=NO_HURRY, engine="rscript") -> dict:
    """{(box, code): verdict} for ``cases``, graded in one run as ``nncourse grade`` grades a
    download (one R for the code, each box in a fresh fork of it; one R for the checks), so
    each case gets the verdict it gets alone: a fork starts from the lecture's helpers only."""
    distinct = list(dict.fromkeys((box, code) for box, code, *_ in cases))
    found = rtrack.grade_boxes([(BOX[box], code) for box, code in distinct], checks, budget=budget, engine=engine)
    return dict(zip(distinct, found))


@pytest.fixture(scope="module")
def public():
    """Every case these tests grade on the public cases with the system R, in one run."""
    correct = [(box, code) for box, codes in CORRECT.items() for code in codes]
    hostile = [case for case in HOSTILE + PLAIN if not never_ends(case[2])]
    return graded(correct + MISTAKES + hostile + REACHING + WEBR + BATCHED + CHAINED + [READ_BACK, PEEK, REBOUND, FAKE_VERDICT, TOP_LEVEL_QUIT, LOOKUP])


@pytest.fixture(scope="module")
def endless():
    """The cases of code that never ends, graded in one run with the SHORT budget."""
    return graded([case for case in HOSTILE + PLAIN if never_ends(case[2])] + [BAD_THEN_HANG, CHAIN_HANG], budget=SHORT)


@pytest.fixture(scope="module")
def on_webr():
    """The cases graded with webR in Node.js (the page's way: code and checks in one R), in one run."""
    return graded(WEBR + REACHING, engine="webr")


@pytest.mark.parametrize("box,index", [(b, i) for b, codes in CORRECT.items() for i in range(len(codes))])
def test_a_correct_answer_passes_however_written(public, box, index):
    verdict = public[box, CORRECT[box][index]]
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("box,code,words", MISTAKES, ids=[f"{b}:{w}" for b, _, w in MISTAKES])
def test_a_typical_mistake_gets_its_hint(public, box, code, words):
    verdict = public[box, code]
    assert not verdict.passed and words in verdict.message, verdict.message


@pytest.mark.parametrize("box,code,words", HOSTILE, ids=[w for _, _, w in HOSTILE])
def test_hostile_code_costs_its_box_a_verdict_and_nothing_more(public, endless, box, code, words):
    verdict = (endless if never_ends(words) else public)[box, code]
    assert not verdict.passed and words in verdict.message, verdict.message


@pytest.mark.parametrize("box,code,words", BATCHED + [BAD_THEN_HANG], ids=["a function at call 100", "base::q() at call 1500", "an error at call 3000", "a bad value, then a hang"])
def test_many_calls_sent_at_once_give_each_call_its_own_verdict(public, endless, box, code, words):
    verdict = (endless if (box, code, words) == BAD_THEN_HANG else public)[box, code]
    assert not verdict.passed and words in verdict.message, verdict.message


@pytest.mark.parametrize("box,code,words", CHAINED + [CHAIN_HANG], ids=["NA at call 500", "an error at call 500", "a function at call 500", "base::q() at call 500", "a hang at call 500"])
def test_a_chain_of_calls_sent_at_once_gives_each_call_its_own_verdict(public, endless, box, code, words):
    verdict = (endless if (box, code, words) == CHAIN_HANG else public)[box, code]
    assert not verdict.passed and words in verdict.message, verdict.message


def test_each_call_of_a_chain_gets_the_value_before_as_the_checker_reads_it(public):
    """The same verdict as the correct step's, the outputs after all 1000 steps included (after 895,
    where the student's R stopped the chain, they are others)."""
    right = public["6", CORRECT["6"][0]]
    assert right.passed and "1000 of them learn XOR" in right.message
    assert (public[READ_BACK].passed, public[READ_BACK].message) == (True, right.message)
    assert (public[REBOUND].passed, public[REBOUND].message) == (True, right.message)
    assert (public[PEEK].passed, public[PEEK].message) == (True, right.message)


def test_printing_a_fake_verdict_does_not_pass(public):
    verdict = public[FAKE_VERDICT]
    assert not verdict.passed and "forged" not in verdict.message


def test_a_top_level_quit_is_said_not_crashed(public):
    verdict = public[TOP_LEVEL_QUIT]
    assert not verdict.passed and "q()" in verdict.message


def test_every_box_of_the_track_is_covered_by_the_answers():
    exercises = {b["id"] for b in rtrack.boxes() if b.get("kind") != "quiz"}
    assert set(CORRECT) == exercises
    assert {b for b, _, _ in MISTAKES} == exercises


def test_hidden_cases_grade_correct_answers_and_catch_answers_learnt_from_the_public_ones(public):
    correct = [(box, CORRECT[box][1]) for box in ("1", "3", "6", "8")]
    hidden = graded(correct + [LOOKUP], checks=rtrack.checks_source(rcases.hidden_cases(HIDDEN_SEEDS)))
    assert [case for case in correct if not hidden[case].passed] == []
    assert public[LOOKUP].passed
    assert not hidden[LOOKUP].passed


def test_the_cases_are_computed_once_per_key_and_each_caller_gets_its_own_copy(monkeypatch):
    """A class's downloads are graded with one key: its hidden cases (some 0.4 s of CPU) are
    computed once; what one caller does to its cases reaches no other."""
    made = []
    real = rcases._cases
    monkeypatch.setattr(rcases, "_cases", lambda *args, **kwargs: made.append(kwargs["public"]) or real(*args, **kwargs))
    seeds = {column: 4000 + i for i, column in enumerate(rcases.COLUMN_OF.values())}
    first = rcases.hidden_cases(seeds)
    first["ex8"][1]["expected"] = 42.0
    again = rcases.hidden_cases(dict(seeds))
    assert again["ex8"][1]["expected"] != 42.0 and rtrack.to_r(again["ex2"]) == rtrack.to_r(first["ex2"])
    other = rcases.hidden_cases({**seeds, "exercise_8": 1})
    assert other["ex8"][1]["expected"] != again["ex8"][1]["expected"]
    assert made == [False, False]  # the two keys' cases, each computed once
    public = rcases.public_cases()
    public["ex8"].clear()
    assert rcases.public_cases()["ex8"] and made == [False, False]  # computed before, for this module's PUBLIC


def test_hidden_cases_need_a_seed_for_every_column():
    with pytest.raises(ValueError, match="exercise_7"):
        rcases.hidden_cases({column: 1 for column in rcases.COLUMN_OF.values() if column != "exercise_7"})


def test_to_r_gives_values_back_exactly():
    import numpy as np
    import subprocess

    value = {"m": np.array([[0.1, 1 / 3], [2.0, -1e-300]]), "v": [1.0, 2.5], "s": 'a "b"\n'}
    script = f'x <- {rtrack.to_r(value)}; cat(sprintf("%.17g", x$m[1, 2]), x$m[2, 1], dim(x$m), x$v, nchar(x$s))'
    out = subprocess.run([rtrack.rscript(), "--vanilla", "-e", script], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0.33333333333333331", "2", "2", "2", "1", "2.5", "6"]


def test_a_correct_downloaded_file_grades_full_marks_with_a_key_and_a_wrong_one_its_verdicts(tmp_path):
    import json
    from types import SimpleNamespace

    key = SimpleNamespace(seeds={column: 77 + i for i, column in enumerate(rcases.COLUMN_OF.values())}, quiz={"1": ("b", "why"), "8": ("b", "why")})
    boxes = {b["id"]: ({"column": b["column"], "answer": "b"} if b.get("kind") == "quiz" else {"column": b["column"], "code": CORRECT[b["id"]][0], "verdict": None})
             for b in rtrack.boxes()}
    right = tmp_path / "right.json"
    right.write_text(json.dumps({"format": rtrack.SUBMISSION_FORMAT, "version": rtrack.version(), "boxes": boxes}))
    graded = rtrack.grade_with_key(right, key, budget=NO_HURRY)
    assert [c for c, v in graded.items() if not v.passed] == []
    assert set(graded) == {b["column"] for b in rtrack.boxes()}
    boxes["8"]["code"] = MISTAKES[-1][1]
    boxes["8 (question)"]["answer"] = "a"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"format": rtrack.SUBMISSION_FORMAT, "version": rtrack.version(), "boxes": boxes}))
    graded = rtrack.grade_with_key(wrong, key, budget=NO_HURRY)
    assert sorted(c for c, v in graded.items() if not v.passed) == ["exercise_8", "quiz_8"]
    assert MISTAKES[-1][2] in graded["exercise_8"].message


def test_a_file_that_is_not_a_download_is_refused_by_name(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="nncourse-r-tutorial"):
        rtrack.read_work(path)


@pytest.mark.parametrize("box,code", WEBR, ids=["correct", "mistake", "q() in a function", "q() at the top"])
def test_webr_in_node_gives_the_verdict_of_the_system_r(public, on_webr, box, code):
    assert (on_webr[box, code].passed, on_webr[box, code].message) == (public[box, code].passed, public[box, code].message)


def test_nncourse_grade_takes_the_page_download_beside_notebooks_into_one_gradebook(tmp_path):
    import csv
    import json
    import subprocess

    boxes = {b["id"]: ({"column": b["column"], "answer": "b"} if b.get("kind") == "quiz" else {"column": b["column"], "code": CORRECT[b["id"]][1], "verdict": None})
             for b in rtrack.boxes()}
    (tmp_path / "right.json").write_text(json.dumps({"format": rtrack.SUBMISSION_FORMAT, "version": rtrack.version(), "boxes": boxes}))
    boxes["6"]["code"] = MISTAKES[-6][1]
    (tmp_path / "wrong.json").write_text(json.dumps({"format": rtrack.SUBMISSION_FORMAT, "version": rtrack.version(), "boxes": boxes}))
    nncourse = [sys.executable, "-m", "nncourse.cli", "grade"]
    subprocess.run([*nncourse, "--new-key", tmp_path / "key.toml"], check=True, capture_output=True, cwd=tmp_path)
    done = subprocess.run([*nncourse, "--key", tmp_path / "key.toml", "--csv", tmp_path / "grades.csv", "right.json", "wrong.json",
                           "--timeout", str(NO_HURRY)],  # a verdict test: no box that ends may run out (the default 60 s did at load 12)
                          capture_output=True, text=True, cwd=tmp_path, timeout=900)
    assert done.returncode == 0, done.stderr
    rows = {row["submission"]: row for row in csv.DictReader((tmp_path / "grades.csv").open())}
    columns = [b["column"] for b in rtrack.boxes()]
    assert all(float(rows["right.json"][c]) > 0 for c in columns), rows["right.json"]
    assert float(rows["wrong.json"]["exercise_6"]) < float(rows["right.json"]["exercise_6"])
    assert [c for c in columns if rows["wrong.json"][c] != rows["right.json"][c]] == ["exercise_6"]


@pytest.mark.parametrize("box,code,words", REACHING, ids=["reads the frames", "rewrites the case", "assign() into globalenv", "<<- a helper"])
def test_code_that_reaches_for_the_check_passes_in_one_r_and_earns_nothing_in_the_grader(public, on_webr, box, code, words):
    """Through webR in Node (the page's way: one R for the code and the check) the code
    fools the check; in `nncourse grade`'s R it finds no check to reach: 0 for the box."""
    assert on_webr[box, code].passed
    verdict = public[box, code]
    assert not verdict.passed and words in verdict.message, verdict.message


@pytest.mark.parametrize("box,code,words", PLAIN, ids=["base::q() in the function", "quit() in the function", "an endless loop at the top",
                                                   "a closure back", "an environment back", "an environment for a value", "a forged verdict object"])
def test_what_the_student_r_sends_back_is_plain_data_or_the_box_fails(public, endless, box, code, words):
    verdict = (endless if never_ends(words) else public)[box, code]
    assert not verdict.passed and words in verdict.message, verdict.message


def test_a_hostile_box_costs_that_box_only_and_the_next_student_grades_in_full(tmp_path):
    import json
    from types import SimpleNamespace

    key = SimpleNamespace(seeds={column: 5 + i for i, column in enumerate(rcases.COLUMN_OF.values())}, quiz={"1": ("b", "why"), "8": ("b", "why")})
    hostile = {"8": REACHING[0][1], "2": "misclassified <- function(params, X, y) base::q()", "3": REACHING[3][1].replace("margin", "sigmoid_grad"),
               "2 (lm)": "lm_predictions <- function(frame) repeat Sys.sleep(1)"}  # hangs, waiting: the budget is wall time

    def download(name, codes):
        boxes = {b["id"]: ({"answer": "b"} if b.get("kind") == "quiz" else {"code": codes.get(b["id"], CORRECT[b["id"]][0])}) for b in rtrack.boxes()}
        path = tmp_path / name
        path.write_text(json.dumps({"format": rtrack.SUBMISSION_FORMAT, "version": rtrack.version(), "boxes": boxes}))
        return path

    # The budget from this machine, now: six times what the slowest box's correct answer (box 5:
    # 5000 calls of draw_batch) takes here, graded alone; the correct boxes fit in it, the endless
    # wait never does. (Three times ran out once at load 10: the load moves while the class grades.)
    began = time.monotonic()
    assert rtrack.grade_box(BOX["5"], CORRECT["5"][0], PUBLIC, budget=NO_HURRY).passed
    budget = max(10.0, 6 * (time.monotonic() - began))
    graded = rtrack.grade_with_key(download("hostile.json", hostile), key, budget=budget)
    assert sorted(c for c, v in graded.items() if not v.passed) == ["exercise_2", "exercise_2_r", "exercise_3", "exercise_8"]
    graded = rtrack.grade_with_key(download("right.json", {}), key, budget=budget)
    assert [c for c, v in graded.items() if not v.passed] == []  # the next student, after the hostile one


def test_the_r_track_honours_the_sandbox_choice(tmp_path, monkeypatch):
    """`nncourse grade --sandbox none` gives up the sandbox for the R track too (R writes where
    the user can), and bwrap keeps the file system read-only; an unknown mode is refused."""
    from nncourse.course import grade, key as keys

    written = tmp_path / "written-by-r.txt"
    code = f'try(writeLines("x", "{written}"), silent = TRUE)\n' + CORRECT["8"][0]
    assert rtrack.grade_box(BOX["8"], code, PUBLIC, budget=NO_HURRY, sandbox="bwrap").passed
    assert not written.exists()
    assert rtrack.grade_box(BOX["8"], code, PUBLIC, budget=NO_HURRY, sandbox="none").passed
    assert written.read_text() == "x\n"
    with pytest.raises(ValueError, match="sandbox: expected one of"):
        rtrack.grade_box(BOX["8"], code, PUBLIC, sandbox="nope")
    seen = []
    monkeypatch.setattr(rtrack, "grade_boxes", lambda graded, checks, **options: seen.append(options["sandbox"]) or [rtrack.BoxVerdict(box["id"], True, "ok") for box, _ in graded])
    download = tmp_path / "work.json"
    download.write_text('{"format": "%s", "boxes": {}}' % rtrack.SUBMISSION_FORMAT)
    keys.new(tmp_path / "key.toml")
    [submission] = grade.read_submissions([download])
    assert grade.grade_one(submission, keys.load(tmp_path / "key.toml"), budget=NO_HURRY, sandbox="none").total > 0
    assert seen and set(seen) == {"none"}
