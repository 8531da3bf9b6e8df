"""Request/Response value helpers."""

from __future__ import annotations

import pytest

from portable_fn import Request, RequestError, Response, header_values, status_line
from portable_fn.http import first_header, quote_path, requote_path


def test_header_lookup_is_case_insensitive_and_keeps_repeats_in_order() -> None:
    headers = (("Set-Cookie", "a=1"), ("content-type", "text/plain"), ("set-cookie", "b=2"))
    assert header_values(headers, "SET-COOKIE") == ["a=1", "b=2"]
    assert Response(headers=headers).header("Content-Type") == "text/plain"
    assert Request(headers=headers).header("X-Missing") is None


def test_text_response_and_status_lines() -> None:
    response = Response.text(413, "too big")
    assert (response.status, response.body) == (413, b"too big\n")
    assert status_line(404) == "404 Not Found"
    assert status_line(299) == "299"


def test_first_header_is_the_first_of_repeats_or_none() -> None:
    headers = [("X-A", "1"), ("x-a", "2")]
    assert (first_header(headers, "x-A"), first_header(headers, "X-B")) == ("1", None)


@pytest.mark.parametrize(
    ("decoded", "escaped"),
    [
        pytest.param(b"/50%/a b", "/50%25/a%20b", id="literal-percent-and-space"),
        pytest.param("/café".encode(), "/caf%C3%A9", id="utf8-bytes"),
        pytest.param(b"/a;b=c/@:!$&'()*+,~", "/a;b=c/@:!$&'()*+,~", id="pchar-kept"),
        pytest.param(b"/q?#[]", "/q%3F%23%5B%5D", id="delimiters-escaped"),
        pytest.param(b"", "/", id="empty"),
    ],
)
def test_a_decoded_path_has_every_percent_escaped(decoded: bytes, escaped: str) -> None:
    assert quote_path(decoded) == escaped


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        pytest.param("/50%25/a%2Fb", "/50%25/a%2Fb", id="escapes-kept-once"),
        pytest.param("/café/a b", "/caf%C3%A9/a%20b", id="raw-text-escaped"),
        pytest.param("/plus+sign", "/plus+sign", id="plus-kept"),
    ],
)
def test_a_raw_path_keeps_its_escapes(raw: str, escaped: str) -> None:
    assert requote_path(raw) == escaped


def test_a_raw_path_that_is_not_unicode_is_a_request_error() -> None:
    with pytest.raises(RequestError, match="not valid Unicode"):
        requote_path("/\ud800")


def test_raw_path_bytes_are_escaped_as_they_are() -> None:
    assert requote_path('/caf\xc3\xa9/"x"%2F', "latin-1") == "/caf%C3%A9/%22x%22%2F"
