"""The render never hangs, checks what it can before any work, and stops cleanly."""

import os
import signal
import subprocess
import sys
import re
import tempfile
import time
from pathlib import Path

import pytest

from nncourse.deck import render
from nncourse.cli import main

SLOW = "---\ntitle: t\n---\n\n## Waiting\n\n```{python}\nimport time\nwhile True:\n    time.sleep(1)\n```\n"
EXITING = "---\ntitle: t\n---\n\n## Fine\n\n```{python}\n1 + 1\n```\n\n## Leaving\n\n```{python}\nimport os\nos._exit(3)\n```\n"
MARKING = "---\ntitle: t\n---\n\n## A\n\n```{python}\nopen('ran.txt', 'w').write('ran')\n```\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_chunk_past_its_time_limit_ends_the_render_naming_it(tmp_path):
    doc = write(tmp_path, "slow.qmd", SLOW)
    with pytest.raises(render.RenderError, match=r"chunk 1 on slide 'Waiting' ran past its time limit of 1 s and was stopped"):
        render.render("html", tmp_path / "out", use_quarto=False, document=doc, cell_timeout=1)
    assert not (tmp_path / "out").exists()


def test_a_chunk_that_kills_its_kernel_ends_the_render_naming_it(tmp_path):
    doc = write(tmp_path, "exiting.qmd", EXITING)
    with pytest.raises(render.RenderError, match=r"chunk 2 on slide 'Leaving' ended the Python kernel"):
        render.render("html", tmp_path / "out", use_quarto=False, document=doc, cell_timeout=60)


