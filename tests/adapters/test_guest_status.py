"""A guest's status line is checked once, for every path: 1xx and non-ASCII digits are bad
output (502), and a 204 or 304 goes out without the body the guest wrote.

Raw sockets, not http.client: http.client never reads the body of a 204/304, so it could not
see one that a server sent anyway.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from portable_fn import Function, Request
from tests.adapters.test_conformance import ADAPTERS, PREFIX
from tests.conftest import SAMPLE_CACHE, sample_path
from tests.servers import Server

BAD_STATUSES = ["100", "101", "199", "2%B23", "%B9%B2%B3"]  # %B2 is latin-1's superscript two


@pytest.fixture(scope="module", params=ADAPTERS)
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, Server]]:
    adapter: str = request.param
    args = [str(sample_path("rawstatus-c")), "--emulate", adapter, "--cache-dir", str(SAMPLE_CACHE)]
    running = Server(args, probe=PREFIX.get(adapter, "") + "/?200")
    try:
        yield adapter, running
    finally:
        running.stop()


def exchange(port: int, target: str) -> tuple[int, bytes]:
    """Status and everything after the header block, read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, rest = received.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), rest


@pytest.mark.parametrize("status", [204, 304])
def test_no_content_statuses_go_out_without_a_body_on_every_path(server: tuple[str, Server], status: int) -> None:
    adapter, running = server
    assert exchange(running.port, f"{PREFIX.get(adapter, '')}/?{status}") == (status, b"")


@pytest.mark.parametrize("status", BAD_STATUSES)
def test_informational_and_non_ascii_statuses_are_502_on_every_path(server: tuple[str, Server], status: str) -> None:
    adapter, running = server
    code, body = exchange(running.port, f"{PREFIX.get(adapter, '')}/?{status}")
    assert code == 502, body
    assert b"final status" in body
    # The connection is still usable: the next request gets its own answer.
    assert exchange(running.port, f"{PREFIX.get(adapter, '')}/?201")[0] == 201


@pytest.fixture(scope="module")
def rawstatus() -> Function:
    return Function.load(sample_path("rawstatus-c"), cache_dir=SAMPLE_CACHE)


@pytest.mark.parametrize("status", BAD_STATUSES)
def test_function_handle_answers_bad_statuses_with_502(rawstatus: Function, status: str) -> None:
    assert rawstatus.handle(Request(query=f"{status}")).status == 502


@pytest.mark.parametrize("status", [204, 304])
def test_function_handle_drops_the_body_of_no_content_statuses(rawstatus: Function, status: int) -> None:
    response = rawstatus.handle(Request(query=f"{status}"))
    assert (response.status, response.body, response.header("X-Guest")) == (status, b"", "rawstatus")
