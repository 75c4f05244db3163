"""``nncourse serve``: the rendered deck over http on 127.0.0.1, its R live (webR), until Ctrl-C."""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "serve"


def add_parser(subparsers):
    srv = subparsers.add_parser(NAME, help="serve the rendered deck on 127.0.0.1, so that its R runs live (webR)")
    srv.add_argument("deck", nargs="?", type=Path, default=None, help="a rendered deck (default: the project's slides where nncourse render puts them)")
    srv.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765; 0 picks a free one)")
    return srv


def run(args) -> int:
    from ..deck import render, serve

    deck = args.deck or render.rendered_path()
    try:
        httpd = serve.server(deck, args.port)
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
