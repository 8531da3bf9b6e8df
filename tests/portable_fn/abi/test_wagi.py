"""The WAGI contract in both directions, on plain values (no guest needed)."""

from __future__ import annotations

import pytest

from portable_fn import BadGuestOutput, Grants, Request, RequestError
from portable_fn.abi.wagi import Gateway, parse_output


def environment(request: Request, grants: Grants | None = None) -> dict[bytes, bytes]:
    return dict(Gateway(grants or Grants()).invocation(request).env)


def test_every_cgi_variable_is_set_even_without_body() -> None:
    env = environment(Request(headers=(("Host", "h"),)))
    expected = {
        b"AUTH_TYPE", b"CONTENT_LENGTH", b"CONTENT_TYPE", b"GATEWAY_INTERFACE", b"PATH_INFO", b"PATH_TRANSLATED",
        b"QUERY_STRING", b"REMOTE_ADDR", b"REMOTE_HOST", b"REMOTE_USER", b"REQUEST_METHOD", b"SCRIPT_NAME",
        b"SERVER_NAME", b"SERVER_PORT", b"SERVER_PROTOCOL", b"SERVER_SOFTWARE", b"X_FULL_URL", b"X_MATCHED_ROUTE",
        b"X_RAW_PATH_INFO", b"HTTP_HOST",
    }  # fmt: skip
    assert set(env) == expected
    assert env[b"CONTENT_LENGTH"] == b"0"
    assert env[b"GATEWAY_INTERFACE"] == b"CGI/1.1"


def test_path_info_is_decoded_and_the_raw_path_kept() -> None:
    env = environment(Request(path="/a%2Fb/%25/caf%C3%A9/x+y"))
    assert env[b"PATH_INFO"] == b"/a/b/%/caf\xc3\xa9/x+y"
    assert env[b"X_RAW_PATH_INFO"] == b"/a%2Fb/%25/caf%C3%A9/x+y"


def test_bytes_that_are_not_utf8_become_replacement_characters_and_nothing_is_dropped() -> None:
    # wasmtime drops a non-UTF-8 value and every variable after it; the exact bytes stay in X_RAW_PATH_INFO.
    request = Request(path="/%FF%FE", query="q=%FF&\udcff", headers=(("X-Bad", "caf\udce9"), ("X-After", "ok")))
    invocation = Gateway(Grants()).invocation(request)
    env = dict(invocation.env)
    assert env[b"PATH_INFO"] == "/\ufffd\ufffd".encode()
    assert env[b"X_RAW_PATH_INFO"] == b"/%FF%FE"
    assert (env[b"HTTP_X_BAD"], env[b"HTTP_X_AFTER"]) == ("caf\ufffd".encode(), b"ok")
    assert list(invocation.argv) == [b"/", b"q=%FF", "\ufffd".encode()]
    for value in [*invocation.argv, *env.values()]:
        value.decode("utf-8")


def test_nul_in_path_is_a_request_error() -> None:
    with pytest.raises(RequestError, match="NUL"):
        Gateway(Grants()).invocation(Request(path="/a%00b"))


def test_argv_is_script_name_then_undecoded_query_items() -> None:
    invocation = Gateway(Grants()).invocation(Request(query="a=1&b=%20&c", script_name="/api"))
    assert list(invocation.argv) == [b"/api", b"a=1", b"b=%20", b"c"]
    assert environment(Request(script_name="/api"))[b"X_MATCHED_ROUTE"] == b"/api/..."


def test_headers_become_http_variables_with_repeats_joined() -> None:
    headers = (("X-Thing", "a"), ("x-thing", "b"), ("Cookie", "a=1"), ("Cookie", "b=2"), ("Accept", "*/*"))
    env = environment(Request(headers=headers))
    assert env[b"HTTP_X_THING"] == b"a, b"
    assert env[b"HTTP_COOKIE"] == b"a=1; b=2"
    assert env[b"HTTP_ACCEPT"] == b"*/*"


def test_authorization_and_connection_are_withheld_unless_authorization_is_granted() -> None:
    request = Request(headers=(("Authorization", "Bearer t"), ("Connection", "close")))
    assert b"HTTP_AUTHORIZATION" not in environment(request)
    assert b"HTTP_CONNECTION" not in environment(request)
    assert environment(request, Grants(authorization=True))[b"HTTP_AUTHORIZATION"] == b"Bearer t"


def test_proxy_headers_never_reach_the_guest_even_with_authorization_granted() -> None:
    request = Request(headers=(("Proxy", "http://evil.test:3128"), ("Proxy-Authorization", "Basic c2VjcmV0")))
    for grants in (Grants(), Grants(authorization=True)):
        env = environment(request, grants)
        assert b"HTTP_PROXY" not in env
        assert b"HTTP_PROXY_AUTHORIZATION" not in env


def test_header_names_with_underscores_are_dropped_so_they_cannot_spoof_their_dashed_twin() -> None:
    env = environment(Request(headers=(("X_Forwarded_For", "evil"), ("X-Forwarded-For", "1.2.3.4"))))
    assert env[b"HTTP_X_FORWARDED_FOR"] == b"1.2.3.4"


