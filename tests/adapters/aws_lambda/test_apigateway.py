"""API Gateway REST v1, HTTP API v2 and Function URL: exact URLs in, each result format out."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.aws_lambda.dispatch import handle_event
from adapters.aws_lambda.types import HttpOptions, Result
from portable_fn import Function
from tests.adapters.aws_lambda.test_dispatch import EVENTS, guest_view, read_event

COOKIES = ["a=1; Path=/", "b=2; HttpOnly", "c=3; Secure; SameSite=Lax"]


def test_rest_rebuilds_the_query_and_keeps_the_raw_path(load_sample: Callable[..., Function]) -> None:
    event = read_event(EVENTS / "rest-v1-single-value-encoded.json")
    status, env, body = guest_view(load_sample("echo-c"), event)
    assert status == 200
    assert env["REQUEST_METHOD"] == "PUT"
    assert env["SCRIPT_NAME"] == "/prod"  # the client called the stage URL
    assert env["X_RAW_PATH_INFO"] == "/a%2Fb%25c+d/%C3%A9"
    assert env["PATH_INFO"] == "/a/b%c+d/é"  # '+' is no space in a path
    assert env["QUERY_STRING"] == "q=a%26b%3Dc%2Bd%20e&empty=&path=/x/y?z"
    assert env["X_FULL_URL"] == (
        "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/a%2Fb%25c+d/%C3%A9?q=a%26b%3Dc%2Bd%20e&empty=&path=/x/y?z"
    )
    assert env["REMOTE_ADDR"] == "203.0.113.9"
    assert env["HTTP_X_TRACE"] == "t1"
    assert body == bytes(range(256))


def test_http_api_strips_a_named_stage_and_joins_cookies(load_sample: Callable[..., Function]) -> None:
    event = read_event(EVENTS / "http-v2-named-stage.json")
    status, env, body = guest_view(load_sample("echo-c"), event)
    assert status == 200
    assert (env["REQUEST_METHOD"], env["SCRIPT_NAME"], env["X_RAW_PATH_INFO"]) == ("POST", "/beta", "/files/a%20b%2Fc")
    assert env["PATH_INFO"] == "/files/a b/c"
    assert env["QUERY_STRING"] == "x=1&x=2&y=%2B+z"
    assert env["HTTP_COOKIE"] == "s=1; t=2"
    assert env["HTTP_X_MULTI"] == "a,b"
    assert (
        env["CONTENT_LENGTH"] == env.get("HTTP_CONTENT_LENGTH", "6") == "6"
    )  # the sender's 999 described another body
    assert body == "héllo".encode()


def test_function_url_never_strips_a_path_segment(load_sample: Callable[..., Function]) -> None:
    event = copy.deepcopy(read_event(EVENTS / "http-v2-named-stage.json"))
    event["requestContext"]["domainName"] = "abc.lambda-url.us-east-1.on.aws"
    _, env, _ = guest_view(load_sample("echo-c"), event)
    assert (env["SCRIPT_NAME"], env["X_RAW_PATH_INFO"]) == ("", "/beta/files/a%20b%2Fc")


def run(function: Function, event: dict[str, Any], options: HttpOptions | None = None) -> Result:
    result = handle_event(function, event, None, options)
    assert result is not None
    return result


def test_rest_result_keeps_every_set_cookie(shared_events: Path, load_sample: Callable[..., Function]) -> None:
    result = run(load_sample("cookies-c"), read_event(shared_events / "aws" / "apigw-rest-v1-proxy.json"))
    assert result["statusCode"] == 200
    assert result["multiValueHeaders"]["Set-Cookie"] == COOKIES
    assert (result["body"], result["isBase64Encoded"]) == ("cookies\n", False)


@pytest.mark.parametrize("name", ["apigw-http-v2.json", "function-url-cookies-text-body.json"])
def test_v2_result_puts_set_cookie_in_cookies(
    name: str, shared_events: Path, load_sample: Callable[..., Function]
) -> None:
    result = run(load_sample("cookies-c"), read_event(shared_events / "aws" / name))
    assert result["cookies"] == COOKIES
    assert not any(header.lower() == "set-cookie" for header in result["headers"])
    assert result["headers"]["Content-Type"] == "text/plain"


def test_binary_result_is_base64_unless_its_type_is_listed_as_text(
    shared_events: Path, load_sample: Callable[..., Function]
) -> None:
    event = read_event(shared_events / "aws" / "function-url-get.json")
    binary = run(load_sample("binary-c"), event)
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == bytes(range(256))
    echo_default = run(load_sample("echo-c"), event)
    assert echo_default["isBase64Encoded"] is True  # application/octet-stream
    echo_as_text = run(load_sample("echo-c"), event, HttpOptions(text_mime_types=("application/octet-stream",)))
    assert echo_as_text["isBase64Encoded"] is False
    assert "env REQUEST_METHOD=GET" in echo_as_text["body"]
    # bytes that are not UTF-8 stay base64 even when the type is listed as text
    assert run(load_sample("binary-c"), event, HttpOptions(text_mime_types=("application/",)))["isBase64Encoded"]


def test_guest_fault_becomes_a_result_not_an_exception(
    shared_events: Path, load_sample: Callable[..., Function]
) -> None:
    result = run(load_sample("trap-wat"), read_event(shared_events / "aws" / "apigw-http-v2.json"))
    assert result["statusCode"] == 500
    assert result["headers"]["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("rawPath", None, "path must be a string", id="no-path"),
        pytest.param("rawQueryString", 5, "rawQueryString", id="bad-query"),
        pytest.param("body", {"x": 1}, "'body' must be a string", id="bad-body"),
    ],
)
def test_malformed_http_event_is_a_400_result(
    field: str, value: object, message: str, load_sample: Callable[..., Function]
) -> None:
    event = copy.deepcopy(read_event(EVENTS / "http-v2-named-stage.json"))
    event[field] = value
    result = run(load_sample("echo-c"), event)
    assert result["statusCode"] == 400
    assert message in result["body"]
