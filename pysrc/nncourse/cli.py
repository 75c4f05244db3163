"""The ``nncourse`` command: its parser built from :mod:`nncourse.commands`, one module per command."""

from __future__ import annotations

import argparse
import sys

from .commands import COMMANDS
from .commands.console import UsageError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nncourse", description="Week 10 (Neural Networks) of POP77032, reproduced.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    run = {}
    for command in COMMANDS:
        command.add_parser(subparsers)
        run[command.NAME] = command.run
    args = parser.parse_args(argv)
    try:
        return run[args.command](args)
    except UsageError as exc:
        parser.error(str(exc))


if __name__ == "__main__":
    sys.exit(main())
