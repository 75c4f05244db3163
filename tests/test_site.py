"""`nncourse site DIR`: one folder with everything the week publishes, webR included."""

import json
import subprocess
import sys

from nncourse.course import rtrack


def run_site(*args):
    return subprocess.run([sys.executable, "-m", "nncourse.cli", "site", *map(str, args)], capture_output=True, text=True, timeout=300)


def test_the_site_holds_the_week_and_webr_and_nothing_from_a_cdn(tmp_path):
    deck, report = tmp_path / "deck.html", tmp_path / "report.html"
    deck.write_text("<!doctype html><title>the deck</title>")
    report.write_text("<!doctype html><title>the report</title>")
    done = run_site(tmp_path / "site", "--deck", deck, "--report", report)
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    assert sorted(p.name for p in site.iterdir()) == ["_headers", "checks.R", "deck.html", "index.html", "report.html", "tutorial.html", "tutorial.ipynb", "webr"]
    assert (site / "deck.html").read_text() == deck.read_text() and (site / "report.html").read_text() == report.read_text()
    assert (site / "webr" / "webr.js").is_file() and (site / "webr" / "R.wasm").is_file() and not (site / "webr" / "tests").exists()
    index = (site / "index.html").read_text()
    for href in ("deck.html", "tutorial.html", "tutorial.ipynb", "checks.R", "report.html"):
        assert f'href="{href}"' in index
    assert "Stop restarts R" in index and "Cross-Origin-Embedder-Policy: require-corp" in (site / "_headers").read_text()
    page = (site / "tutorial.html").read_text()
    import re

    assert set(re.findall(r"https?://[\w./-]+", page)) == {"http://www.w3.org/2000/svg"}  # CodeMirror's SVG namespace; no CDN
    assert json.loads((site / "tutorial.ipynb").read_text())["cells"]
    assert (site / "checks.R").read_text() == rtrack.checks_source()


def test_site_refuses_a_folder_with_files_and_a_missing_deck_by_name(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("a student's file")
    deck = tmp_path / "deck.html"
    deck.write_text("<!doctype html>")
    done = run_site(tmp_path / "full", "--deck", deck, "--report", deck)
    assert done.returncode == 2 and "DIR: expected a new or empty folder" in done.stderr
    assert (tmp_path / "full" / "mine.txt").read_text() == "a student's file"
    done = run_site(tmp_path / "new", "--deck", tmp_path / "none.html", "--report", deck)
    assert done.returncode == 2 and "--deck: expected a rendered deck" in done.stderr and "nncourse render" in done.stderr
