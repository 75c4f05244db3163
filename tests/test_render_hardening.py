"""The render never hangs, checks what it can before any work, and stops cleanly."""

import os
import signal
import subprocess
import sys
import time

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
    assert f"nncourse render: document: {doc}: " in err and __import__("re").search(message, err), err
    assert "Traceback" not in err and not (tmp_path / "ran.txt").exists()


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
    doc = write(tmp_path, "slow.qmd", SLOW)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "JUPYTER_RUNTIME_DIR": str(scratch / "runtime")}
    child = subprocess.Popen([sys.executable, "-m", "nncourse.cli", "render", str(doc), "--built-in", "--output", str(tmp_path / "out")], stderr=subprocess.PIPE, text=True, env=env)
    for line in child.stderr:  # progress, one line per chunk: wait until the endless one runs
        if "[1/1] Waiting" in line:
            break
    time.sleep(0.3)
    child.send_signal(signal.SIGINT)
    err = child.communicate(timeout=60)[1]
    assert child.returncode == 130, err
    assert "nncourse render: interrupted; the kernel was stopped and nothing was written" in err
    assert "Traceback" not in err
    assert [p.name for p in scratch.iterdir() if p.name != "runtime"] == []
    assert not (tmp_path / "out").exists()
