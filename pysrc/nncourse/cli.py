"""The ``nncourse`` command: its parser built from :mod:`nncourse.commands`, one module per command.

Every command takes ``--project DIR``: the Week 10 project it works on (default: the one
around the current folder, else the package's own copy; see :mod:`nncourse.paths`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths
from .commands import COMMANDS
from .commands.console import UsageError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nncourse", description="Week 10 (Neural Networks) of POP77032, reproduced.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    run = {}
    for command in COMMANDS:
        command.add_parser(subparsers).add_argument(
            "--project", type=Path, default=None, metavar="DIR",
            help=f"the project to work on: a folder holding {paths.MARKER} (default: the one around the current folder, else the copy in the package)",
        )
        run[command.NAME] = command.run
    args = parser.parse_args(argv)
    try:
        project = None if args.project is None else paths.as_project(args.project, "--project")
    except ValueError as exc:
        parser.error(str(exc))
    with paths.working_on(project):
        try:
            return run[args.command](args)
        except UsageError as exc:
            parser.error(str(exc))

if __name__ == "__main__":
    sys.exit(main())
