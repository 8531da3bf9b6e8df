"""The one bridge from the event loop to a WSGI app (each provider emulator), run in a guest slot.

The environ carries what a WSGI server hands over, kept exact: ``RAW_URI`` holds the target's path and
query as sent (so ``%2F`` survives), header values are the bytes sent (as latin-1, PEP 3333's rule),
repeated headers are joined as RFC 9110 joins them (``; `` for cookies). The body is read on the event
loop before a slot is taken, so a slow upload never holds a guest thread.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from urllib.parse import unquote_to_bytes

from portable_fn.serving.asgi import Reply, Scope, SlotApp
from portable_fn.serving.slots import GuestSlots
from portable_fn.types import WSGIApp, WSGIEnviron

# Headers PEP 3333 names without the HTTP_ prefix.
_UNPREFIXED = {b"content-type": "CONTENT_TYPE", b"content-length": "CONTENT_LENGTH"}


class WSGIBridge(SlotApp):
    """ASGI app running ``app`` (a WSGI app) for each request in one of ``slots``."""

    def __init__(self, app: WSGIApp, slots: GuestSlots, max_body: int) -> None:
        super().__init__(slots, max_body)
        self.app = app

    async def reply(self, scope: Scope, body: bytes) -> Reply:
        return await self.slots.run(self.call, to_environ(scope, body))

    def call(self, environ: WSGIEnviron) -> Reply:
        """Run the WSGI app for ``environ`` and collect its status, headers and whole body."""
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
            started[:] = [(status, headers)]

        chunks = self.app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = started[0]
        return int(status.split(" ", 1)[0]), headers, body


def to_environ(scope: Scope, body: bytes) -> WSGIEnviron:
    """The PEP 3333 environ for an ASGI HTTP scope and its whole body, keeping the raw target."""
    raw_path = scope["raw_path"].decode("latin-1")
    query = scope["query_string"].decode("latin-1")
    server_name, server_port = scope.get("server") or ("localhost", 80)
    client_host, client_port = scope.get("client") or ("", 0)
    environ: WSGIEnviron = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(raw_path).decode("latin-1"),
        "RAW_URI": f"{raw_path}?{query}" if query else raw_path,
        "QUERY_STRING": query,
        "SERVER_NAME": str(server_name),
        "SERVER_PORT": str(server_port or 80),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "REMOTE_ADDR": str(client_host),
        "REMOTE_PORT": str(client_port),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,  # the whole body, de-chunked: readers may read to its end
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    environ.update(header_variables(scope["headers"]))
    return environ


def header_variables(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """``HTTP_*`` (and ``CONTENT_TYPE``/``CONTENT_LENGTH``) variables, values as latin-1 text of the
    bytes sent; a repeated header's values joined with ``, `` (cookies with ``; ``); names holding ``_`` dropped."""
    variables: dict[str, str] = {}
    for name, value in headers:
        if b"_" in name:
            # X_Forwarded_For and X-Forwarded-For would share one variable: a spoofing path (gunicorn drops them too).
            continue
        key = _UNPREFIXED.get(name) or "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
        text = value.decode("latin-1")
        if key in variables:
            text = variables[key] + ("; " if key == "HTTP_COOKIE" else ", ") + text
        variables[key] = text
    return variables
