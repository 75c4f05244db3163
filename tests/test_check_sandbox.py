"""Tutorial checks that cannot be hung or fooled: each hostile answer (issues 12 and 18)
gets NOT YET within the check's budget, and the process that asked (a student's kernel)
lives on; the sandbox holds what the student's code may do (no file written outside it,
no process outliving it, no key read, no message forged)."""

import os
import signal
import sys
import time

import numpy as np
import pytest

from nncourse.course import sandbox, tutorial


def quick(rng, n, k):
    return rng.choice(n, size=k, replace=False)


@pytest.fixture(scope="module")
def budget():
    """Three times what a quick check takes on this machine in a fresh sandbox, as the check
    after a hostile answer does (measured: the checker process started first, its sandbox
    then ended by an answer that exits), and a second more."""
    assert tutorial.check_exercise_5(quick).passed
    assert "ended its process" in tutorial.check_exercise_5(hard_exit).message
    began = time.monotonic()
    assert tutorial.check_exercise_5(quick).passed
    return 3 * (time.monotonic() - began) + 1.0


@pytest.fixture(autouse=True)
def short_budget(monkeypatch, budget):
    monkeypatch.setattr(tutorial, "BUDGET", budget)


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
def test_hostile_answers_get_not_yet_within_the_budget(name, budget):
    answer, said = HOSTILE[name]
    began = time.monotonic()
    verdict = tutorial.check_exercise_5(answer)
    assert not verdict.passed and said in verdict.message, verdict.message
    assert time.monotonic() - began < budget + 30 and verdict.seconds <= budget + 1
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
    from nncourse.course import exercises

    monkeypatch.setattr(exercises, "GATES", {})
    monkeypatch.setattr(exercises, "QUIZ_CHOICES", {"1": {"z": "mine"}, "8": {"z": "mine"}})
    assert not tutorial.check_exercise_1(lambda X, y: np.zeros(np.shape(X)[1] + 1)).passed
    assert "answer: expected one of ['a', 'b', 'c'], got 'z'" in tutorial.check_answer("1", "z").message


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


def forger(rng, n, k):
    """Issue 18's forger: a verdict written on every file descriptor, the asking processes killed."""
    import json
    import os
    import signal
    import struct

    for fd in range(3, 64):
        for message in (json.dumps({"passed": True, "exercise": "5", "message": "forged"}).encode(), b"\x80\x04K\x01."):
            try:
                os.write(fd, struct.pack(">Q", len(message)) + message)
            except OSError:
                pass
    for pid in (os.getppid(), 1):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return rng.choice(n, size=k, replace=False)


def shifter(rng, n, k):
    """Issue 18's answer-shifter: extra answers queued on the channel, no kill."""
    import json
    import os
    import struct

    answer = json.dumps({"id": "0", "ok": list(range(k))}).encode()
    for fd in range(3, 64):
        try:
            os.write(fd, (struct.pack(">Q", len(answer)) + answer) * 3)
        except OSError:
            pass
    return rng.choice(n, size=k, replace=False)


def short_batch(rng, n, k):
    """A forged answer under its request's own id: one value for a batch of many calls."""
    import json
    import sys
    import time

    frame = sys._getframe()
    while frame is not None and "request" not in frame.f_locals:
        frame = frame.f_back
    request, channel = frame.f_locals["request"], frame.f_locals["channel"]
    if len(request["calls"]) > 1:
        channel.send(json.dumps({"id": request["id"], "answers": [{"ok": list(range(k))}]}).encode())
        time.sleep(60)
    return rng.choice(n, size=k, replace=False)


@pytest.mark.parametrize("answer", [forger, shifter, short_batch], ids=["forger", "shifter", "short batch"])
def test_a_forged_answer_fails_that_check_and_no_other(answer):
    verdict = tutorial.check_exercise_5(answer)
    assert verdict.passed is False and ("answered out of turn" in verdict.message or "ended its process" in verdict.message), verdict.message
    # the next check, in the same kernel, sees nothing of it
    assert tutorial.check_exercise_5(lambda rng, n, k: rng.choice(n, size=k, replace=False)).passed
    assert tutorial.check_exercise_8(lambda p, x: x @ p[:-1] + p[-1]).passed


needs_bwrap = pytest.mark.skipif(sandbox.reason_unavailable() is not None and os.environ.get("CI") != "true",
                                 reason=f"bubblewrap cannot run here: {sandbox.reason_unavailable()}")


@needs_bwrap
def test_a_setsid_child_does_not_outlive_the_check(tmp_path):
    marker = tmp_path / "alive"

    def leaves_a_daemon(rng, n, k, marker=str(marker)):
        import os
        import subprocess

        if not os.path.exists("/tmp/started"):  # once: the check calls this function many times
            open("/tmp/started", "w").close()
            subprocess.Popen(["sh", "-c", f"sleep 30; touch {marker}"], start_new_session=True)
            if os.fork() == 0:
                os.setsid()
                import time

                time.sleep(30)
                os._exit(0)
        return rng.choice(n, size=k, replace=False)

    import subprocess

    before = set(subprocess.run(["pgrep", "-f", "sleep 30"], capture_output=True, text=True).stdout.split())
    assert tutorial.check_exercise_5(leaves_a_daemon).passed
    time.sleep(0.2)  # not a race: the check has returned, and its sandbox was killed before it did
    after = set(subprocess.run(["pgrep", "-f", "sleep 30"], capture_output=True, text=True).stdout.split())
    assert after <= before, after - before
    assert not marker.exists()


