"""The ASGI wrapper under a real ASGI server (uvicorn) over loopback."""

from __future__ import annotations

import http.client
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import parse_echo, sample_path
from tests.servers import ServerProcess


@pytest.fixture(scope="module")
def asgi_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    folder = tmp_path_factory.mktemp("asgi_app")
    (folder / "echo_asgi.py").write_text(
        "from adapters.local_http.asgi import LocalASGI\n"
        "from portable_fn import Function, Limits\n"
        f"app = LocalASGI(Function.load({str(sample_path('echo-c'))!r}, limits=Limits(max_body_bytes=1000)))\n"
    )
    # Info level: uvicorn announces the port the OS chose for port 0.
    command = [sys.executable, "-m", "uvicorn", "echo_asgi:app", "--port", "0", "--log-level", "info"]
    with ServerProcess(command, cwd=folder) as server:
        yield server.listening_port()


def fetch(port: int, method: str, target: str, body: bytes = b"") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, target, body=body, headers={"X-Name": "café".encode().decode("latin-1")})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_raw_path_headers_and_body_reach_the_guest(asgi_port: int) -> None:
    status, answer = fetch(asgi_port, "POST", "/a%2Fb?x=1&x=2", b"\x00\xffdata")
    env, argv, body = parse_echo(answer)
    assert status == 200
    assert env["X_RAW_PATH_INFO"] == "/a%2Fb"
    assert env["PATH_INFO"] == "/a/b"
    assert env["QUERY_STRING"] == "x=1&x=2"
    assert env["HTTP_X_NAME"] == "café"
    assert argv == ["/", "x=1", "x=2"]
    assert body == b"\x00\xffdata"


def test_an_absolute_form_target_reaches_the_guest_as_its_path(asgi_port: int) -> None:
    status, answer = fetch(asgi_port, "GET", "http://example.com/x%2Fy?q=1")
    env, _, _ = parse_echo(answer)
    assert status == 200
    assert (env["X_RAW_PATH_INFO"], env["QUERY_STRING"]) == ("/x%2Fy", "q=1")


def test_characters_illegal_in_a_path_reach_the_guest_escaped(asgi_port: int) -> None:
    _, answer = fetch(asgi_port, "GET", '/raw/"<>`%2F')
    assert parse_echo(answer)[0]["X_RAW_PATH_INFO"] == "/raw/%22%3C%3E%60%2F"


def test_oversized_body_is_413_and_serving_continues(asgi_port: int) -> None:
    assert fetch(asgi_port, "POST", "/", b"x" * 1001)[0] == 413
    assert fetch(asgi_port, "GET", "/")[0] == 200
