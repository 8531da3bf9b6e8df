"""One guest, every adapter: the same requests through the plain local server and each
provider's emulated code path must reach the guest identically and come back identically.

Each adapter runs as `portable-fn serve --emulate NAME`: a real server on 127.0.0.1 that turns
every request into the provider's native event or object and runs that provider's adapter.
Each (case, guest, adapter) is its own test, so one disagreement does not hide the others.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from tests.conftest import SAMPLE_CACHE, parse_echo, sample_path
from tests.servers import Server

# The same echo contract in C, in Python (a WSGI app in a component) and in JavaScript.
ECHO_GUESTS = ["echo-c", "echo-py", "echo-js"]
ADAPTERS = ["none", "aws-rest", "aws-http", "aws-url", "aws-alb", "azure", "gcp"]
# Each guest through each adapter, against echo-c on the plain server (the reference itself excluded).
GUEST_ADAPTERS = [
    pytest.param(guest, adapter, id=f"{guest}-{adapter}")
    for guest in ECHO_GUESTS
    for adapter in ADAPTERS
    if (guest, adapter) != ("echo-c", "none")
]
# Azure serves functions below its route prefix; the guest sees it as SCRIPT_NAME.
PREFIX = {"azure": "/api"}
# What legitimately differs between servers: their address, and where the app is mounted.
SERVER_SPECIFIC = {
    "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "X_FULL_URL", "REMOTE_ADDR", "REMOTE_HOST",
    "SCRIPT_NAME", "X_MATCHED_ROUTE",
}  # fmt: skip
# REST API v1 events carry only decoded query values, so the raw query is rebuilt: the
# guest gets the same keys and values, not always the same escapes ("a+b" may come back "a%20b").
DECODED_QUERY = {"aws-rest"}
BINARY = bytes(range(256)) * 16
LARGE = bytes(index % 251 for index in range(1024 * 1024))


@dataclass(frozen=True, slots=True)
class Case:
    method: str
    target: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


CASES = [
    pytest.param(Case("GET", "/"), id="root"),
    pytest.param(Case("GET", "/caf%C3%A9/%E2%9C%93"), id="unicode-path"),
    pytest.param(Case("GET", "/a%2Fb/50%25/c%20d"), id="encoded-slash-percent-space"),
    pytest.param(Case("GET", "/plus+sign?q=a+b&x=%2B&y=%20"), id="plus-and-encoded-query"),
    pytest.param(Case("GET", "/items?k=1&k=2&k=3&empty="), id="repeated-query-keys"),
    pytest.param(Case("GET", "/h", (("X-Multi", "a"), ("X-Multi", "b"), ("X-Single", "s"))), id="repeated-headers"),
    pytest.param(Case("GET", "/c", (("Cookie", "a=1; b=2"),)), id="request-cookies"),
    pytest.param(Case("POST", "/empty", (("Content-Type", "text/plain"),)), id="empty-body"),
    pytest.param(Case("POST", "/json", (("Content-Type", "application/json"),), b'{"k": "v"}'), id="json-body"),
    pytest.param(Case("PUT", "/bin", (("Content-Type", "application/octet-stream"),), BINARY), id="binary-body"),
    pytest.param(Case("POST", "/big", (("Content-Type", "application/octet-stream"),), LARGE), id="1mb-body"),
    pytest.param(Case("DELETE", "/thing/7"), id="delete"),
    pytest.param(Case("PATCH", "/thing/7", (("Content-Type", "text/plain"),), b"patch"), id="patch"),
    # RFC 9112 section 3.2.2: a server must accept the absolute form and take the path from it.
    pytest.param(Case("GET", "http://example.com/x?q=1"), id="absolute-form-target"),
    pytest.param(Case("GET", "/%2F"), id="only-an-encoded-slash"),
    pytest.param(Case("GET", "//double//slashes/"), id="double-slashes"),
    pytest.param(Case("GET", "/%e2%9c%93/caf%c3%a9"), id="lowercase-escapes"),
    pytest.param(
        Case("GET", "/%FF%FE"),
        id="non-utf8-escapes",  # PATH_INFO carries U+FFFD (wasmtime takes only UTF-8); X_RAW_PATH_INFO the bytes
    ),
    pytest.param(Case("GET", "/a;b=c/d;e?f=g;h"), id="semicolon-params"),
    pytest.param(Case("GET", "/trailing?"), id="trailing-question-mark"),
    pytest.param(Case("GET", "/dots/./x/../y"), id="dot-segments"),
    pytest.param(Case("GET", '/raw/"<>{}|^`'), id="characters-outside-the-path-safe-set"),
]


class Servers:
    """One `portable-fn serve --emulate ADAPTER` per (guest, adapter), started on first use."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.running: dict[tuple[str, str], Server] = {}

    def __getitem__(self, key: tuple[str, str]) -> Server:
        if key not in self.running:
            guest, adapter = key
            args = [str(sample_path(guest)), "--emulate", adapter, "--cache-dir", str(self.cache), "--threads", "1"]
            self.running[key] = Server(args, probe=PREFIX.get(adapter, "") + "/")
        return self.running[key]

    def stop(self) -> None:
        for server in self.running.values():
            server.stop()


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    # The samples' own precompiled cache: components compile once, not once per session.
    pool = Servers(SAMPLE_CACHE)
    try:
        yield pool
    finally:
        pool.stop()


