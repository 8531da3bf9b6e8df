"""Request/Response value helpers."""

from __future__ import annotations

from portable_fn import Request, Response, header_values, status_line


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
