"""``nncourse serve``: the rendered deck over http on 127.0.0.1, so that its R runs live.

webR (R 4.6 in the browser) cannot start from ``file://``. This server gives the deck
exactly what it needs and nothing else: the deck itself (one self-contained file), and
under ``/webr/`` the files of npm ``webr``'s ``dist/`` (installed by the set-up; nothing
from the network). Every answer carries the cross-origin isolation headers (COOP/COEP) with
which the browser lets webR use SharedArrayBuffer. It listens on 127.0.0.1 only, refuses
any path outside those two folders and any Host but its own (no DNS rebinding), answers
malformed requests with 400 or 404, drops clients that stop sending, takes hundreds of
connections at once, and stops cleanly on Ctrl-C.
"""

from __future__ import annotations

import mimetypes
import sys
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


CLIENT_TIMEOUT = 10.0  # seconds a connection may stay silent mid-request


class ServeError(ValueError):
    """The deck cannot be served; the message says why."""


class DeckHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for the deck at /its-name and webR's files at /webr/ (the class
    :func:`handler_for` makes carries ``deck``, ``webr_dist`` and the port); anything else
    gets 400, 403, 404 or 421 with a line saying why, never a dropped connection."""

    server_version = "nncourse-serve"
    default_request_version = "HTTP/1.0"  # an answer to an HTTP/0.9 request has a status line
    timeout = CLIENT_TIMEOUT  # a client that stops sending is dropped after this many seconds
    deck: Path
    webr_dist: Path

    def parse_request(self) -> bool:
        if len(self.raw_requestline.split()) == 2:  # "GET /path": HTTP/0.9, which has no Host (nor headers to wait for)
            self.command, self.request_version = "", self.default_request_version
            self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
            self._refuse(HTTPStatus.BAD_REQUEST, "HTTP/0.9 requests are not served; use HTTP/1.0 or later")
            return False
        return super().parse_request()

    def do_GET(self):  # noqa: N802 -- the http.server interface
        self._answer(body=True)

    def do_HEAD(self):  # noqa: N802
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        port = self.server.server_address[1]
        if self.headers.get("Host", "").lower() not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            return self._refuse(HTTPStatus.MISDIRECTED_REQUEST, f"this server answers to 127.0.0.1:{port} and localhost:{port} only")
        path = unquote(urlsplit(self.path).path)
        if path == "/":
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", "/" + self.deck.name)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if any(ord(c) < 32 for c in path):
            return self._refuse(HTTPStatus.BAD_REQUEST, "control characters in the path")
        found = self._file(path)
        if isinstance(found, tuple):
            return self._refuse(*found)
        data = found.read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", TYPES.get(found.suffix) or mimetypes.guess_type(found.name)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        for name, value in ISOLATION.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _file(self, path: str):
        """The file ``path`` names, or (status, why) when it is none the deck may be given."""
        folder = self.deck.parent
        root, relative = (self.webr_dist, path[len("/webr/"):]) if path.startswith("/webr/") else (folder, path.lstrip("/"))
        try:
            target = (root / relative).resolve()
            if not target.is_relative_to(root):
                return HTTPStatus.FORBIDDEN, "outside the served folders"
            if not target.is_file() or (root == folder and target != self.deck):
                return HTTPStatus.NOT_FOUND, "not part of the deck"
        except (OSError, ValueError):  # a name too long for the file system, say
            return HTTPStatus.NOT_FOUND, "not part of the deck"
        return target

    def _refuse(self, status: HTTPStatus, why: str) -> None:
        text = f"{status.value} {status.phrase}: {why}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command != "HEAD":
            self.wfile.write(text)

    def send_error(self, code, message=None, explain=None):
        """http.server's own refusals (a request line too long, a bad header) said as ours."""
        status = HTTPStatus(code)
        self._refuse(status, message or status.description)

    def log_message(self, format, *args):  # noqa: A002 -- quiet: a lecture is no place for access logs
        return


class DeckServer(ThreadingHTTPServer):
    """One thread per connection, a listen backlog for a hall of browsers, and no traceback
    for a client that went away or stopped sending."""

    request_queue_size = 512
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def handler_for(deck: Path, webr_dist: Path) -> type[DeckHandler]:
    """A request handler serving ``deck`` at /its-name and webR's files at /webr/."""
    return type("DeckHandler", (DeckHandler,), {"deck": deck.resolve(), "webr_dist": webr_dist.resolve()})


def server(deck, port: int = 8765) -> DeckServer:
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
        return DeckServer((HOST, port), handler_for(deck, webr_dist))
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
