"""The built-in renderer honours the chunk options Quarto's would, names the failing
slide and chunk, and writes nowhere but its output folder."""

import hashlib

import pytest

from nncourse.deck import document, execute, pandoc, render
from nncourse.cli import main

DOC = '''---
title: "A small deck"
execute:
  echo: true
---

## First slide

```{python}
#| include: false
hidden = 41
```

```{python}
#| echo: false
print("only the output", hidden + 1)
```

```{python}
#| output: false
shown_code_without_output = 1
```

```{python}
#| eval: false
raise RuntimeError("never run")
```

```{python}
#| echo: false
#| output: asis
print("**raw markdown**")
```

## Second slide

```{python}
1 / 0
```
'''


def test_parse_qmd_reads_front_matter_options_and_slides():
    front, cells = document.parse_qmd(DOC)
    assert front["title"] == "A small deck" and front["execute"] == {"echo": True}
    code = [c for c in cells if c.kind == "code"]
    assert [c.options for c in code] == [{"include": False}, {"echo": False}, {"output": False}, {"eval": False}, {"echo": False, "output": "asis"}, {}]
    assert [c.slide for c in code] == ["First slide"] * 5 + ["Second slide"]
    assert code[1].source == 'print("only the output", hidden + 1)'


def test_font_faces_keep_their_woff_source_alone():
    css = """@font-face {
    font-family: 'A';
    src: url('./a.eot');
    src: url('./a.eot?#iefix') format('embedded-opentype'),
         url('./a.woff') format('woff'),
         url('./a.ttf') format('truetype');
    font-weight: normal;
}
@font-face { font-family: 'B'; src: url(b.ttf) format('truetype'); }
h1 { font-family: 'A'; }"""
    lean = pandoc.woff_faces(css)
    assert lean.startswith("@font-face {\n    src: url('./a.woff') format('woff');\n    font-family: 'A';\n    font-weight: normal;\n}")
    assert ".eot" not in lean and "a.ttf" not in lean
    assert lean.endswith("@font-face { font-family: 'B'; src: url(b.ttf) format('truetype'); }\nh1 { font-family: 'A'; }")  # no WOFF: kept


def test_a_failing_chunk_names_its_slide_and_number(tmp_path):
    doc = tmp_path / "small.qmd"
    doc.write_text(DOC)
    with pytest.raises(render.RenderError, match=r"chunk 6 on slide 'Second slide' failed:(.|\n)*ZeroDivisionError"):
        render.render("html", tmp_path / "out", use_quarto=False, document=doc)
    assert not (tmp_path / "out").exists()


