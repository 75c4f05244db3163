"""The ``nncourse`` command: ``render`` the deck, ``report`` what reproduces here."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def progress_to_stderr(message: str) -> None:
    """Progress on long work: one line rewritten in a terminal, a line each elsewhere."""
    if sys.stderr.isatty():
        print(f"\r\033[K{message}", end="", file=sys.stderr, flush=True)
    else:
        print(message, file=sys.stderr, flush=True)


def check_slides(deck: Path, screenshots: Path | None, to: str) -> int:
    """``render --check``: every slide of the rendered deck, as :mod:`nncourse.deck.slidecheck` sees it."""
    from .deck import slidecheck

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


def add_grade_parser(commands) -> None:
    grd = commands.add_parser("grade", help="grade a class's tutorial notebooks: each run once in a sandbox, every check with the key's hidden cases, a gradebook")
    grd.add_argument("submissions", nargs="*", type=Path, help="the students' notebooks (.ipynb; also .qmd and .py)")
    grd.add_argument("--key", type=Path, default=None, help="the lecturer's grading key (TOML: hidden seeds, points, quiz answers)")
    grd.add_argument("--new-key", type=Path, default=None, metavar="KEY", help="write a fresh key (new hidden seeds) to KEY and stop")
    grd.add_argument("--csv", type=Path, default=Path("grades.csv"), help="the gradebook to write or update row by row (default grades.csv)")
    grd.add_argument("--roster", type=Path, default=None, help="CSV with columns submission,student_id[,name][,email]: who handed in what")
    grd.add_argument("--canvas", type=Path, default=None, help="also write Canvas's gradebook import (needs --roster)")
    grd.add_argument("--moodle", type=Path, default=None, help="also write Moodle's grade import (needs --roster)")
    grd.add_argument("--feedback", type=Path, default=None, help="a folder for one HTML feedback page per submission")
    grd.add_argument("--cache", type=Path, default=None, help="the grading cache (default: .nncourse-cache beside the CSV)")
    grd.add_argument("--jobs", type=int, default=2, help="submissions graded side by side (default 2)")
    grd.add_argument("--timeout", type=float, default=60.0, help="seconds each check, and each cell of the notebook's run, may take (default 60)")
    grd.add_argument("--sandbox", choices=("bwrap", "none"), default="bwrap", help="bwrap (default), or none: no sandbox, where bubblewrap cannot run (says what that gives up)")
    grd.add_argument("--cluster", default=None, metavar="ADDRESS", help="a Dask scheduler's address (tcp://host:8786): grade there instead of here")


def _writable(path: Path, argument: str, made_by: str | None) -> Path:
    """Where ``grade`` may write, checked before any grading: the folder exists, no link,
    no source of the repository, no file of someone else's."""
    import tempfile

    from .course.gradebook import HEADERS
    from .safe_write import tracked_source

    absolute = Path(os.path.abspath(path))
    if not absolute.parent.is_dir():
        raise ValueError(f"{argument}: the folder {absolute.parent} does not exist (make it first)")
    if absolute.is_symlink():
        raise ValueError(f"{argument}: {path} is a symbolic link; nncourse does not write through links (give the real path)")
    if made_by is None:
        if absolute.exists() and not absolute.is_dir():
            raise ValueError(f"{argument}: {path} is a file; expected a folder")
        probe = absolute if absolute.is_dir() else absolute.parent
    else:
        if absolute.is_dir():
            raise ValueError(f"{argument}: {path} is a folder; expected the path of a file")
        if tracked_source(absolute):
            raise ValueError(f"{argument}: {path} is a source file of the repository; write somewhere else")
        if absolute.exists() and not HEADERS[made_by].match(absolute.read_text(encoding="utf-8", errors="replace")[:200]):
            raise ValueError(f"{argument}: {path} exists and was not written by nncourse grade; write somewhere else")
        probe = absolute.parent
    try:
        with tempfile.NamedTemporaryFile(dir=probe, prefix=".nncourse-probe-"):
            pass
    except OSError as exc:
        raise ValueError(f"{argument}: cannot write in {probe}: {exc.strerror or exc}") from None
    return absolute


def _grade_outputs(args) -> dict:
    """Every output of ``grade``, checked before anything is graded."""
    outputs = {"csv": _writable(args.csv, "--csv", "gradebook")}
    for name in ("canvas", "moodle"):
        if getattr(args, name) is not None:
            if args.roster is None:
                raise ValueError(f"--{name}: needs --roster (the export finds each student by the roster's student_id)")
            outputs[name] = _writable(getattr(args, name), f"--{name}", name)
    if args.feedback is not None:
        outputs["feedback"] = _writable(args.feedback, "--feedback", None)
    outputs["cache"] = _writable(args.cache or args.csv.parent / ".nncourse-cache", "--cache", None)
    return outputs


