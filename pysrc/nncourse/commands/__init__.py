"""The ``nncourse`` commands, one module each: ``add_parser(subparsers)`` declares the
command and its options, ``run(args) -> int`` does it and returns the exit status.

:mod:`nncourse.cli` builds the parser from :data:`COMMANDS` and dispatches. A command
refuses bad input by raising :class:`console.UsageError` (argparse's message and exit 2)
or prints its own error and returns 1.
"""

from . import grade, render, report, serve, site, tutorial

COMMANDS = (render, serve, grade, tutorial, report, site)