@pytest.mark.parametrize(
    "text, message",
    [
        ("---\ntitle: t\n\n## A\n", r"the front matter opened by --- on line 1 is never closed"),
        ("---\ntitle: [t\n---\n\n## A\n", r"the front matter is not valid YAML \(line \d+\)"),
        ("---\n- a\n- b\n---\n\n## A\n", r"the front matter must be YAML keys and values, got a list"),
    ],
)
def test_a_bad_document_is_named_before_any_work(tmp_path, text, message, capsys):
    doc = write(tmp_path, "bad.qmd", text + "\n```{python}\nopen('ran.txt', 'w')\n```\n")
    assert main(["render", str(doc), "--built-in", "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"nncourse render: document: {doc}: " in err and re.search(message, err), err
    assert "Traceback" not in err and not (tmp_path / "ran.txt").exists()


CHUNK = "\n```{python}\n#| echo: false\nopen('ran.txt', 'w').write('ran')\n```\n"


@pytest.mark.parametrize(
    "front, project, option, message",
    [
        ("title: t", "format: [revealjs\n", "", r"_quarto.yml: not valid YAML \(line 2\)"),
        ("title: t", "- format\n- execute\n", "", r"_quarto.yml: expected YAML keys and values \(project:, format:, execute:\), got a list"),
        ("title: t", "execute: 5\n", "", r"_quarto.yml: execute: expected options such as echo: false, got 5"),
        ("title: t", "format:\n  html:\n    css: deck.css\n", "", r"format html: css: \S+/deck.css does not exist"),
        ("title: t\nexecute: 5", None, "", r"document: \S+doc.qmd: the front matter: execute: expected options such as echo: false, got 5"),
        ("title: t\nexecute:\n  echo: maybe", None, "", r"the front matter: execute: echo: expected true or false, got 'maybe'"),
        ("title: t\nformat:\n  html: 5", None, "", r"the front matter: format: html: expected the format's options \(keys and values\) or default, got 5"),
        ("title: t\nformat: 5", None, "", r"the front matter: format: expected a format's name or formats with their options"),
        ("title: t", None, "#| echo: [\n", r"chunk 1 on slide 'A': option echo: not a YAML value: '\['"),
        ("title: t", None, "#| echoo: false\n", r"chunk 1 on slide 'A': unknown option echoo \(did you mean echo\?\)"),
        ("title: t", None, "#| echo: 5\n", r"chunk 1 on slide 'A': option echo: expected true or false, got 5"),
        ("title: t", None, "#| code-line-numbers: every\n", r"option code-line-numbers: expected true, false or steps such as \"1-8\|10-20\", got 'every'"),
        ("title: t", None, "#| fig-width: 5\n", r"option fig-width is Quarto's, and the built-in path does not honour it"),
        ("title: t", None, "#| zzzzzz: 1\n", r"unknown option zzzzzz \(the options known: echo, eval"),
    ],
)
def test_a_damaged_project_or_chunk_option_is_named_before_any_work(tmp_path, front, project, option, message, capsys):
    doc = write(tmp_path, "doc.qmd", f"---\n{front}\n---\n\n## A\n" + CHUNK.replace("#| echo: false\n", option or "#| echo: false\n"))
    if project is not None:
        write(tmp_path, "_quarto.yml", project)
    assert main(["render", str(doc), "--built-in", "--to", "html", "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert "Traceback" not in err and not (tmp_path / "ran.txt").exists() and not (tmp_path / "out").exists()


def test_a_flood_of_output_is_cut_and_the_document_says_where(tmp_path):
    """20 MB printed by one chunk: the page keeps the first 100,000 characters and says the
    rest was cut; the next chunk's output is there as usual."""
    flood = "---\ntitle: t\n---\n\n## Flood\n\n```{python}\nprint('ab' * 10_000_000)\n```\n\n```{python}\nprint('after', 6 * 7)\n```\n"
    doc = write(tmp_path, "flood.qmd", flood)
    page = render.render("html", tmp_path / "out", use_quarto=False, document=doc).path.read_text()
    assert len(page) < 2_000_000
    assert "ab" * 50_000 in page and "ab" * 50_001 not in page
    assert "output cut here by nncourse render: this chunk printed 20,000,001 characters of text; a chunk shows at most 100,000" in page
    assert "after 42" in page


def test_an_unwritable_output_is_named_before_any_work(tmp_path, capsys):
    doc = write(tmp_path, "doc.qmd", MARKING)
    assert main(["render", str(doc), "--built-in", "--output", "/proc/nncourse-out"]) == 1
    assert "--output: cannot write /proc/nncourse-out/doc.html" in capsys.readouterr().err
    assert not (tmp_path / "ran.txt").exists()  # the chunk never ran


def test_an_output_that_is_not_ours_needs_force(tmp_path, capsys):
    doc = write(tmp_path, "doc.qmd", MARKING)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "doc.html").write_text("<html>my own page</html>")
    assert main(["render", str(doc), "--built-in", "--output", str(tmp_path / "out")]) == 1
    assert "exists and was not written by nncourse render; write somewhere else (or add --force" in capsys.readouterr().err
    assert not (tmp_path / "ran.txt").exists()
    assert main(["render", str(doc), "--built-in", "--output", str(tmp_path / "out"), "--to", "html", "--force"]) == 0
    assert "my own page" not in (tmp_path / "out" / "doc.html").read_text()
    # a file a render made is ours to replace
    assert main(["render", str(doc), "--built-in", "--output", str(tmp_path / "out"), "--to", "html"]) == 0


def test_ctrl_c_stops_the_render_cleanly_and_leaves_nothing(tmp_path):
    # the endless chunk itself says that it runs, by a file it writes first: the signal
    # goes when that file is there, not after a guessed sleep
    doc = write(tmp_path, "slow.qmd", SLOW.replace("import time\n", "import time\nopen('running', 'w').close()\n"))
    # a short scratch folder: the kernel's sockets live in it, and a socket's path has room
    # for 107 bytes (a worker's tmp_path under pytest-xdist leaves too few)
    with tempfile.TemporaryDirectory(prefix="nn-") as short:
        scratch = Path(short)
        env = {**os.environ, "TMPDIR": str(scratch), "JUPYTER_RUNTIME_DIR": str(scratch / "runtime")}
        command = [sys.executable, "-m", "nncourse.cli", "render", str(doc), "--built-in", "--output", str(tmp_path / "out")]
        child = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
        while not (tmp_path / "running").exists():
            assert child.poll() is None, child.stderr.read()
            time.sleep(0.02)
        child.send_signal(signal.SIGINT)
        err = child.communicate(timeout=60)[1]
        assert child.returncode == 130, err
        assert "nncourse render: interrupted; the kernel was stopped and nothing was written" in err
        assert "Traceback" not in err
        assert [p.name for p in scratch.iterdir() if p.name != "runtime"] == []
    assert not (tmp_path / "out").exists()


def test_a_deck_quarto_made_is_ours_to_replace(tmp_path):
    """Quarto's self-contained deck inlines its scripts first: the generator tag comes some
    70 KB in (74 KB for Quarto 1.10's, as ``bash scripts/run.sh render`` makes it), and the
    next ``nncourse render`` replaces it without --force."""
    from nncourse import safe_write

    deck = tmp_path / "week10-neural-networks.html"
    deck.write_text('<!DOCTYPE html>\n<html lang="en"><head>\n<script>' + "x" * 74_000 + '</script>\n<meta name="generator" content="quarto-1.10.18">\n</head></html>')
    assert safe_write.check_target(deck, argument="--output", command="render") == deck
    deck.write_text("<!DOCTYPE html>\n<html><head><script>" + "x" * 74_000 + "</script></head><body>someone's page</body></html>")
    with pytest.raises(safe_write.OutputError, match="was not written by nncourse render"):
        safe_write.check_target(deck, argument="--output", command="render")