def grade_class(parser, args) -> int:
    """``grade``: every submission run once in a sandbox, its answers checked, the gradebook updated."""
    from .course import feedback, grade, gradebook, key as keys, sandbox

    try:
        if args.new_key is not None:
            made = keys.new(args.new_key)
            print(f"wrote a fresh key to {args.new_key}: {len(made.seeds)} hidden seeds, {sum(made.points.values()):g} points; keep it private")
            return 0
        if args.key is None:
            raise ValueError("--key: expected the lecturer's grading key (make one with: nncourse grade --new-key KEY.toml)")
        if not args.submissions:
            raise ValueError("submissions: expected at least one notebook")
        if not 1 <= args.jobs <= 32:
            raise ValueError(f"--jobs: expected 1 to 32, got {args.jobs}")
        if not 1 <= args.timeout <= 600:
            raise ValueError(f"--timeout: expected 1 to 600 seconds, got {args.timeout}")
        key = keys.load(args.key)
        submissions = grade.read(args.submissions)
        roster = None if args.roster is None else gradebook.read_roster(args.roster)
        missing = sorted(s.id for s in submissions if roster is not None and s.id not in roster)
        if missing:
            raise ValueError(f"--roster: {args.roster} names no student for {', '.join(missing)}")
        outputs = _grade_outputs(args)
        if args.cluster is None:
            sandbox.check_mode(args.sandbox)
    except (ValueError, sandbox.SandboxUnavailable) as exc:
        parser.error(str(exc))
    if args.sandbox == "none":
        print(f"nncourse grade: --sandbox none: {sandbox.NOT_SANDBOXED}", file=sys.stderr)
    graded = grade.grade(submissions, key, jobs=args.jobs, budget=args.timeout, sandbox=args.sandbox,
                         cache=grade.Cache(outputs["cache"]), cluster=args.cluster, progress=progress_to_stderr)
    gradebook.write(graded, outputs["csv"], roster)
    if "canvas" in outputs:
        gradebook.write_canvas(graded, outputs["canvas"], roster)
    if "moodle" in outputs:
        gradebook.write_moodle(graded, outputs["moodle"], roster)
    if "feedback" in outputs:
        outputs["feedback"].mkdir(exist_ok=True)
        for g in graded:
            (outputs["feedback"] / feedback.file_name(g.id)).write_text(feedback.page(g, key.points), encoding="utf-8")
    print(gradebook.summary(graded, key.points))
    written = [str(p) for n, p in outputs.items() if n != "cache"]
    print(f"\nwrote {', '.join(written)}", file=sys.stderr)
    return 0


