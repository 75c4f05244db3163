"""Shared fixtures: the ledger, and the lecture's data as the slides build them."""

import json
import os
import pickle
import shutil
import signal
from pathlib import Path

import numpy as np
import pytest

from nncourse.algorithms import data
from nncourse.repro import ledger


def pytest_configure(config):
    """Ctrl-C as a terminal gives it: a suite started in the background by a script
    (``bash scripts/run.sh test &``) inherits SIGINT ignored, every process it starts keeps
    it ignored (Python then installs no KeyboardInterrupt handler), and the tests that press
    Ctrl-C on a render, on serve or on R would wait for nothing. Restored here, before the
    xdist workers start, so they and their children have it too."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_addoption(parser, pluginmanager):
    """pyproject's addopts ask pytest-xdist for workers (``--numprocesses=auto --dist=loadgroup``); run
    with ``-p no:xdist`` (to debug one test in this process) those options are accepted and
    the suite runs here, in one process."""
    if not pluginmanager.has_plugin("xdist"):
        parser.addoption("--numprocesses", dest="numprocesses", default=None, help="ignored: pytest-xdist is off")
        parser.addoption("--dist", dest="dist", default="no", help="ignored: pytest-xdist is off")


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: unknown with -p no:xdist
def pytest_xdist_auto_num_workers(config):
    """``-n auto``: twice as many workers as cores, so that the cores stay busy while some
    tests wait (on R and Node starting, browsers, renders, time limits running out).
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still says otherwise where set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return 2 * len(os.sched_getaffinity(0))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """A test that uses a module-scoped fixture runs on the worker that runs the rest of its
    module (``--dist loadgroup``), so the fixture (a class graded, the deck executed, a
    handout printed, the wheel built) is made once, not once per worker. A module-scoped
    fixture with parameters (the handout of each rendering) is made once per parameter: the
    tests of each parameter are a group of their own, so that one module's renderings go to
    two workers. The groups go first: the longest units of work start first, the single
    tests fill in around them."""
    for item in items:
        definitions = getattr(item, "_fixtureinfo", None)
        if item.get_closest_marker("xdist_group") or definitions is None:
            continue
        module = [(name, d) for name, defs in definitions.name2fixturedefs.items() for d in defs if d.scope == "module"]
        if module:
            params = getattr(item, "callspec", None)
            # (no brackets: pytest-xdist reads a group name ending in "]" as a test's parameters)
            per = [f" {name}={params.params[name]}" for name, d in module if d.params is not None and params is not None and name in params.params]
            item.add_marker(pytest.mark.xdist_group((item.nodeid.split("::")[0] + "".join(per)).replace("[", "(").replace("]", ")")))
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.get_closest_marker("xdist_group") is None)  # stable: the order within stays


def made_once(tmp_path_factory, name: str, make) -> Path:
    """What ``make(folder)`` returns (a path in ``folder``), made once per run however many
    pytest-xdist workers ask for it: the first makes it under a lock in the run's temporary
    folder, the others wait and share it (xdist's documented pattern). ``make`` must not
    leave anything in ``folder`` but what it returns (or a folder holding it) and what goes with it."""
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the run's workers
    done = root / f"{name}.json"
    with FileLock(str(root / f"{name}.lock")):
        if not done.exists():
            folder = root / name
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            done.write_text(json.dumps(str(make(folder))))
    return Path(json.loads(done.read_text()))


@pytest.fixture(scope="session")
def lecture_ledger():
    return ledger.load()


LECTURE = Path(__file__).resolve().parents[2] / "shared" / "lecture" / "week10-neural-networks.txt"
# CI runners say so in CI ("true" on GitHub and GitLab, "1" or "yes" on others); .ci/run
# sets CI=true whatever the runner set. Unset, empty, "false" or "0": a user's machine.
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "false", "0", "no")


