"""Executed cells to one self-contained HTML file: Pandoc Markdown, reveal.js, maths as SVG.

The chunk options the deck uses (``echo``, ``output``, ``include``, ``warning``,
``fig-cap``, ``fig-alt``, ``code-line-numbers``) shape the Markdown as Quarto's would;
Pandoc (``pypandoc-binary``) builds reveal.js HTML (reveal.js from npm, ``npm ci`` at
set-up) configured with Quarto's revealjs defaults under the deck's own options. Figures
are embedded, maths typeset by MathJax 3 as SVG at build time: nothing is fetched when
the file is opened.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import tempfile
from pathlib import Path

from .. import paths
from .document import Cell, RenderError, format_options, options_for

QUARTO_LOOK = paths.ASSETS / "quarto-look.css"
LINE_STEPS = paths.ASSETS / "line_steps.js"
SPEAKER_VIEW = paths.ASSETS / "speaker_view.js"


def to_markdown(front: dict, cells: list[Cell], assets: Path) -> str:
    """Pandoc Markdown for executed cells, honouring each chunk's options.

    Figures are written into ``assets`` and referenced from there."""
    import yaml

    defaults = front.get("execute", {})
    meta = {key: front[key] for key in ("title", "subtitle", "author", "date") if key in front}
    parts = [f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---"]
    figures = (assets / f"figure-{n}.png" for n in itertools.count(1))
    for cell in cells:
        if cell.kind == "markdown":
            parts.append(cell.source)
            continue
        options = options_for(cell, defaults)
        if not options["include"]:
            continue
        if options["echo"]:
            parts.append(f"```{{.python {_line_numbers(options['code-line-numbers'])}}}\n{cell.source}\n```")
        if options["output"] is not False:
            parts += [part for output in cell.outputs if (part := _output(output, options, figures)) is not None]
    return "\n\n".join(parts) + "\n"


def _output(output: dict, options: dict, figures) -> str | None:
    """One of a chunk's outputs as Markdown (a figure written to the next of ``figures``),
    or None for what the options hide (stderr under ``warning: false``)."""
    if output["output_type"] == "stream":
        if output["name"] == "stderr" and not options["warning"]:
            return None
        text = output["text"]
        return _asis(text) if options["output"] == "asis" else f"```\n{text.rstrip()}\n```"
    if output["output_type"] not in ("execute_result", "display_data"):
        return None
    data = output["data"]
    if "image/png" in data:
        file = next(figures)
        file.write_bytes(base64.b64decode(data["image/png"]))
        caption = options.get("fig-cap", "")
        alt = options.get("fig-alt", caption)
        return f'![{caption}]({file.as_posix()}){{fig-alt="{alt}"}}'
    if "text/html" in data:
        return f"```{{=html}}\n{data['text/html']}\n```"
    if "text/markdown" in data:
        return data["text/markdown"]
    if "text/plain" in data:
        return f"```\n{data['text/plain']}\n```"
    return None


def _line_numbers(option) -> str:
    """Quarto's ``code-line-numbers`` (checked by :func:`.document.check_chunks`) as Pandoc
    attributes: ``true`` numbers the lines; a string such as ``"1-18|20-34"`` numbers them
    and steps through those highlights (``assets/line_steps.js`` does in the built-in deck
    what Quarto's plugin does)."""
    if option is True:
        return ".numberLines"
    if isinstance(option, str):
        return f'.numberLines data-code-line-numbers="{option}"'
    return ""


def _asis(markdown: str) -> str:
    """Raw Markdown printed by a chunk; Quarto's ``code-line-numbers`` becomes Pandoc's ``.numberLines``."""
    return re.sub(r'\{(\.\w+) code-line-numbers="true"\}', r"{\1 .numberLines}", markdown)


# Quarto's own revealjs defaults (its "opinionated" reveal config, documented in Quarto's
# revealjs reference), which the built-in path applies under the document's options so that
# a lecturer who switches renderers sees the same deck.
QUARTO_REVEAL_DEFAULTS = {
    "width": 1050, "height": 700, "margin": 0.1, "center": False, "navigationMode": "linear",
    "controlsLayout": "edges", "controlsTutorial": False, "hash": True, "history": True,
    "hashOneBasedIndex": False, "fragmentInURL": False, "transition": "none", "backgroundTransition": "none",
}
REVEAL_OPTIONS = {*QUARTO_REVEAL_DEFAULTS, "controls", "slideNumber", "progress", "minScale", "maxScale"}


def reveal_config(options: dict) -> dict:
    """reveal.js's configuration for a deck's ``format: revealjs`` options, as Quarto resolves
    it: Quarto's defaults, the document's options over them (kebab-case as in ``_quarto.yml``),
    and ``slide-number: true`` shown as Quarto shows it in a linear deck, "current / total"."""
    config = dict(QUARTO_REVEAL_DEFAULTS)
    for key, value in options.items():
        camel = re.sub(r"-(\w)", lambda m: m.group(1).upper(), key)
        if camel in REVEAL_OPTIONS:
            config[camel] = value
    if config.get("slideNumber") is True:
        config["slideNumber"] = "c/t" if config["navigationMode"] == "linear" else "h.v"
    return config


# Options Pandoc's revealjs template puts in quotes itself; it pastes the others as they come.
QUOTED_BY_PANDOC = {"controlsLayout", "navigationMode", "transition", "backgroundTransition"}


def _js(key: str, value) -> str:
    """An option's value as the text Pandoc's template needs to make a JavaScript literal."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str) and key not in QUOTED_BY_PANDOC:
        return f"'{value}'"
    return str(value)


def build_html(markdown: str, front: dict, output: Path, *, to: str, resource_path: Path, folder: Path) -> Path:
    """Pandoc: Markdown to one self-contained reveal.js (or plain HTML) file, maths typeset
    by MathJax 3 at build time (:mod:`nncourse.deck.mathsvg`)."""
    import pypandoc

    from . import mathsvg

    options = format_options(front, to, folder)
    ast = json.loads(pypandoc.convert_text(markdown, to="json", format="markdown"))
    try:
        math_css = mathsvg.typeset(ast)
    except mathsvg.MathError as exc:
        raise RenderError(str(exc)) from None
    args = ["--standalone", "--embed-resources", f"--resource-path={resource_path}"]
    args += [f"--css={css}" for css in ([QUARTO_LOOK] if to == "revealjs" else []) + styles(options, to, folder)]
    with tempfile.TemporaryDirectory() as scratch:
        if math_css:
            args.append(f"--include-in-header={_write(Path(scratch) / 'math.html', '<style>', math_css, '</style>')}")
        if to == "revealjs":
            args += _reveal_args(ast, options, Path(scratch))
        output.parent.mkdir(parents=True, exist_ok=True)
        pypandoc.convert_text(json.dumps(ast), to=to if to == "revealjs" else "html5", format="json", outputfile=str(output), extra_args=args)
    return output


def _reveal_args(ast: dict, options: dict, scratch: Path) -> list[str]:
    """Pandoc's arguments for a reveal.js deck, and the title slide laid out as Quarto's."""
    revealjs = paths.node_modules() / "reveal.js"
    if not (revealjs / "dist" / "reveal.js").exists():
        raise RenderError(f"reveal.js is not installed at {revealjs}: {paths.setup_hint('npm')}")
    # the title slide as Quarto lays it out: centred, on a deck that is not
    ast["meta"]["title-slide-attributes"] = {"t": "MetaMap", "c": {"class": {"t": "MetaString", "c": "quarto-title-block center"}}}
    return [
        "--slide-level=2",
        f"--variable=revealjs-url={_woff_only(revealjs, scratch)}",
        f"--variable=theme={options.get('theme', 'white').replace('default', 'white')}",
        *(f"--variable={key}={_js(key, value)}" for key, value in reveal_config(options).items()),
        *(f"--include-after-body={_write(scratch / f'{js.stem}.html', '<script>', js.read_text(), '</script>')}" for js in (LINE_STEPS, SPEAKER_VIEW)),
    ]


def _woff_only(revealjs: Path, scratch: Path) -> Path:
    """reveal.js as npm installed it (linked, in ``scratch``), but for its themes' font style
    sheets, each face kept as WOFF only, the format every browser reads: the EOT (twice) and
    TrueType copies beside it serve Internet Explorer 8 and old Android, and Pandoc embeds every
    file a style sheet names. A deck carried each face four times: 2.3 of a small deck's 3.1 MB,
    two thirds of Pandoc's time building it, and a browser's parse of it each time it opens."""
    fonts = revealjs / "dist" / "theme" / "fonts"

    def mirror(source: Path, target: Path) -> None:
        target.mkdir()
        for entry in source.iterdir():
            if entry.is_dir() and (fonts.is_relative_to(entry) or entry.is_relative_to(fonts)):
                mirror(entry, target / entry.name)  # on the way to the fonts' style sheets, or among them
            elif entry.suffix == ".css" and entry.is_relative_to(fonts):
                (target / entry.name).write_text(woff_faces(entry.read_text()))
            else:
                (target / entry.name).symlink_to(entry.resolve())

    mirror(revealjs, scratch / "reveal.js")
    return scratch / "reveal.js"


FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
WOFF = re.compile(r"""url\([^)]*\.woff2?['"]?\)\s*format\(['"]woff2?['"]\)""")


def woff_faces(css: str) -> str:
    """A style sheet's ``@font-face`` rules with their sources cut to the WOFF (or WOFF2) one;
    a face without one kept as it is."""

    def one(face: re.Match) -> str:
        woff = WOFF.search(face.group(0))
        if woff is None:
            return face.group(0)
        rest = re.sub(r"\s*src\s*:[^;]*;", "", face.group(0))
        return rest.replace("{", f"{{\n    src: {woff.group(0)};", 1)

    return FONT_FACE.sub(one, css)


def _write(path: Path, opening: str, body: str, closing: str) -> Path:
    """``body`` inside an HTML element, written to ``path`` for Pandoc to include."""
    path.write_text(f"{opening}\n{body}{closing}\n")
    return path


def styles(options: dict, to: str, folder: Path) -> list[Path]:
    """The style sheets format ``to``'s options name (``css``), each found beside the
    document, or a RenderError naming the one that is missing or not a file name."""
    named = options.get("css")
    named = [] if named is None else named if isinstance(named, list) else [named]
    found = []
    for css in named:
        if not isinstance(css, str):
            raise RenderError(f"format {to}: css: expected a style sheet's file name, got {css!r}")
        if not (folder / css).is_file():
            raise RenderError(f"format {to}: css: {folder / css} does not exist (named in _quarto.yml or the front matter)")
        found.append(folder / css)
    return found


def check_format(front: dict, to: str, folder: Path) -> None:
    """What the build will read from format ``to``'s options, checked before any work."""
    options = format_options(front, to, folder)
    styles(options, to, folder)
    theme = options.get("theme", "white")
    if not isinstance(theme, str):
        raise RenderError(f"format {to}: theme: expected a reveal.js theme's name such as white, got {theme!r}")
