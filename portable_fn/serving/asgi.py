"""The plain path as a native ASGI app: scope -> Request -> guest (in a guest slot) -> response.

What every ASGI app of the server shares lives here too: the body read with its cap, the
last-resort boundary, and writing a reply (no body and no Content-Length on 1xx, 204 and 304).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from portable_fn.errors import BodyTooLarge, ClientDisconnected, RequestError, ServerBusy
from portable_fn.function import Function
from portable_fn.http import SERVER_OWNED_HEADERS, Request, Response, is_chunked
from portable_fn.serving.slots import GuestSlots
from portable_fn.wsgi import origin_path

_log = logging.getLogger("portable_fn.serving")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Reply = tuple[int, Iterable[tuple[str, str]], bytes]
# Statuses that never carry a body (RFC 9110 sections 6.4.1, 15.3.5 and 15.4.5).
BODYLESS = frozenset({204, 304})
# How long a refused client is told to wait before trying again (seconds).
RETRY_AFTER = "1"


class SlotApp:
    """What every ASGI app of the server shares: the body read with its cap, the reply computed in one
    of ``slots`` (``reply``), host errors answered with their status, and the last-resort boundary."""

    def __init__(self, slots: GuestSlots, max_body: int) -> None:
        self.slots = slots
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            status, headers, body = await self.reply(scope, await read_body(scope, receive, self.max_body))
        except (RequestError, ServerBusy) as exc:
            await send_error(send, exc)
            return
        except Exception:
            _log.exception("unexpected error answering %s %s", scope.get("method"), scope.get("path"))
            response = Response.internal_error()
            status, headers, body = response.status, response.headers, response.body
        await send_reply(send, status, headers, body)

    async def reply(self, scope: Scope, body: bytes) -> Reply:
        """Status, headers and body answering the request of ``scope`` with ``body``."""
        raise NotImplementedError


class GuestApp(SlotApp):
    """ASGI app serving one Function on every path; the guest runs in one of ``slots``."""

    def __init__(self, function: Function, slots: GuestSlots) -> None:
        super().__init__(slots, function.limits.max_body_bytes)
        self.function = function

    async def reply(self, scope: Scope, body: bytes) -> Reply:
        response = await self.slots.run(self.function.handle, to_request(scope, body))
        return response.status, response.headers, response.body


def to_request(scope: Scope, body: bytes) -> Request:
    """The guest's Request from an ASGI HTTP scope: raw path and query, header bytes as sent (values
    that are not UTF-8 kept as surrogate escapes). The request id is ``X-Request-Id``, else a fresh one."""
    headers = []
    request_id = ""
    for name, value in scope["headers"]:
        text = value.decode("utf-8", "surrogateescape")
        if name == b"x-request-id" and not request_id:
            request_id = text
        headers.append((name.decode("latin-1"), text))
    server_name, server_port = scope.get("server") or ("localhost", 80)
    return Request(
        method=scope["method"],
        path=origin_path(scope["raw_path"].decode("latin-1")),
        query=scope["query_string"].decode("latin-1"),
        headers=tuple(headers),
        body=body,
        script_name=scope.get("root_path", ""),
        scheme=scope.get("scheme", "http"),
        server_name=str(server_name),
        server_port=int(server_port or 80),
        remote_addr=str((scope.get("client") or ("",))[0]),
        protocol=f"HTTP/{scope['http_version']}",
        # Tags the guest's log lines; generating one costs about a microsecond.
        request_id=request_id or os.urandom(8).hex(),
    )


async def read_body(scope: Scope, receive: Receive, max_body: int) -> bytes:
    """The whole request body, refused before reading when its Content-Length is over ``max_body``.

    Raises BodyTooLarge when the body (declared or chunked) is longer than ``max_body``, RequestError
    for a transfer coding other than chunked (the parser removed the chunked framing alone, so the
    guest would get a body still compressed).
    """
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > max_body:
            raise BodyTooLarge(f"request body is {int(value)} bytes, the limit is {max_body}")
        if name == b"transfer-encoding":
            is_chunked(value.decode("latin-1"))
    message = await receive()
    body: bytes = _body_of(message)
    if not message.get("more_body"):
        return body  # the common case: the whole body came with the headers
    chunks = [body]
    size = len(body)
    while message.get("more_body"):
        message = await receive()
        chunk = _body_of(message)
        size += len(chunk)
        if size > max_body:
            raise BodyTooLarge(f"request body is over the limit of {max_body} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _body_of(message: Message) -> bytes:
    """A body message's bytes. Raises ClientDisconnected when the client left before its body was
    complete: the guest must never run on part of a request."""
    if message["type"] != "http.request":
        raise ClientDisconnected("the client closed the connection before its request body was complete")
    body: bytes = message.get("body", b"")
    return body


async def send_error(send: Send, error: RequestError | ServerBusy) -> None:
    """Answer an error the host raised before the guest ran with its status and message; a refusal
    for want of a guest slot (503) says when to try again."""
    headers = [("Content-Type", "text/plain; charset=utf-8")]
    if isinstance(error, ServerBusy):
        headers.append(("Retry-After", RETRY_AFTER))
    await send_reply(send, error.status, headers, str(error).encode() + b"\n")


async def send_reply(send: Send, status: int, headers: Iterable[tuple[str, str]], body: bytes) -> None:
    """Send status, headers (text holding their bytes as latin-1) and body with the server's own framing
    in place of the app's: no body and no Content-Length where the status allows none, else the body's
    Content-Length."""
    sent = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in headers
        if name.lower() not in SERVER_OWNED_HEADERS
    ]
    if status in BODYLESS or status < 200:
        body = b""
    else:
        sent.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": sent})
    await send({"type": "http.response.body", "body": body})