def unavailable(reason: str):
    """Skip with the reason on a user's machine; in CI nothing may be skipped."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must have it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lecture_text():
    """The lecture as text: the spec, kept in shared/ beside the repository."""
    if not LECTURE.exists():
        unavailable(f"the lecture text is not at {LECTURE}")
    return LECTURE.read_text()


@pytest.fixture(scope="session")
def r():
    """The R session (rsrc/ sourced); skipped with the reason where R is missing, failed in CI."""
    from nncourse.r import bridge as rbridge

    try:
        return rbridge.session()
    except rbridge.RUnavailable as exc:
        unavailable(f"R is not available: {exc}")


WEBR_SESSION = "webr_session"  # the xdist group of the tests that use the webr session: webR (~2.5 s of CPU) starts on one worker, not on each


@pytest.fixture(scope="session")
def webr():
    """R 4.6.0 in webR (Node.js); skipped with the reason where missing, failed in CI."""
    from nncourse.r import bridge as rbridge

    try:
        return rbridge.session("webr")
    except rbridge.RUnavailable as exc:
        unavailable(f"webR is not available: {exc}")


@pytest.fixture(scope="session")
def r_lecture_chunks(r):
    """What the lecture's R scripts print, chunk by chunk, keyed by the chunk's code."""
    return r.lecture_chunks()


@pytest.fixture(scope="session")
def built_in_run(r, tmp_path_factory):
    """The week's deck rendered once per run by the built-in path (its R sections need R), and
    what that render's Jupyter kernel ran: (the deck, (front matter, cells with their outputs)).
    The render is :func:`nncourse.deck.render.render` itself; its call of ``execute`` is
    watched, not replaced, so the deck's code runs once for the tests of both."""
    from nncourse.deck import execute, render

    def make(folder):
        ran = []

        def watched(*args, **kwargs):
            ran.append(execute.execute(*args, **kwargs))
            return ran[-1]

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(render, "execute", watched)
            deck = render.render("revealjs", folder / "deck", use_quarto=False).path
        (folder / "executed.pickle").write_bytes(pickle.dumps(ran))
        return deck

    deck = made_once(tmp_path_factory, "built_in_deck", make)
    (executed,) = pickle.loads((deck.parent.parent / "executed.pickle").read_bytes())
    return deck, executed


@pytest.fixture(scope="session")
def built_in_deck(built_in_run):
    """The week's deck rendered once per run by the built-in path."""
    return built_in_run[0]


@pytest.fixture(scope="session")
def built_in_executed(built_in_run):
    """The week's deck as the built-in render's kernel executed it: (front matter, cells)."""
    return built_in_run[1]


def quarto_or_skip() -> str:
    """The ``quarto`` on PATH; skipped with the reason outside CI (where .ci/run installs it)."""
    found = shutil.which("quarto")
    if found is None:
        unavailable("quarto is not on PATH (.ci/run installs it from ../shared/tools/quarto); the built-in path is tested without it")
    return found


@pytest.fixture(scope="session")
def quarto() -> str:
    """The Quarto CLI (see :func:`quarto_or_skip`)."""
    return quarto_or_skip()


@pytest.fixture(scope="session")
def quarto_deck(r, quarto, tmp_path_factory):
    """The week's deck rendered once per run by the Quarto CLI, its HTML copied alone into an
    empty folder (what a student gets). Rendered in a copy of the project (its marker, slides
    and course): Quarto writes ``.quarto/`` and the deck's ``_files/`` beside the document
    while it works, where other workers' tests read the checkout (test_paths: nothing but its
    own output folder changes there)."""
    from nncourse import paths
    from nncourse.deck import render

    def make(alone):
        copy = tmp_path_factory.mktemp("quarto-project")
        shutil.copy(paths.ROOT / paths.MARKER, copy)
        for folder in ("slides", "course"):
            shutil.copytree(paths.ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("_output", ".quarto", "*_files"))
        done = render.render("revealjs", tmp_path_factory.mktemp("quarto"), use_quarto=True, document=copy / "slides" / paths.DECK)
        return shutil.copyfile(done.path, alone / done.path.name)

    return made_once(tmp_path_factory, "quarto_deck", make)


def chromium_or_skip() -> str:
    """The system Chromium the slide checks drive; skipped with the reason outside CI."""
    from nncourse.deck import slidecheck

    try:
        import playwright  # noqa: F401

        return slidecheck.chromium_path()
    except (ImportError, slidecheck.CheckUnavailable) as exc:
        unavailable(f"the slide check needs Playwright and Chromium: {exc}")


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for a module's tests: the slide checks and handouts they make
    (through the API or the CLI) open their decks in it (:func:`nncourse.deck.slidecheck.browser`),
    instead of starting one each (Playwright's driver and Chromium: about 2 s of CPU a start).
    Module-scoped, so closed before another module's tests start a Playwright of their own."""
    chromium_or_skip()
    from nncourse.deck import slidecheck

    with slidecheck.browser() as browser:
        yield browser


@pytest.fixture(scope="session")
def regression():
    return data.regression_data()


@pytest.fixture(scope="session")
def and_xy():
    return data.features(data.and_data())


@pytest.fixture(scope="session")
def xor_xy():
    return data.features(data.xor_data())


def assert_reproduces(entry, value):
    """The value equals the printed numbers at printed precision, and its repr the printed text."""
    failures = [c for c in ledger.check_numbers(entry, value) if not c.ok]
    assert not failures, [(c.printed.text, c.actual) for c in failures]
    assert ledger.normalise(repr(np.asarray(value))) == ledger.normalise(entry.printed)
