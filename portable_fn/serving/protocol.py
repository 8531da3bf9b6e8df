"""uvicorn's httptools protocol with request-read deadlines, writing each response in one call.

uvicorn closes a connection that stays idle between requests (``timeout_keep_alive``) but waits for
ever on one whose request head or body never completes. Here a request head must be complete within
``header_timeout`` seconds of the connection opening (or, on a kept-alive connection, of its first
byte), and a body that has begun may pause no longer than that between two reads, else the
connection is closed: half-open and stalled clients cost a socket for a bounded time only. The body
deadline is armed only when a read ends inside a body, so a request that arrives whole costs no timer.

uvicorn writes a response's head and its body with one transport write each, and uvloop sends each at
once: two system calls, made while holding the GIL, that a profile of the hello guest showed as a
third of the worker's Python time. Writes are gathered until the loop's current step ends instead.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that closes connections whose request head is late or whose body stalls
    (``header_timeout``)."""

    header_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None
        self._in_body = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(cast(asyncio.Transport, GatheringTransport(transport, self.loop)))
        self._arm_head_deadline()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._head_deadline is None:
            self._arm_head_deadline()

    def on_headers_complete(self) -> None:
        self._disarm_head_deadline()
        self._in_body = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_body = False
        self._disarm_head_deadline()
        super().on_message_complete()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._in_body:  # this read ended inside a body: the next one must come in time
            self._disarm_head_deadline()
            self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def _arm_head_deadline(self) -> None:
        self._head_deadline = self.loop.call_later(self.header_timeout, self._close_late_head)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _close_late_head(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def with_header_timeout(seconds: float) -> type[HeaderDeadlineProtocol]:
    """The protocol class for uvicorn's ``http=`` setting, closing late request heads and stalled
    bodies after ``seconds``."""

    class Protocol(HeaderDeadlineProtocol):
        header_timeout = seconds

    return Protocol


class GatheringTransport:
    """A transport whose writes within one step of the event loop reach the socket as one write."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        """Queue ``data``; the queue is written once the current step of the loop ends."""
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(data)

    def flush(self) -> None:
        """Write what is queued, in one call."""
        pending = self._pending
        if pending:
            self._pending = []
            if not self._transport.is_closing():
                self._transport.writelines(pending)  # uvloop sends them with one writev

    def close(self) -> None:
        """Write what is queued, then close."""
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)
