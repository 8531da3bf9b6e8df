"""ALB events: still-encoded query values, raw paths, single- and multi-value results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from adapters.aws_lambda.alb import case_variants
from adapters.aws_lambda.dispatch import handle_event
from portable_fn import Function
from tests.adapters.aws_lambda.test_apigateway import COOKIES
from tests.adapters.aws_lambda.test_dispatch import EVENTS, guest_view, read_event


def test_query_values_are_never_encoded_twice(load_sample: Callable[..., Function]) -> None:
    status, env, body = guest_view(load_sample("echo-c"), read_event(EVENTS / "alb-single-value-plus-path.json"))
    assert status == 200
    assert env["REQUEST_METHOD"] == "DELETE"
    assert env["X_RAW_PATH_INFO"] == "/c++/a%2Fb"
    assert env["PATH_INFO"] == "/c++/a/b"
    assert env["QUERY_STRING"] == "q=a%20b%2Bc&k=v+w"
    # ALB appends the peer it saw; "192.0.2.1" is whatever the client wrote into the header.
    assert env["REMOTE_ADDR"] == "10.0.0.1"
    assert env["X_FULL_URL"] == "http://alb.example.com/c++/a%2Fb?q=a%20b%2Bc&k=v+w"
    assert body == b""


def test_single_value_result_keeps_every_set_cookie_apart(load_sample: Callable[..., Function]) -> None:
    result = handle_event(load_sample("cookies-c"), read_event(EVENTS / "alb-single-value-plus-path.json"), None)
    assert result is not None
    assert result["statusDescription"] == "200 OK"
    assert "multiValueHeaders" not in result
    cookies = [value for name, value in result["headers"].items() if name.lower() == "set-cookie"]
    assert cookies == COOKIES


def test_multi_value_result_lists_set_cookie(shared_events: Path, load_sample: Callable[..., Function]) -> None:
    result = handle_event(load_sample("cookies-c"), read_event(shared_events / "aws" / "alb-multi-value.json"), None)
    assert result is not None
    assert result["multiValueHeaders"]["Set-Cookie"] == COOKIES
    assert "headers" not in result
    assert (result["statusCode"], result["statusDescription"]) == (200, "200 OK")


def test_case_variants_are_distinct_spellings_of_one_name() -> None:
    variants = list(case_variants("Set-Cookie"))
    assert variants[0] == "Set-Cookie"
    assert len(variants) == len(set(variants)) == 2**9
    assert {variant.lower() for variant in variants} == {"set-cookie"}


def test_remote_addr_is_the_entry_alb_appended_not_one_the_client_wrote(
    load_sample: Callable[..., Function],
) -> None:
    event = read_event(EVENTS / "alb-single-value-plus-path.json")
    event["headers"]["x-forwarded-for"] = "127.0.0.1, 198.51.100.7"
    assert guest_view(load_sample("echo-c"), event)[1]["REMOTE_ADDR"] == "198.51.100.7"
    event.pop("headers")
    event["multiValueHeaders"] = {"X-Forwarded-For": ["127.0.0.1", "10.1.1.1, 198.51.100.8"]}
    assert guest_view(load_sample("echo-c"), event)[1]["REMOTE_ADDR"] == "198.51.100.8"
