"""``portable-fn serve --emulate aws-*``: real HTTP through each Lambda shape answers like the plain server."""

from __future__ import annotations

import http.client
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from adapters.aws_lambda.emulate import build_app, from_result
from portable_fn import ConfigError, FunctionSpec
from tests.conftest import ROOT, parse_echo, sample_path
from tests.servers import ServerProcess

# The console script, next to this interpreter (installed by `pip install -e .`).
SERVE = [str(Path(sys.executable).with_name("portable-fn")), "serve"]
SHAPES = ["aws-rest", "aws-http", "aws-url", "aws-alb"]
COOKIES = ["a=1; Path=/", "b=2; HttpOnly", "c=3; Secure; SameSite=Lax"]
Answer = tuple[int, http.client.HTTPMessage, bytes]


@pytest.fixture(scope="module")
def echo_ports() -> Iterator[dict[str, int]]:
    """One ``portable-fn serve`` per mode (plain and every AWS shape), all serving echo-c."""
    servers = {
        mode: ServerProcess(
            [*SERVE, str(sample_path("echo-c")), "--emulate", mode, "--port", "0", "--workers", "1"], cwd=ROOT
        )
        for mode in ["none", *SHAPES]
    }
    try:
        yield {mode: server.listening_port() for mode, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()


def fetch(port: int, method: str, target: str, headers: list[tuple[str, str]], body: bytes = b"") -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    has_host = any(name.lower() == "host" for name, _ in headers)
    connection.putrequest(method, target, skip_host=has_host, skip_accept_encoding=True)
    for name, value in headers:
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    answer = response.status, response.msg, response.read()
    connection.close()
    return answer


REQUESTS = [
    pytest.param("GET", "/a%20b/c%2Fd/%C3%A9/x+y?x=1&x=2&y=a%2Bb+c&empty=", b"", id="encoded-path-repeated-query"),
    pytest.param("POST", "/upload", bytes(range(256)), id="binary-body"),
    pytest.param("PUT", "/json", '{"name": "zoë"}'.encode(), id="text-body"),
    pytest.param("DELETE", "/", b"", id="root"),
]
COMPARED = [
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "PATH_INFO",
    "X_RAW_PATH_INFO",
    "CONTENT_LENGTH",
    "CONTENT_TYPE",
    "REMOTE_ADDR",
    "SERVER_NAME",
    "SERVER_PORT",
    "HTTP_HOST",
    "HTTP_X_CUSTOM",
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("method", "target", "body"), REQUESTS)
def test_guest_sees_what_the_plain_server_shows_it(
    shape: str, method: str, target: str, body: bytes, echo_ports: dict[str, int]
) -> None:
    kind = "application/octet-stream" if body.startswith(b"\x00") else "application/json"
    headers = [("Host", "app.example:8080"), ("X-Custom", "v; 1,2"), ("Content-Type", kind)]
    plain_status, plain_headers, plain_body = fetch(echo_ports["none"], method, target, headers, body)
    status, answer_headers, answer_body = fetch(echo_ports[shape], method, target, headers, body)
    assert (
        (status, answer_headers["Content-Type"])
        == (plain_status, plain_headers["Content-Type"])
        == (
            200,
            "application/octet-stream",
        )
    )
    plain_env, _, plain_seen = parse_echo(plain_body)
    env, _, seen = parse_echo(answer_body)
    assert {key: env.get(key) for key in COMPARED} == {key: plain_env.get(key) for key in COMPARED}
    assert seen == plain_seen == body
    if shape == "aws-rest":  # REST hands over decoded values: the rebuilt query decodes to the same pairs
        assert parse_qsl(env["QUERY_STRING"], keep_blank_values=True) == parse_qsl(
            plain_env["QUERY_STRING"], keep_blank_values=True
        )
    else:
        assert env["QUERY_STRING"] == plain_env["QUERY_STRING"]


@pytest.mark.parametrize("shape", SHAPES)
def test_repeated_request_headers_match_the_plain_server(shape: str, echo_ports: dict[str, int]) -> None:
    headers = [("X-Rep", "1"), ("X-Rep", "2"), ("Cookie", "p=1"), ("Cookie", "q=2")]
    plain_env, _, _ = parse_echo(fetch(echo_ports["none"], "GET", "/", headers)[2])
    env, _, _ = parse_echo(fetch(echo_ports[shape], "GET", "/", headers)[2])
    assert env["HTTP_X_REP"] == plain_env["HTTP_X_REP"]
    assert env["HTTP_COOKIE"] == plain_env["HTTP_COOKIE"]


@contextmanager
def wsgi_server(sample: str, shape: str) -> Iterator[int]:
    """The emulated app on a real (in-process) HTTP server; yields its port."""

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = make_server("127.0.0.1", 0, build_app(FunctionSpec(sample_path(sample)), shape), WSGIServer, Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("shape", SHAPES)
def test_every_set_cookie_comes_back_separately(shape: str) -> None:
    with wsgi_server("cookies-c", shape) as port:
        status, headers, body = fetch(port, "GET", "/", [])
    assert (status, body) == (200, b"cookies\n")
    assert headers.get_all("Set-Cookie") == COOKIES


@pytest.mark.parametrize("shape", SHAPES)
def test_binary_answer_survives_base64(shape: str) -> None:
    with wsgi_server("binary-c", shape) as port:
        status, _, body = fetch(port, "GET", "/", [])
    assert (status, body) == (200, bytes(range(256)))


def test_single_value_alb_result_becomes_repeated_headers() -> None:
    result = {
        "statusCode": 201,
        "statusDescription": "201 Created",
        "headers": {"set-cookie": "a=1", "Set-cookie": "b=2"},
    }
    assert from_result(result) == ("201 Created", [("set-cookie", "a=1"), ("Set-cookie", "b=2")], b"")


def test_unknown_shape_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="aws-rest, aws-http, aws-url, aws-alb"):
        build_app(FunctionSpec(tmp_path / "never-loaded.wasm"), "aws-sqs")
