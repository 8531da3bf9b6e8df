"""The ASGI wrapper under a real ASGI server (uvicorn) over loopback."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.conftest import free_port, parse_echo, sample_path


@pytest.fixture(scope="module")
def asgi_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    folder = tmp_path_factory.mktemp("asgi_app")
    (folder / "echo_asgi.py").write_text(
        "from adapters.local_http.asgi import LocalASGI\n"
        "from portable_fn import Function, Limits\n"
        f"app = LocalASGI(Function.load({str(sample_path('echo-c'))!r}, limits=Limits(max_body_bytes=1000)))\n"
    )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "echo_asgi:app", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(port: int) -> None:
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("uvicorn did not start")


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


def test_oversized_body_is_413_and_serving_continues(asgi_port: int) -> None:
    assert fetch(asgi_port, "POST", "/", b"x" * 1001)[0] == 413
    assert fetch(asgi_port, "GET", "/")[0] == 200
