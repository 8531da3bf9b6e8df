"""The local server for real: `portable-fn serve` as a subprocess, real HTTP over loopback."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port, parse_echo, sample_path


class Server:
    """A running `portable-fn serve` process and a way to talk to it."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None, port: int | None = None) -> None:
        """Start serving; with ``port`` given, the server must find it in the environment itself."""
        self.port = port or free_port()
        port_flag = [] if port else ["--port", str(self.port)]
        command = [sys.executable, "-m", "portable_fn", "serve", *args, *port_flag, "--workers", "1"]
        # A file, not a pipe: a full pipe would block the server's logging.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        for _ in range(300):
            if self.process.poll() is not None:
                self.log.seek(0)
                output = self.log.read().decode(errors="replace")
                self.log.close()
                raise AssertionError(f"server exited early with {self.process.returncode}: {output}")
            try:
                self.request("GET", "/")
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("server did not start listening")

    def request(
        self, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, target, body=body, headers=headers or {})
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()

    def body(self, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
        return self.request(method, target, body, headers)[1]

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.log.close()
        return code


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
    port = free_port()
    server = Server(["--cache-dir", str(tmp_path)], {**os.environ, "PORT": str(port)}, port=port)
    try:
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
