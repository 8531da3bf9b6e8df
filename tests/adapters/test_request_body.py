"""Request bodies on every serve path, over real loopback HTTP: a chunked upload stops being read at
``--max-body-mb`` (413 before the client has finished sending), a chunked body under the limit reaches
the guest exactly, and a transfer coding the server would pass on still encoded is refused (400)."""

from __future__ import annotations

import gzip
import select
import socket
from collections.abc import Iterator

import pytest

from tests.adapters.test_conformance import ADAPTERS, PREFIX
from tests.conftest import SAMPLE_CACHE, parse_echo, sample_path
from tests.servers import Server

CHUNK = b"x" * 65536
# Far more than the 1 MiB limit: a server that reads it all before answering is caught.
PLANNED_BYTES = 256 * 1024 * 1024


@pytest.fixture(scope="module", params=ADAPTERS)
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, Server]]:
    adapter: str = request.param
    args = [str(sample_path("echo-c")), "--emulate", adapter, "--cache-dir", str(SAMPLE_CACHE), "--max-body-mb", "1"]
    running = Server(args, probe=PREFIX.get(adapter, "") + "/")
    try:
        yield adapter, running
    finally:
        running.stop()


def start(port: int, target: str, transfer_encoding: str) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = f"POST {target} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: {transfer_encoding}\r\nConnection: close\r\n\r\n"
    connection.sendall(head.encode())
    return connection


def framed(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def read_answer(connection: socket.socket) -> tuple[int, bytes]:
    received = b""
    try:
        while chunk := connection.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass  # the server closed with our unread upload in its buffer; what it sent first is kept
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def upload_until_answered(port: int, target: str) -> tuple[int, int]:
    """Send chunks until the server answers (or the plan is sent); (status, bytes sent)."""
    sent = 0
    with start(port, target, "chunked") as connection:
        while sent < PLANNED_BYTES:
            readable, _, _ = select.select([connection], [], [], 0)
            if readable:
                break
            try:
                connection.sendall(framed(CHUNK))
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(CHUNK)
        return read_answer(connection)[0], sent


def test_a_chunked_upload_stops_being_read_at_the_limit(server: tuple[str, Server]) -> None:
    adapter, running = server
    status, sent = upload_until_answered(running.port, PREFIX.get(adapter, "") + "/upload")
    assert status == 413
    assert sent < PLANNED_BYTES // 4


def test_a_chunked_body_under_the_limit_reaches_the_guest_exactly(server: tuple[str, Server]) -> None:
    adapter, running = server
    body = bytes(range(256)) * 1000
    with start(running.port, PREFIX.get(adapter, "") + "/small", "chunked") as connection:
        connection.sendall(framed(body[:100_000]) + framed(body[100_000:]) + b"0\r\n\r\n")
        status, answer = read_answer(connection)
    assert status == 200
    assert parse_echo(answer)[2] == body


@pytest.mark.parametrize("coding", ["gzip, chunked", "deflate, chunked"])
def test_a_compressed_transfer_coding_is_refused_not_passed_on_empty(server: tuple[str, Server], coding: str) -> None:
    adapter, running = server
    with start(running.port, PREFIX.get(adapter, "") + "/gz", coding) as connection:
        connection.sendall(framed(gzip.compress(b"hello")) + b"0\r\n\r\n")
        status, answer = read_answer(connection)
    assert status == 400, answer
    assert b"Transfer-Encoding" in answer
