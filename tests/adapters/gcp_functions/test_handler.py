"""The HTTP function under the real functions-framework server, over real HTTP."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from tests.adapters.gcp_functions.conftest import Server
from tests.conftest import parse_echo


def read(
    base: str,
    method: str,
    target: str,
    headers: tuple[tuple[str, str], ...] = (),
    body: bytes = b"",
) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request with the path sent byte for byte and headers (repeats included) in order."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=60)
    connection.putrequest(method, target, skip_accept_encoding=True)
    for name, value in headers:
        connection.putheader(name, value)
    if body or method in ("POST", "PUT"):
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, response.getheaders(), data


def test_request_reaches_the_guest_exactly(ff_server: Server) -> None:
    body = bytes(range(256))
    headers = (("X-Tag", "one"), ("X-Tag", "two"), ("Content-Type", "application/octet-stream"))
    status, _, answer = read(ff_server("http", "echo-c"), "PUT", "/items/a%20b%2Fc%25?x=1&x=2&y=%26+z", headers, body)
    assert status == 200
    env, argv, seen = parse_echo(answer)
    assert seen == body
    assert env["REQUEST_METHOD"] == "PUT"
    assert env["X_RAW_PATH_INFO"] == "/items/a%20b%2Fc%25"
    assert env["QUERY_STRING"] == "x=1&x=2&y=%26+z"
    assert argv[1:] == ["x=1", "x=2", "y=%26+z"]
    # WSGI joins repeated request headers into one value, as on every WSGI server.
    assert env["HTTP_X_TAG"] == "one,two"
    assert env["CONTENT_TYPE"] == "application/octet-stream"
    assert env["CONTENT_LENGTH"] == "256"


def test_unicode_header_and_path(ff_server: Server) -> None:
    status, _, answer = read(
        ff_server("http", "echo-c"), "GET", "/caf%C3%A9", (("X-Name", "café".encode().decode("latin-1")),)
    )
    env, _, _ = parse_echo(answer)
    assert status == 200
    assert env["PATH_INFO"] == "/café"
    assert env["HTTP_X_NAME"] == "café"


def test_three_set_cookie_headers(ff_server: Server) -> None:
    status, headers, answer = read(ff_server("http", "cookies-c"), "GET", "/")
    assert status == 200
    assert [value for name, value in headers if name.lower() == "set-cookie"] == [
        "a=1; Path=/",
        "b=2; HttpOnly",
        "c=3; Secure; SameSite=Lax",
    ]
    assert answer == b"cookies\n"


def test_binary_response(ff_server: Server) -> None:
    status, headers, answer = read(ff_server("http", "binary-c"), "GET", "/")
    assert status == 200
    assert answer == bytes(range(256))
    assert dict((name.lower(), value) for name, value in headers)["content-length"] == "256"


def test_guest_failure_is_a_clean_error_and_the_server_keeps_serving(ff_server: Server) -> None:
    status, _, answer = read(ff_server("http", "trap-wat"), "GET", "/")
    assert status == 500
    assert answer
    status, _, _ = read(ff_server("http", "echo-c"), "GET", "/still-up")
    assert status == 200
