"""The WSGI bridge: environ -> Request and a reply -> start_response, as every WSGI path uses them."""

from __future__ import annotations

import io
import wsgiref.util
from collections.abc import Callable

import pytest

from portable_fn import BodyTooLarge, Function, RequestError, Response
from portable_fn.types import WSGIEnviron
from portable_fn.wsgi import Reply, reply, serve, to_request
from tests.conftest import parse_echo


def environ(body: bytes = b"", /, **variables: str) -> WSGIEnviron:
    """A WSGI environ as wsgiref fills one in, with ``variables`` on top."""
    env: WSGIEnviron = {"wsgi.input": io.BytesIO(body)}
    wsgiref.util.setup_testing_defaults(env)
    env.update(variables)
    return env


class StartResponse:
    """Records what an app passes to start_response."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[tuple[str, str]]]] = []

    def __call__(self, status: str, headers: list[tuple[str, str]]) -> None:
        self.calls.append((status, headers))


@pytest.mark.parametrize(
    ("variables", "path"),
    [
        pytest.param({"RAW_URI": "/a%2Fb?q=1", "PATH_INFO": "/a/b"}, "/a%2Fb", id="gunicorn-raw-uri"),
        pytest.param({"REQUEST_URI": "/50%25", "PATH_INFO": "/50%"}, "/50%25", id="werkzeug-request-uri"),
        pytest.param({"RAW_URI": "http://example.com/x%2Fy?q=1"}, "/x%2Fy", id="absolute-form"),
        pytest.param({"RAW_URI": "http://example.com"}, "/", id="absolute-form-without-path"),
        pytest.param({"PATH_INFO": "/50%/caf\xc3\xa9"}, "/50%25/caf%C3%A9", id="path-info-re-escaped"),
        pytest.param({"RAW_URI": '/raw/"<>`/caf\xc3\xa9%2F'}, "/raw/%22%3C%3E%60/caf%C3%A9%2F", id="raw-uri-escaped"),
    ],
)
def test_the_path_is_the_one_the_client_sent(variables: dict[str, str], path: str) -> None:
    assert to_request(environ(**variables), 100).path == path


def test_header_bytes_body_and_request_id_reach_the_request() -> None:
    env = environ(b"body", CONTENT_LENGTH="4", HTTP_X_NAME="café".encode().decode("latin-1"), HTTP_X_REQUEST_ID="abc")
    request = to_request(env, 100)
    assert (request.header("x-name"), request.body, request.request_id) == ("café", b"body", "abc")
    assert to_request(environ(), 100, request_id="given").request_id == "given"


def test_a_chunked_body_is_read_only_to_the_limit() -> None:
    stream = io.BytesIO(b"x" * 100)
    with pytest.raises(BodyTooLarge):
        to_request(environ(HTTP_TRANSFER_ENCODING="chunked"), 10, stream=stream)
    assert stream.tell() == 11


@pytest.mark.parametrize(
    "variables",
    [
        pytest.param({"CONTENT_LENGTH": "12abc"}, id="content-length-not-a-number"),
        pytest.param({"HTTP_TRANSFER_ENCODING": "gzip, chunked"}, id="transfer-coding"),
    ],
)
def test_a_malformed_body_framing_is_a_400(variables: dict[str, str]) -> None:
    with pytest.raises(RequestError) as raised:
        to_request(environ(**variables), 100)
    assert raised.value.status == 400


def test_serve_replaces_server_owned_headers_with_its_content_length() -> None:
    start_response = StartResponse()
    headers = [("Connection", "close"), ("Content-Length", "999"), ("X-Kept", "1"), ("X-Kept", "2")]
    body = serve(environ(), start_response, lambda _env: (201, headers, b"made"))
    assert body == [b"made"]
    assert start_response.calls == [("201 Created", [("X-Kept", "1"), ("X-Kept", "2"), ("Content-Length", "4")])]


def failing_answer(_env: WSGIEnviron) -> Reply:
    raise KeyError("a bug of ours")


def test_serve_answers_a_bug_with_500_and_logs_it(caplog: pytest.LogCaptureFixture) -> None:
    start_response = StartResponse()
    body = serve(environ(), start_response, failing_answer)
    assert start_response.calls[0][0] == "500 Internal Server Error"
    assert body == [Response.internal_error().body]
    assert "a bug of ours" in caplog.text


def test_a_guest_behind_serve_sees_the_bridged_request(load_sample: Callable[..., Function]) -> None:
    function = load_sample("echo-c")
    start_response = StartResponse()
    env = environ(b"hi", REQUEST_METHOD="POST", CONTENT_LENGTH="2", RAW_URI="http://h/p%2Fq?x=1", QUERY_STRING="x=1")
    body = serve(env, start_response, lambda e: reply(function.handle(to_request(e, 100))))
    echoed, _, received = parse_echo(b"".join(body))
    assert start_response.calls[0][0] == "200 OK"
    assert (echoed["X_RAW_PATH_INFO"], echoed["QUERY_STRING"], received) == ("/p%2Fq", "x=1", b"hi")
