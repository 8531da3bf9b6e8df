"""A real upstream HTTP server on 127.0.0.1 for guests that call out, run in a thread of the test.

- ``GET /hello``: ``hello from upstream`` plus the Authorization header it got
- ``GET /big``: ``BIG_BODY`` (1 MiB, every byte value) as application/octet-stream
- ``POST /echo``: the request body back, bytes exact
- ``GET /stall``: reads the request and does not answer for ``STALL_SECONDS`` (or until the server closes)
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

BIG_BODY = bytes(range(256)) * 4096
STALL_SECONDS = 10.0


class _Handler(BaseHTTPRequestHandler):
    server: Upstream

    def do_GET(self) -> None:
        if self.path == "/stall":
            self.server.closing.wait(STALL_SECONDS)
            return
        if self.path == "/big":
            self._answer("application/octet-stream", BIG_BODY)
        else:
            self._answer("text/plain", f"hello from upstream; auth={self.headers.get('Authorization')}\n".encode())

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer("application/octet-stream", body)

    def _answer(self, content_type: str, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        """Quiet: the test reads answers, not the access log."""


class Upstream(ThreadingHTTPServer):
    """The server on a free loopback port (``url``), serving in a daemon thread until closed."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.closing = threading.Event()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, name="upstream", daemon=True).start()

    def __enter__(self) -> Upstream:
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.closing.set()
        self.shutdown()
        self.server_close()
