"""The local app as ASGI, for users who mount a guest inside an async server or framework.

It shares the WSGI bridge's (``portable_fn.wsgi``) path and response-header rules, so both
serve a request alike.

ASGI hands over the raw path and header bytes, so the guest sees exactly what was sent. The
wasm call blocks, so it runs in a worker thread (wasm releases the GIL while it runs).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from portable_fn import BodyTooLarge, Function, Request, RequestError, Response
from portable_fn.wsgi import origin_path, response_headers

_log = logging.getLogger("adapters.local_http")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class LocalASGI:
    """ASGI application serving one Function; lifespan events are accepted and ignored."""

    def __init__(self, function: Function) -> None:
        self.function = function

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _accept_lifespan(receive, send)
            return
        if scope["type"] != "http":
            raise ValueError(f"LocalASGI serves HTTP only, got a {scope['type']!r} connection")
        try:
            body = await _read_body(receive, self.function.limits.max_body_bytes)
            response = await asyncio.to_thread(self.function.handle, to_request(scope, body))
        except RequestError as exc:
            response = Response.text(exc.status, str(exc))
        except Exception:
            _log.exception("unexpected error answering %s %s", scope.get("method"), scope.get("path"))
            response = Response.internal_error()
        sent = response_headers(response.headers, response.body)
        headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in sent]
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})


def to_request(scope: Scope, body: bytes) -> Request:
    """Build a Request from an ASGI HTTP scope, keeping the raw path and header bytes; an absolute-form
    target is reduced to its path, as the WSGI bridge does."""
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    headers = tuple(
        (name.decode("latin-1"), value.decode("utf-8", "surrogateescape")) for name, value in scope["headers"]
    )
    return Request(
        method=scope["method"],
        path=origin_path(raw_path.decode("latin-1")),
        query=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        body=body,
        script_name=scope.get("root_path", ""),
        scheme=scope.get("scheme", "http"),
        server_name=str(server[0]),
        server_port=int(server[1] or 80),
        remote_addr=str(client[0]),
        protocol=f"HTTP/{scope.get('http_version', '1.1')}",
    )


async def _read_body(receive: Receive, max_body: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_body:
            raise BodyTooLarge(f"request body is over the limit of {max_body} bytes")
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _accept_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