def send(server: Server, adapter: str, case: Case) -> tuple[int, list[tuple[str, str]], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.putrequest(case.method, mounted(adapter, case.target), skip_accept_encoding=True)
        for name, value in case.headers:
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(case.body)))
        connection.endheaders(case.body)
        response = connection.getresponse()
        headers = [(name.lower(), value) for name, value in response.getheaders()]
        return response.status, headers, response.read()
    finally:
        connection.close()


def mounted(adapter: str, target: str) -> str:
    """``target`` below the adapter's route prefix, in the same form (origin or absolute)."""
    scheme, separator, rest = target.partition("://")
    if not separator:
        return PREFIX.get(adapter, "") + target
    authority, _, path = rest.partition("/")
    return f"{scheme}://{authority}{PREFIX.get(adapter, '')}/{path}"


def origin_path(target: str) -> str:
    """The raw path of a request target in origin form (``/p?q``) or absolute form (``http://host/p?q``),
    with what RFC 3986 does not allow in a path escaped (escapes kept)."""
    return quote((urlsplit(target).path if "://" in target else target).split("?", 1)[0], safe="/:@!$&'()*+,;=-._~%")


def comparable_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Response headers without the ones each HTTP server sets itself (the echo body length
    differs with each server's address, so it is compared through the guest view)."""
    return [(name, value) for name, value in headers if name not in {"date", "server", "connection", "content-length"}]


def guest_view(body: bytes, adapter: str = "none") -> tuple[dict[str, str], list[str], bytes]:
    env, argv, received = parse_echo(body)
    kept = {key: value for key, value in env.items() if key not in SERVER_SPECIFIC and not is_proxy_header(key)}
    if adapter in DECODED_QUERY:
        kept["QUERY_STRING"] = repr(parse_qsl(kept["QUERY_STRING"], keep_blank_values=True))
        argv = argv[:1] + [repr(parse_qsl(item, keep_blank_values=True)) for item in argv[1:]]
    return kept, argv[1:], received


def is_proxy_header(variable: str) -> bool:
    """Headers a provider's front end adds to every request (API Gateway's X-Forwarded-*)."""
    return variable.startswith(("HTTP_X_FORWARDED_", "HTTP_X_AMZN_"))


@pytest.mark.parametrize(("guest", "adapter"), GUEST_ADAPTERS)
@pytest.mark.parametrize("case", CASES)
def test_echo_guest_sees_the_same_request_through_every_adapter(
    servers: Servers, case: Case, guest: str, adapter: str
) -> None:
    reference_status, reference_headers, reference_body = send(servers["echo-c", "none"], "none", case)
    reference_env, _, reference_received = parse_echo(reference_body)
    assert reference_status == 200
    assert (reference_env.get("X_RAW_PATH_INFO"), reference_received) == (origin_path(case.target), case.body)
    status, headers, body = send(servers[guest, adapter], adapter, case)
    assert status == reference_status
    assert guest_view(body, adapter) == guest_view(reference_body, adapter)
    assert comparable_headers(headers) == comparable_headers(reference_headers)


def cookie(header: str) -> tuple[str, frozenset[str]]:
    """A Set-Cookie value as (name=value, attributes): the Azure worker reorders attributes."""
    pair, *attributes = header.split("; ")
    return pair, frozenset(attributes)


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_several_cookies_come_back_unmerged(servers: Servers, adapter: str) -> None:
    expected = [cookie(header) for header in ("a=1; Path=/", "b=2; HttpOnly", "c=3; Secure; SameSite=Lax")]
    status, headers, body = send(servers["cookies-c", adapter], adapter, Case("GET", "/"))
    assert (status, body) == (200, b"cookies\n")
    assert [cookie(value) for name, value in headers if name == "set-cookie"] == expected


@pytest.mark.parametrize("target", ["/x", "http://example.com/x"])
@pytest.mark.parametrize("adapter", ADAPTERS)
def test_guest_sees_the_adapters_prefix_as_script_name_and_the_rest_as_path(
    servers: Servers, adapter: str, target: str
) -> None:
    _, _, body = send(servers["echo-c", adapter], adapter, Case("GET", target))
    env, _, _ = parse_echo(body)
    assert (env["SCRIPT_NAME"], env["PATH_INFO"], env["X_RAW_PATH_INFO"]) == (PREFIX.get(adapter, ""), "/x", "/x")


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_binary_response_comes_back_byte_exact(servers: Servers, adapter: str) -> None:
    status, headers, body = send(servers["binary-c", adapter], adapter, Case("GET", "/"))
    assert (status, body) == (200, bytes(range(256)))
    assert ("content-type", "application/octet-stream") in headers