def serve_deck(deck: Path | None, port: int) -> int:
    """``serve``: the deck over http on 127.0.0.1 until Ctrl-C."""
    from .deck import render, serve

    deck = deck or render.rendered_path()
    try:
        httpd = serve.server(deck, port)
    except serve.ServeError as exc:
        print(f"nncourse serve: {exc}", file=sys.stderr)
        return 1
    print(f"Serving {Path(deck).resolve()} at {serve.url_of(httpd, deck)}\n(live R on the slides; only 127.0.0.1 can reach it; Ctrl-C stops)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        print("\nnncourse serve: stopped", file=sys.stderr)
    finally:
        httpd.server_close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nncourse", description="Week 10 (Neural Networks) of POP77032, reproduced.")
    commands = parser.add_subparsers(dest="command", required=True)

    ren = commands.add_parser("render", help="render the slides (Quarto if installed, else the built-in path)")
    ren.add_argument("document", nargs="?", type=Path, default=None, help="a .qmd to render (default: the week's slides)")
    ren.add_argument("--to", choices=("revealjs", "html"), default=None, help="output format (default: revealjs for the slides, html otherwise)")
    ren.add_argument("--output", type=Path, default=None, help="output folder (default: _output beside the document)")
    engine = ren.add_mutually_exclusive_group()
    engine.add_argument("--quarto", dest="use_quarto", action="store_true", default=None, help="insist on Quarto")
    engine.add_argument("--built-in", dest="use_quarto", action="store_false", help="use the built-in path even if Quarto is installed")
    ren.add_argument("--cell-timeout", type=float, default=None, metavar="S", help="seconds a chunk may run before the render stops it (default 120)")
    ren.add_argument("--force", action="store_true", help="replace an output file that nncourse did not make")
    ren.add_argument("--check", action="store_true", help="then open every slide offline in headless Chromium and say what overflows, is too small or did not typeset (exit 1 if anything)")
    ren.add_argument("--screenshots", type=Path, default=None, help="with --check: where to keep a PNG per slide (default: slide-check/ in the output folder)")

    srv = commands.add_parser("serve", help="serve the rendered deck on 127.0.0.1, so that its R runs live (webR)")
    srv.add_argument("deck", nargs="?", type=Path, default=None, help="a rendered deck (default: the week's slides in slides/_output)")
    srv.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765; 0 picks a free one)")

    add_grade_parser(commands)

    tut = commands.add_parser("tutorial", help="copy the tutorial into a working folder (never overwrites)")
    tut.add_argument("folder", nargs="?", type=Path, default=Path("week10-tutorial"), help="where (default ./week10-tutorial)")

    rep = commands.add_parser("report", help="which lecture numbers reproduce on this machine, and why not")
    rep.add_argument("--format", choices=("text", "html", "json"), default="text", help="terminal table (default), one self-contained HTML page, or JSON")
    rep.add_argument("--output", type=Path, default=None, help="write to this file instead of standard output")
    rep.add_argument("--force", action="store_true", help="replace an --output file that nncourse did not make")
    rep.add_argument("--r-engine", choices=("rpy2", "webr", "all"), default="all", help="which R: the system R via rpy2, R 4.6 via webR, or all that are available (default)")
    rep.add_argument("--runs", type=int, default=None, help="seeded runs per stochastic output (default 2000, trained side by side)")

    args = parser.parse_args(argv)
    if args.command == "render":
        from .deck import render

        document = args.document or render.SLIDES / render.DECK
        to = args.to or ("revealjs" if document.resolve() == (render.SLIDES / render.DECK).resolve() else "html")
        timeout = render.CELL_TIMEOUT if args.cell_timeout is None else args.cell_timeout
        try:
            done = render.render(to, args.output, progress_to_stderr, use_quarto=args.use_quarto, document=document, cell_timeout=timeout, force=args.force)
        except (render.RenderError, ValueError) as exc:
            print(f"\nnncourse render: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\nnncourse render: interrupted; the kernel was stopped and nothing was written", file=sys.stderr)
            return 130
        tools = "Jupyter kernel + Pandoc + reveal.js" if to == "revealjs" else "Jupyter kernel + Pandoc"
        how = "Quarto" if done.engine == "quarto" else f"the built-in path ({tools}; Quarto not found)"
        print(f"\nrendered {done.path} with {how}", file=sys.stderr)
        return check_slides(done.path, args.screenshots, to) if args.check else 0
    if args.command == "grade":
        return grade_class(parser, args)
    if args.command == "serve":
        return serve_deck(args.deck, args.port)
    if args.command == "tutorial":
        from .course import start as tutorial

        if args.folder.exists() and not args.folder.is_dir():
            parser.error(f"folder: expected a folder to put the tutorial in, got the file {args.folder}")
        for path, what in tutorial.start(args.folder):
            print(f"{what:>7}  {path}" + ("  (already there: your work is kept)" if what == "kept" else ""))
        print(f"Open {args.folder / 'tutorial.ipynb'} in Jupyter, or render {args.folder / 'tutorial.qmd'} with Quarto.")
        return 0
    from .repro import report

    from .algorithms import studies
    from .safe_write import OutputError, check_target

    runs = report.RUNS if args.runs is None else args.runs
    if runs < 2:
        parser.error(f"--runs: expected at least 2 seeded runs, got {runs}")
    most = studies.most_runs()
    if runs > most:
        parser.error(f"--runs: expected at most {most:,} seeded runs (what this machine's free memory holds), got {runs:,}")
    try:
        output = None if args.output is None else check_target(args.output, argument="--output", command="report", force=args.force)
    except OutputError as exc:
        parser.error(str(exc))
    try:
        engines = None if args.r_engine == "all" else [args.r_engine]
        built = report.build(runs=runs, progress=progress_to_stderr, engines=engines)
    except KeyboardInterrupt:
        print("\nnncourse report: interrupted; nothing was written", file=sys.stderr)
        return 130
    text = report.write(built, args.format, output)
    if text is not None:
        print(text)
    else:
        print(f"\rwrote {args.output}", file=sys.stderr)
    return built.exit_status

if __name__ == "__main__":
    sys.exit(main())