def test_a_document_with_no_chunk_to_run_starts_no_kernel(tmp_path, monkeypatch):
    from jupyter_client import manager

    def started(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(manager.KernelManager, "__init__", started)
    doc = tmp_path / "plain.qmd"
    doc.write_text("---\ntitle: t\n---\n\n## One\n\nText.\n\n```{python}\n#| eval: false\nshown = 1\n```\n")
    deck = render.render("revealjs", tmp_path / "out", use_quarto=False, document=doc).path
    html = deck.read_text()
    assert "<p>Text.</p>" in html and "shown" in html  # the slide, and the chunk shown unrun


def test_chunk_options_shape_the_markdown(tmp_path):
    doc = tmp_path / "small.qmd"
    doc.write_text(DOC.split("## Second slide")[0])
    front, cells = execute.execute(doc)
    markdown = pandoc.to_markdown(front, cells, tmp_path)
    assert "hidden = 41" not in markdown  # include: false hides code and output
    assert "only the output 42" in markdown and 'print("only the output"' not in markdown  # echo: false
    assert "shown_code_without_output = 1" in markdown  # output: false keeps the code
    assert "never run" in markdown  # eval: false shows the code, runs nothing
    assert "\n**raw markdown**\n" in markdown and "```\n**raw markdown**" not in markdown  # asis
    assert markdown.startswith("---\ntitle: A small deck\n---")


def digest(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_render_writes_only_its_output_folder(tmp_path):
    doc = tmp_path / "small.qmd"
    doc.write_text(DOC.split("## Second slide")[0])
    before = digest(tmp_path)
    done = render.render("html", tmp_path / "_output", use_quarto=False, document=doc)
    after = digest(tmp_path)
    assert done.path == tmp_path / "_output" / "small.html"
    assert {k: v for k, v in after.items() if k.parts[0] != "_output"} == before


def test_cli_names_a_bad_document(tmp_path, capsys):
    assert main(["render", str(tmp_path / "missing.qmd"), "--built-in"]) == 1
    assert f"document: no such file: {tmp_path / 'missing.qmd'}" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("hello")
    assert main(["render", str(tmp_path / "notes.txt"), "--built-in"]) == 1
    assert "document: expected a .qmd file or a Jupyter notebook (.ipynb)" in capsys.readouterr().err


def test_render_rejects_an_unknown_format():
    with pytest.raises(ValueError, match=r"to: expected one of \('revealjs', 'html'\), got 'pdf'"):
        render.render("pdf")


ENGINE = "---\ntitle: t\n---\n\n## GLM\n\n```{python}\n#| echo: false\n#| output: asis\nimport os\nprint('engine', os.environ['NNCOURSE_R_ENGINE'])\n```\n"
GLM = "\n```{python}\n#| echo: false\n#| output: asis\nfrom nncourse.deck import slide\nfor label in ('xor-data', 'xor-lm', 'xor-lm-pred'):\n    slide.r_section('lecture_xor.R', label, 'code')\nslide.r_section('lecture_xor.R', 'xor-glm', 'output')\n```\n"


def test_the_kernel_is_told_the_r_engine_rpy2_by_default(tmp_path):
    doc = tmp_path / "engine.qmd"
    doc.write_text(ENGINE)
    assert "engine rpy2" in render.render("html", tmp_path / "a", use_quarto=False, document=doc).path.read_text()
    with pytest.raises(ValueError, match=r"r_engine: expected one of \('rpy2', 'webr'\), got 'R'"):
        render.render("html", tmp_path / "b", use_quarto=False, document=doc, r_engine="R")


@pytest.mark.r
def test_r_engine_webr_renders_the_decks_r_on_r_4_6(webr, tmp_path, lecture_ledger):
    """``render --r-engine webr``: the deck's R sections (deck/slide.py) run on R 4.6, which
    prints the lecture's summary(glm) with no "Deviance Residuals" block."""
    assert webr.version[:2] == (4, 6)
    doc = tmp_path / "glm.qmd"
    doc.write_text(ENGINE + GLM)
    assert main(["render", str(doc), "--built-in", "--to", "html", "--r-engine", "webr", "--output", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "glm.html").read_text()
    assert "engine webr" in page and "Deviance Residuals" not in page
    for line in ("Null deviance: 5.5452 on 3 degrees of freedom", "AIC: 11.545", "Number of Fisher Scoring iterations: 2"):
        assert line in lecture_ledger["xor_glm_summary"].printed and line in " ".join(page.split()), line


NOTES = "---\ntitle: t\n---\n\n## One\n\nText.\n\n::: {.notes}\nSay this first.\n:::\n\n## Two\n\nMore.\n"


def test_the_speaker_view_shows_the_notes_before_its_previews_load(tmp_path):
    """The built-in deck's speaker view (key S) fills its notes as soon as it is open: its
    two previews of the deck are kept from loading here, and the notes still come (reveal.js's
    plugin alone waits for the previews, seconds on a busy machine, for ever here)."""
    from playwright.sync_api import sync_playwright

    from conftest import chromium_or_skip

    doc = tmp_path / "notes.qmd"
    doc.write_text(NOTES)
    deck = render.render("revealjs", tmp_path / "out", use_quarto=False, document=doc).path
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_or_skip())
        try:
            context = browser.new_context(offline=True)
            previews = []
            context.route("**/*receiver*", lambda route: (previews.append(route.request.url), route.abort()))
            page = context.new_page()
            page.goto(deck.as_uri())
            page.wait_for_function("window.Reveal && Reveal.isReady()")
            page.keyboard.press("ArrowRight")
            with page.expect_popup() as opened:
                page.keyboard.press("s")
            view = opened.value
            view.wait_for_function("document.querySelector('.speaker-controls-notes .value').textContent.includes('Say this first.')", timeout=60_000)
            assert len(previews) == 2  # both previews asked for, neither loaded
        finally:
            browser.close()
