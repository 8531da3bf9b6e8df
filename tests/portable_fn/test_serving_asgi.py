"""The server's shared ASGI pieces in process: reading a request body."""

from __future__ import annotations

import asyncio

import pytest

from portable_fn.errors import BodyTooLarge, ClientDisconnected
from portable_fn.serving.asgi import Message, read_body

SCOPE = {"type": "http", "headers": [(b"content-length", b"6")]}


def read(messages: list[Message], max_body: int = 100) -> bytes:
    pending = iter(messages)

    async def receive() -> Message:
        return next(pending)

    return asyncio.run(read_body(SCOPE, receive, max_body))


def test_a_body_in_several_messages_is_joined() -> None:
    chunks: list[Message] = [
        {"type": "http.request", "body": b"abc", "more_body": True},
        {"type": "http.request", "body": b"def", "more_body": False},
    ]
    assert read(chunks) == b"abcdef"


@pytest.mark.parametrize(
    "first", [[], [{"type": "http.request", "body": b"ab", "more_body": True}]], ids=["none", "part"]
)
def test_a_client_gone_before_its_body_is_complete_never_yields_a_body(first: list[Message]) -> None:
    # It used to return the part received, so the guest ran on a truncated request.
    with pytest.raises(ClientDisconnected, match="before its request body was complete"):
        read([*first, {"type": "http.disconnect"}])


def test_a_body_over_the_cap_is_refused_while_it_is_read() -> None:
    chunks: list[Message] = [
        {"type": "http.request", "body": b"abc", "more_body": True},
        {"type": "http.request", "body": b"def", "more_body": True},
    ]
    with pytest.raises(BodyTooLarge):
        read(chunks, max_body=5)