def test_header_names_are_remembered_up_to_a_bound_and_each_still_maps_right() -> None:
    gateway = Gateway(Grants())
    for index in range(2000):
        env = dict(gateway.invocation(Request(headers=((f"X-Name-{index}", "v"), ("Connection", "close")))).env)
        assert env[f"HTTP_X_NAME_{index}".encode()] == b"v" and b"HTTP_CONNECTION" not in env
    assert gateway._env_key.cache_info().currsize <= 512


def test_server_name_and_port_come_from_the_host_header() -> None:
    env = environment(Request(headers=(("Host", "example.com:8443"),), scheme="https", query="q=1"))
    assert (env[b"SERVER_NAME"], env[b"SERVER_PORT"]) == (b"example.com", b"8443")
    assert env[b"X_FULL_URL"] == b"https://example.com:8443/?q=1"


@pytest.mark.parametrize("separator", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_output_with_lf_or_crlf_keeps_the_body_bytes_exact(separator: bytes) -> None:
    body = b"\r\n\x00binary\n\n"
    response = parse_output(b"Content-Type: text/plain" + separator + separator + body)
    assert response.status == 200
    assert response.headers == (("Content-Type", "text/plain"),)
    assert response.body == body


@pytest.mark.parametrize(
    ("output", "body"),
    [
        pytest.param(b"Content-Type: a\n\r\n\nbody", b"\nbody", id="crlf-blank-then-lf"),
        pytest.param(b"Content-Type: a\n\n\r\nbody", b"\r\nbody", id="lf-blank-then-crlf"),
        pytest.param(b"Content-Type: a\r\nX: b\n\r\n", b"", id="mixed-endings"),
    ],
)
def test_the_first_blank_line_ends_the_headers_whichever_its_ending(output: bytes, body: bytes) -> None:
    assert parse_output(output).body == body


def test_repeated_headers_are_kept_in_order() -> None:
    response = parse_output(b"Content-Type: text/plain\nSet-Cookie: a=1\nSet-Cookie: b=2\n\n")
    assert response.headers == (("Content-Type", "text/plain"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"))


def test_location_alone_means_302_and_an_explicit_status_wins() -> None:
    assert parse_output(b"Location: /x\n\n").status == 302
    assert parse_output(b"Location: /x\nStatus: 301 Moved Permanently\n\n").status == 301
    assert parse_output(b"Status: 404 Not Found\nContent-Type: text/plain\n\nno").status == 404
    assert parse_output(b"Status: 204\n\n").headers == ()


@pytest.mark.parametrize(
    ("output", "message"),
    [
        pytest.param(b"hello", "no header block", id="no-newline"),
        pytest.param(b"Content-Type: text/plain\n", "no header block", id="no-blank-line"),
        pytest.param(b"\nbody", "starts with a blank line", id="blank-first"),
        pytest.param(b"X-Only: 1\n\n", "no Content-Type, Status or Location", id="no-required-header"),
        pytest.param(b"not a header\n\n", "malformed header line", id="no-colon"),
        pytest.param(b"Bad Name: x\n\n", "malformed header line", id="space-in-name"),
        pytest.param(b"Content-Type: a\rInjected: b\n\n", "control character", id="cr-injection"),
        pytest.param(b"Status: abc\n\n", "3-digit", id="status-not-a-number"),
        pytest.param(b"Status: 99\n\n", "3-digit", id="status-too-short"),
        pytest.param(b"Status: 600\n\n", "3-digit", id="status-too-high"),
        # Header bytes are read as latin-1, where 0xB2 is a superscript two that str.isdigit() accepts.
        pytest.param(b"Status: 2\xb23\nContent-Type: text/plain\n\n", "3-digit", id="status-superscript-digit"),
        pytest.param(b"Status: 100 Continue\nContent-Type: text/plain\n\n", "final status", id="status-1xx"),
        pytest.param(b"Status: 199\n\n", "final status", id="status-199"),
    ],
)
def test_malformed_output_is_bad_guest_output(output: bytes, message: str) -> None:
    with pytest.raises(BadGuestOutput, match=message):
        parse_output(output)


@pytest.mark.parametrize("status", [204, 304])
def test_no_content_statuses_drop_the_body_the_guest_wrote(status: int) -> None:
    response = parse_output(f"Status: {status}\nContent-Type: text/plain\n\nnot allowed here".encode())
    assert (response.status, response.body) == (status, b"")


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(Request(headers=(("X-Text", "a\ud800b"),)), id="header"),
        pytest.param(Request(path="/\ud800"), id="path"),
        pytest.param(Request(query="q=\udfff"), id="query"),
    ],
)
def test_lone_surrogates_from_a_json_event_are_a_request_error(request_: Request) -> None:
    with pytest.raises(RequestError, match="is not valid Unicode"):
        Gateway(Grants()).invocation(request_)
