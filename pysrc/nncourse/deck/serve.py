"""``nncourse serve``: the rendered deck over http on 127.0.0.1, so that its R runs live.

webR (R 4.6 in the browser) cannot start from ``file://``. This server gives the deck
exactly what it needs and nothing else: the deck itself (one self-contained file), and
under ``/webr/`` the files of npm ``webr``'s ``dist/`` (installed by the set-up; nothing
from the network). Every answer carries the cross-origin isolation headers (COOP/COEP) with
which the browser lets webR use SharedArrayBuffer. It listens on 127.0.0.1 only, refuses
any path outside those two folders, and stops cleanly on Ctrl-C.
"""

from __future__ import annotations

import mimetypes
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import paths

HOST = "127.0.0.1"
ISOLATION = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}
TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript", ".html": "text/html; charset=utf-8", ".so": "application/octet-stream", ".data": "application/octet-stream"}


class ServeError(ValueError):
    """The deck cannot be served; the message says why."""


def handler_for(deck: Path, webr_dist: Path):
    """A request handler serving ``deck`` at /its-name and webR's files at /webr/."""
    deck = deck.resolve()
    folder = deck.parent
    webr_dist = webr_dist.resolve()

    class DeckHandler(BaseHTTPRequestHandler):
        server_version = "nncourse-serve"

        def do_GET(self):  # noqa: N802 -- the http.server interface
            self._answer(body=True)

        def do_HEAD(self):  # noqa: N802
            self._answer(body=False)

        def _answer(self, body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            if path == "/":
                self.send_response(HTTPStatus.FOUND)
                self.send_header("Location", "/" + deck.name)
                self.end_headers()
                return
            root, relative = (webr_dist, path[len("/webr/"):]) if path.startswith("/webr/") else (folder, path.lstrip("/"))
            target = (root / relative).resolve()
            if not target.is_relative_to(root):
                return self._refuse(HTTPStatus.FORBIDDEN, "outside the served folders")
            if not target.is_file() or (root == folder and target != deck):
                return self._refuse(HTTPStatus.NOT_FOUND, "not part of the deck")
            data = target.read_bytes()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-cache")
            for name, value in ISOLATION.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(data)

        def _refuse(self, status: HTTPStatus, why: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            self.wfile.write(f"{status.value} {status.phrase}: {why}\n".encode())

        def log_message(self, format, *args):  # noqa: A002 -- quiet: a lecture is no place for access logs
            return

    return DeckHandler


def server(deck, port: int = 8765) -> ThreadingHTTPServer:
    """A server for ``deck`` (a rendered .html) on 127.0.0.1:``port`` (0: any free port)."""
    deck = Path(deck).resolve()
    if not deck.is_file() or deck.suffix != ".html":
        raise ServeError(f"deck: expected a rendered .html deck, got {deck} (render it first: nncourse render)")
    webr_dist = paths.node_modules() / "webr" / "dist"
    if not (webr_dist / "webr.mjs").is_file():
        raise ServeError(f"webr: the npm package webr is not installed in {webr_dist.parents[1]}: {paths.setup_hint('npm')}")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port < 65536:
        raise ServeError(f"--port: expected a port number from 0 to 65535, got {port!r}")
    try:
        return ThreadingHTTPServer((HOST, port), handler_for(deck, webr_dist))
    except OSError as exc:
        raise ServeError(f"--port: cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None


def url_of(httpd: ThreadingHTTPServer, deck) -> str:
    """The address at which ``httpd`` serves ``deck``."""
    return f"http://{HOST}:{httpd.server_address[1]}/{Path(deck).name}"


def serve_in_background(deck, port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Start serving in a thread (for tests and notebooks): the server and the deck's URL."""
    httpd = server(deck, port)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, url_of(httpd, deck)
