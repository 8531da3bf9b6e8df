"""The local server for real: `portable-fn serve` as a subprocess, real HTTP over loopback."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import parse_echo, sample_path
from tests.servers import Server


@pytest.fixture(scope="module")
def echo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {**os.environ, "AWS_SECRET_ACCESS_KEY": "host-secret"}
    cache = tmp_path_factory.mktemp("cache")
    server = Server([str(sample_path("echo-c")), "--cache-dir", str(cache), "--max-body-mb", "1"], env)
    yield server
    server.stop()


def test_serve_without_argument_serves_the_bundled_hello(tmp_path: Path) -> None:
    server = Server(["--cache-dir", str(tmp_path)])
    try:
        assert server.body("GET", "/") == b"hello\n"
    finally:
        assert server.stop() == 0


def test_request_reaches_the_guest_exactly(echo_server: Server) -> None:
    body = bytes(range(256)) * 100
    answer = echo_server.body(
        "PUT", "/a%2Fb/caf%C3%A9?x=1&x=2", body, {"Content-Type": "application/octet-stream", "X-Tag": "t"}
    )
    env, argv, received = parse_echo(answer)
    assert env["REQUEST_METHOD"] == "PUT"
    assert env["X_RAW_PATH_INFO"] == "/a%2Fb/caf%C3%A9"
    assert env["PATH_INFO"] == "/a/b/café"
    assert env["QUERY_STRING"] == "x=1&x=2"
    assert env["HTTP_X_TAG"] == "t"
    assert env["SERVER_PORT"] == str(echo_server.port)
    assert argv == ["/", "x=1", "x=2"]
    assert received == body
    assert "AWS_SECRET_ACCESS_KEY" not in env


def test_non_ascii_header_bytes_reach_the_guest_unchanged(echo_server: Server) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", echo_server.port, timeout=30)
    connection.putrequest("GET", "/")
    connection.putheader("X-Name", "café".encode())
    connection.endheaders()
    env, _, _ = parse_echo(connection.getresponse().read())
    connection.close()
    assert env["HTTP_X_NAME"] == "café"


def test_oversized_body_gets_413_and_the_server_keeps_serving(echo_server: Server) -> None:
    assert echo_server.request("POST", "/", b"x" * (1024 * 1024 + 1))[0].status == 413
    assert echo_server.request("GET", "/")[0].status == 200


@pytest.mark.parametrize(
    ("guest", "status"),
    [("trap-wat", 500), ("loop-wat", 504), ("membomb-wat", 500), ("exit1-c", 500), ("noheaders-c", 502)],
)
def test_faulty_guest_answers_with_its_status_and_keeps_serving(tmp_path: Path, guest: str, status: int) -> None:
    server = Server([str(sample_path(guest)), "--timeout", "0.5", "--memory-mb", "32", "--cache-dir", str(tmp_path)])
    try:
        for _ in range(3):
            assert server.request("GET", "/")[0].status == status
    finally:
        assert server.stop() == 0


def test_cookies_come_back_as_separate_set_cookie_headers(tmp_path: Path) -> None:
    server = Server([str(sample_path("cookies-c")), "--cache-dir", str(tmp_path)])
    try:
        response, _ = server.request("GET", "/")
        assert response.headers.get_all("Set-Cookie") == ["a=1; Path=/", "b=2; HttpOnly", "c=3; Secure; SameSite=Lax"]
    finally:
        server.stop()


def test_port_comes_from_the_port_variable(tmp_path: Path) -> None:
    # PORT=0: the server binds a port of the OS's choosing; had it ignored PORT, it would be on 8080.
    server = Server(["--cache-dir", str(tmp_path)], {**os.environ, "PORT": "0"})
    try:
        assert server.port != 8080
        assert server.body("GET", "/") == b"hello\n"
    finally:
        assert server.stop() == 0


def test_broken_artifact_fails_before_serving_with_a_clear_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.wasm"
    broken.write_bytes(b"\0asm\x01\0\0\0junk")
    result = subprocess.run(
        [sys.executable, "-m", "portable_fn", "serve", str(broken), "--cache-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "not a valid WebAssembly module" in result.stderr