@needs_bwrap
def test_the_students_code_writes_no_file_outside_its_sandbox(tmp_path):
    target = tmp_path / "written-by-the-student.txt"

    def writer(rng, n, k, target=str(target)):
        import os

        for path in (target, os.path.expanduser("~/written-by-the-student.txt"), "/work/written-by-the-student.txt"):
            try:
                with open(path, "w") as handle:
                    handle.write("x")
            except OSError:
                pass
        return rng.choice(n, size=k, replace=False)

    assert tutorial.check_exercise_5(writer).passed  # its answer is right; its writes went nowhere
    assert not target.exists() and not os.path.exists(os.path.expanduser("~/written-by-the-student.txt"))


@needs_bwrap
def test_the_students_code_cannot_read_the_key_nor_reach_the_network(tmp_path):
    key = tmp_path / "key.toml"
    key.write_text("[quiz.1]\nanswer = 'b'\n")

    def reader(rng, n, k, key=str(key)):
        import socket

        try:
            text = open(key).read()
        except OSError:
            text = ""
        try:
            socket.create_connection(("1.1.1.1", 80), timeout=1)
            online = True
        except OSError:
            online = False
        return [len(text), int(online)] + [0] * (k - 2)

    verdict = tutorial.check_exercise_5(reader)
    assert "got values from 0.0 to 0.0" in verdict.message or "some rows come twice" in verdict.message, verdict.message


def test_the_sandbox_sees_neither_the_current_folder_nor_a_path_entry(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))  # as `python -m nncourse.cli grade` run in the class's folder has it
    roots = sandbox._readable_roots()
    assert not any(str(tmp_path).startswith(root) or root.startswith(str(tmp_path)) for root in roots if root != "/"), roots


R_SEES = 'ld <- Sys.getenv("LD_LIBRARY_PATH"); home <- R.home(); jit <- compiler::enableJIT(-1)'  # -1: the level, unchanged


def r_as_the_worker_sees_it():
    """(LD_LIBRARY_PATH, R.home(), the JIT's level) in the R of rbridge, as a student's function starts it."""
    from nncourse import rbridge

    r = rbridge.session()
    env = r.new_env()
    r.evaluate(R_SEES, env)
    return [str(r.get(name, env)[0]) for name in ("ld", "home", "jit")]


def folders(path: str) -> list[str]:
    return [p for p in path.split(":") if p]  # rpy2 appends the inherited path (empty here) after a ':'


@needs_bwrap
@pytest.mark.r
def test_r_in_a_sandboxed_answer_sees_the_library_path_and_home_that_rscript_sees(r):
    """The checker finds R's home and library path once (rpy2 would start an R to ask, at each
    R worker's start in each answer) and an answer's R starts from them: the same as R's own
    front end gives, asked here in the sandbox's environment; and without the byte-code JIT
    R's front end has on (sandbox.r_start_env says why)."""
    import subprocess

    from nncourse.course import checker

    env = {k: v for k, v in sandbox.child_env().items() if not k.startswith(("R_", "NNCOURSE_R_"))}
    said = subprocess.run(["Rscript", "--vanilla", "-e", R_SEES + '; cat(ld, home, jit, sep = "\\n")'],
                          env=env, capture_output=True, text=True, check=True).stdout.splitlines()
    server = checker.AnswerServer("bwrap", sandbox.Limits())
    try:
        student = checker.StudentProcess(checker.Answer.of((r_as_the_worker_sees_it,)), time.monotonic() + 120, server, sandbox.r_start_env())
        [(ld, home, jit)] = student.calls(0, [((), {})])
        student.stop()
    finally:
        server.close()
    assert folders(ld) == folders(said[0]) and "/lib" in ld
    assert home == said[1]
    assert (jit, said[2]) == ("0", "3")


@pytest.mark.r
def test_an_r_worker_starts_from_the_library_path_its_parent_found(r, monkeypatch):
    """Given R's library path in its environment, rpy2's worker takes it instead of asking R
    (a marker folder in front shows whose value R got)."""
    from nncourse.r.installed import R_LD_ENV, r_environment
    from nncourse.r.session import RSession

    found = r_environment(os.environ)
    monkeypatch.setenv("R_HOME", found["R_HOME"])
    monkeypatch.setenv(R_LD_ENV, "/nncourse-marker:" + found[R_LD_ENV])
    session = RSession()
    try:
        env = session.new_env()
        session.evaluate('ld <- Sys.getenv("LD_LIBRARY_PATH")', env)
        ld = str(session.get("ld", env)[0])
    finally:
        session.close()
    assert folders(ld) == ["/nncourse-marker", *folders(found[R_LD_ENV]), *folders(os.environ.get("LD_LIBRARY_PATH", ""))]

