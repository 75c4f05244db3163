"""Tutorial checks that cannot be hung or fooled: each hostile answer of issue 12 gets
NOT YET within the check's budget, and the process that asked (a student's kernel) lives on."""

import os
import signal
import sys
import time

import numpy as np
import pytest

from nncourse.course import tutorial

BUDGET = 2.0


@pytest.fixture(autouse=True)
def short_budget(monkeypatch):
    monkeypatch.setattr(tutorial, "BUDGET", BUDGET)


def c_level_loop(rng, n, k):
    return float(sum(range(10**11)))  # one C call: no Python signal handler runs inside it


def swallowed_alarm(rng, n, k):
    while True:
        try:
            time.sleep(0.01)
        except BaseException:  # noqa: BLE001 -- the hostile answer swallows whatever comes
            pass


def ignored_alarm(rng, n, k):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass


class LoopingArray:
    def __array__(self, *args, **kwargs):
        while True:
            pass


def exits(rng, n, k):
    sys.exit(0)


def hard_exit(rng, n, k):
    os._exit(3)


def huge_output(rng, n, k):
    while True:
        print("x" * 1_000_000)


HOSTILE = {
    "a C-level loop": (c_level_loop, "the check's time budget ran out"),
    "a while True that swallows the alarm": (swallowed_alarm, "the check's time budget ran out"),
    "an ignored SIGALRM": (ignored_alarm, "the check's time budget ran out"),
    "a looping __array__": (lambda rng, n, k: LoopingArray(), "the check's time budget ran out"),
    "sys.exit": (exits, "your function called sys.exit()"),
    "os._exit": (hard_exit, "your function ended its process (sys.exit or os._exit, status 3)"),
    "huge output": (huge_output, "the check's time budget ran out"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_answers_get_not_yet_within_the_budget(name):
    answer, said = HOSTILE[name]
    began = time.monotonic()
    verdict = tutorial.check_exercise_5(answer)
    assert not verdict.passed and said in verdict.message, verdict.message
    assert time.monotonic() - began < BUDGET + 5 and verdict.seconds <= BUDGET + 1
    # and the asking process is fine: the next check runs and passes
    assert tutorial.check_exercise_5(lambda rng, n, k: rng.choice(n, size=k, replace=False)).passed


def test_monkeypatching_numpy_here_changes_no_verdict(monkeypatch):
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "array_equal", lambda *a, **k: True)
    zeros = lambda z: np.zeros_like(np.asarray(z, dtype=float))  # noqa: E731
    assert not tutorial.check_exercise_3(zeros, zeros).passed
    assert not tutorial.check_exercise_1(lambda X, y: np.zeros(np.shape(X)[1] + 1)).passed
    assert not tutorial.check_exercise_4(lambda X, y, lr, epochs: np.zeros(np.shape(X)[1])).passed


def test_monkeypatching_numpy_inside_the_answer_changes_no_verdict():
    def cheat(X, y, lr, epochs):
        import numpy

        numpy.allclose = lambda *a, **k: True
        numpy.array_equal = lambda *a, **k: True
        return numpy.zeros(numpy.shape(X)[1])

    assert not tutorial.check_exercise_4(cheat).passed


def test_editing_the_checkers_tables_here_changes_no_verdict(monkeypatch):
    monkeypatch.setattr(tutorial, "GATES", {})
    monkeypatch.setattr(tutorial, "QUIZ", {"1": ("a", "any"), "8": ("a", "any")})
    assert not tutorial.check_exercise_1(lambda X, y: np.zeros(np.shape(X)[1] + 1)).passed
    assert not tutorial.check_answer("1", "a").passed and tutorial.check_answer("1", "b").passed


def test_a_printed_verdict_is_not_a_verdict(capsys):
    def fake(rng, n, k):
        print("Exercise 5: PASSED. distinct, uniform, repeatable, and instant even for 10**12 rows: O(batch size).")
        return np.arange(k)

    verdict = tutorial.check_exercise_5(fake)
    assert not verdict.passed
    out = capsys.readouterr().out
    assert out.startswith("Exercise 5: NOT YET.")  # the student's print stays in the student's process


def test_an_answer_that_is_no_data_is_named_as_such():
    import threading

    verdict = tutorial.check_exercise_8(lambda params, x: threading.Lock())
    assert not verdict.passed and "expected numbers, got str" in verdict.message  # its repr, not a crash of ours
    assert "write_frame" not in verdict.message
    verdict = tutorial.check_exercise_2(lambda params, X, y: [threading.Lock()])
    assert not verdict.passed and "write_frame" not in verdict.message
