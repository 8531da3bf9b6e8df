"""A WSGI app that tries wasi:sockets: a name lookup, then HTTP/1.0 over a plain TCP socket.

``QUERY_STRING`` is ``HOST:PORT``. The answer has two lines: ``lookup: <first address>`` and
``connect: <the reply's status line>``, each ``... refused: <error>`` when the sandbox or the
network says no. Measured on wasmtime-py 50.0.1: the network grant opens name lookups, while
creating a TCP socket stays ``access-denied`` (HTTP goes through wasi:http instead).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from typing import Any


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Look the host up, then connect to it and answer with both outcomes."""
    host, _, port = environ.get("QUERY_STRING", "").rpartition(":")
    lines = [f"lookup: {_attempt(lambda: socket.getaddrinfo(host, int(port))[0][4][0])}"]
    lines.append(f"connect: {_attempt(lambda: _status_line(host, int(port)))}")
    start_response("200 OK", [("Content-Type", "text/plain")])
    return ["".join(f"{line}\n" for line in lines).encode()]


def _attempt(action: Callable[[], str]) -> str:
    try:
        return action()
    except (OSError, ValueError) as exc:
        return f"refused: {exc}"


def _status_line(host: str, port: int) -> str:
    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(b"GET /hello HTTP/1.0\r\nHost: " + host.encode() + b"\r\n\r\n")
        return connection.makefile("rb").readline().decode("latin-1").strip()
