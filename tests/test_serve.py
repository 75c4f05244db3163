"""``nncourse serve`` under a hall's load and hostile requests: every connection answered,
only its own Host served, malformed requests refused with a status, silent clients dropped.
Loopback only; every wait is bounded."""

import socket
import threading
import time

import pytest

from nncourse.deck import serve


@pytest.fixture
def deck(tmp_path):
    path = tmp_path / "deck.html"
    path.write_text("<!DOCTYPE html><title>the deck</title><p>slides</p>")
    return path


@pytest.fixture
def served(deck):
    httpd = serve.server(deck, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def ask(port, raw: bytes, timeout=30.0) -> bytes:
    """Send ``raw`` and read until the server closes (bounded by ``timeout``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        parts = []
        while chunk := sock.recv(65536):
            parts.append(chunk)
        return b"".join(parts)


def get(port, path, host=None):
    host = host or f"127.0.0.1:{port}"
    return ask(port, f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())


def status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


def test_the_deck_and_webr_are_served_to_its_own_host(served):
    port = served.server_address[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        reply = get(port, "/deck.html", host)
        assert status(reply) == 200 and b"<title>the deck</title>" in reply
    assert status(get(port, "/webr/webr.mjs")) == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1", "127.0.0.1:1", "localhost.evil.example:{port}"])
def test_any_other_host_is_refused(served, host):
    port = served.server_address[1]
    for path in ("/deck.html", "/webr/webr.mjs", "/"):
        reply = get(port, path, host.format(port=port))
        assert status(reply) == 421, reply[:200]
        assert b"this server answers to 127.0.0.1:" in reply and b"the deck" not in reply


def test_a_request_without_host_is_refused(served):
    port = served.server_address[1]
    reply = ask(port, b"GET /deck.html HTTP/1.0\r\n\r\n")
    assert status(reply) == 421 and b"the deck" not in reply


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/deck%00.html", 400),
        ("/deck.html%0a", 400),
        ("/" + "x" * 300, 404),
        ("/webr/" + "y" * 300 + "/webr.mjs", 404),
        ("/" + "a/" * 30_000, 404),
        ("/../../etc/passwd", 403),
        ("/webr/../../../etc/passwd", 403),
    ],
    ids=["nul", "newline", "300-char name", "300-char folder", "60 KB of a/", "dot-dot", "dot-dot from webr"],
)
def test_malformed_paths_get_a_status_not_a_dropped_connection(served, path, expected, capfd):
    reply = get(served.server_address[1], path)
    assert reply.startswith(b"HTTP/1.0 ") and status(reply) == expected, reply[:200]
    assert "Traceback" not in capfd.readouterr().err


def test_an_http_0_9_request_gets_a_400(served, capfd):
    reply = ask(served.server_address[1], b"GET /deck.html\r\n")
    assert reply.startswith(b"HTTP/1.0 400 ") and b"HTTP/0.9 requests are not served" in reply
    assert "Traceback" not in capfd.readouterr().err


def test_a_request_line_too_long_gets_a_status(served):
    reply = get(served.server_address[1], "/" + "b" * 70_000)
    assert status(reply) == 414


def test_a_client_that_stops_sending_is_dropped(deck, monkeypatch, capfd):
    monkeypatch.setattr(serve.DeckHandler, "timeout", 0.5)
    httpd = serve.server(deck, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(("127.0.0.1", httpd.server_address[1]), timeout=30) as sock:
            sock.sendall(b"GET /deck.html HTTP/1.1\r\nHost: 127.0.0.1")  # and then nothing
            assert sock.recv(1024) == b""  # the server closed it (recv would time out after 30 s otherwise)
        assert status(get(httpd.server_address[1], "/deck.html")) == 200  # the next client is served
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert "Traceback" not in capfd.readouterr().err


def test_200_connections_at_once_all_get_the_deck(deck):
    # Before the server accepts anything, 200 connections must all be taken by the kernel:
    # with a small listen backlog the ones past it wait for SYN retries (1 s, 3 s, ...).
    httpd = serve.server(deck, 0)
    port = httpd.server_address[1]
    serving = threading.Thread(target=httpd.serve_forever, daemon=True)
    clients = []
    try:
        for _ in range(200):
            sock = socket.socket()
            sock.settimeout(0.9)  # a retried SYN takes a full second: a queued connection none
            sock.connect(("127.0.0.1", port))
            clients.append(sock)
        serving.start()
        for sock in clients:
            sock.sendall(f"GET /deck.html HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        deadline = time.monotonic() + 60  # for all 200: a bound, never reached when each is taken
        replies = []
        for sock in clients:
            parts = []
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            while chunk := sock.recv(65536):
                parts.append(chunk)
            replies.append(b"".join(parts))
        assert [status(r) for r in replies] == [200] * 200
        assert all(r.endswith(b"<p>slides</p>") for r in replies)
    finally:
        for sock in clients:
            sock.close()
        if serving.is_alive():  # shutdown() waits for a serve_forever that was started
            httpd.shutdown()
        httpd.server_close()
