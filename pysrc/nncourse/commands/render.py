"""``nncourse render``: the slides (or any .qmd / notebook), then optionally every slide checked."""

from __future__ import annotations

import sys
from contextlib import ExitStack, suppress
from pathlib import Path

from .console import progress_to_stderr

NAME = "render"


def add_parser(subparsers):
    ren = subparsers.add_parser(NAME, help="render the slides (Quarto if installed, else the built-in path)")
    ren.add_argument("document", nargs="?", type=Path, default=None, help="a .qmd to render (default: the project's slides)")
    ren.add_argument("--to", choices=("revealjs", "html"), default=None, help="output format (default: revealjs for the slides, html otherwise)")
    ren.add_argument("--output", type=Path, default=None, help="output folder (default: _output beside the document; in the current folder for the package's own slides)")
    engine = ren.add_mutually_exclusive_group()
    engine.add_argument("--quarto", dest="use_quarto", action="store_true", default=None, help="insist on Quarto")
    engine.add_argument("--built-in", dest="use_quarto", action="store_false", help="use the built-in path even if Quarto is installed")
    ren.add_argument("--cell-timeout", type=float, default=None, metavar="S", help="seconds a chunk may run before the render stops it (default 120)")
    ren.add_argument("--force", action="store_true", help="replace an output file that nncourse did not make")
    ren.add_argument("--pdf", action="store_true", help="also print the handout: a PDF beside the deck, one page per slide (every line of stepped listings; no buttons or sliders)")
    ren.add_argument("--notes", action="store_true", help="with --pdf: the speaker notes under each slide")
    ren.add_argument("--r-engine", choices=("rpy2", "webr"), default="rpy2", help="the R the deck's R runs on: the system R via rpy2 (default) or R 4.6 via webR (the lecture's text)")
    ren.add_argument("--check", action="store_true", help="then open every slide offline in headless Chromium and say what overflows, is too small or did not typeset (exit 1 if anything)")
    ren.add_argument("--screenshots", type=Path, default=None, help="with --check: where to keep a PNG per slide (default: slide-check/ in the output folder)")
    return ren


def run(args) -> int:
    from .. import paths
    from ..deck import render

    deck = paths.project().deck
    document = args.document or deck
    to = args.to or ("revealjs" if document.resolve() == deck.resolve() else "html")
    timeout = render.CELL_TIMEOUT if args.cell_timeout is None else args.cell_timeout
    with one_browser(args.pdf and args.check):
        try:
            done = render.render(
                to, args.output, progress_to_stderr, use_quarto=args.use_quarto, document=document, cell_timeout=timeout,
                force=args.force, pdf=args.pdf, notes=args.notes, r_engine=args.r_engine,
            )
        except (render.RenderError, ValueError) as exc:
            print(f"\nnncourse render: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\nnncourse render: interrupted; the kernel was stopped and nothing was written", file=sys.stderr)
            return 130
        tools = "Jupyter kernel + Pandoc + reveal.js" if to == "revealjs" else "Jupyter kernel + Pandoc"
        how = "Quarto" if done.engine == "quarto" else f"the built-in path ({tools}; Quarto not found)"
        print(f"\nrendered {done.path} with {how}" + (f"\nhandout: {done.handout}" if done.handout else ""), file=sys.stderr)
        return check_slides(done.path, args.screenshots, to) if args.check else 0


def one_browser(wanted: bool) -> ExitStack:
    """With ``--pdf --check``, one headless Chromium for the handout and the check (a start
    costs about 2 s of CPU); none started here otherwise, nor where Chromium or Playwright
    is missing (the handout and the check each say so in their own words)."""
    stack = ExitStack()
    if wanted:
        from ..deck import slidecheck

        with suppress(slidecheck.CheckUnavailable):
            stack.enter_context(slidecheck.browser())
    return stack


def check_slides(deck: Path, screenshots: Path | None, to: str) -> int:
    """``render --check``: every slide of the rendered deck, as :mod:`nncourse.deck.slidecheck` sees it."""
    from ..deck import slidecheck

    if to != "revealjs":
        print(f"nncourse render: --check: expected a reveal.js deck (--to revealjs), got --to {to}", file=sys.stderr)
        return 1
    screenshots = screenshots or deck.parent / "slide-check"
    try:
        result = slidecheck.check_deck(deck, screenshots)
    except slidecheck.CheckUnavailable as exc:
        print(f"nncourse render --check: {exc}", file=sys.stderr)
        return 1
    print("\n".join(result.lines()))
    print(f"screenshots of every slide: {screenshots}", file=sys.stderr)
    return 0 if result.ok else 1
