"""Every HTTP-shaped public sample reaches the guest exactly as its own fields say; shape detection;
custom shapes; result keys checked by mypy."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import mypy.api
import pytest

from adapters.aws_lambda.dispatch import SHAPES, find_shape, handle_event
from adapters.aws_lambda.http_event import HttpShape
from adapters.aws_lambda.types import BatchResult, Event, HttpOptions, Invocation, UnknownEvent
from portable_fn import EventRejected, Function, Request
from tests.conftest import EVENT_SAMPLES, parse_echo

EVENTS = Path(__file__).parent / "events"
SHARED_AWS = sorted((EVENT_SAMPLES / "aws").glob("*.json"))
# Never HTTP_* for the guest (WAGI withholds them; Content-* travel as CONTENT_LENGTH/CONTENT_TYPE).
WITHHELD = {"connection", "authorization", "content-length", "content-type"}


def read_event(path: Path) -> dict[str, Any]:
    """A JSON event file; public samples may start with a UTF-8 BOM."""
    event: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    return event


def is_http(path: Path) -> bool:
    return isinstance(find_shape(read_event(path)), HttpShape)


HTTP_SAMPLES = [path.name for path in SHARED_AWS if is_http(path) and "invalid-base64" not in path.name]


def guest_view(function: Function, event: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    """Run echo through the adapter; (status, guest env, body the guest read)."""
    result = handle_event(function, event, None)
    assert result is not None
    raw = base64.b64decode(result["body"]) if result["isBase64Encoded"] else result["body"].encode()
    env, _, body = parse_echo(raw)
    return result["statusCode"], env, body


def event_headers(event: dict[str, Any]) -> dict[str, list[str]]:
    multi = event.get("multiValueHeaders")
    if multi:
        return {name.lower(): list(values) for name, values in multi.items()}
    return {name.lower(): [value] for name, value in (event.get("headers") or {}).items()}


def expected_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()


@pytest.mark.parametrize("name", HTTP_SAMPLES)
def test_shared_http_event_reaches_guest_as_sent(
    name: str, shared_events: Path, load_sample: Callable[..., Function]
) -> None:
    event = read_event(shared_events / "aws" / name)
    status, env, body = guest_view(load_sample("echo-c"), event)
    assert status == 200
    if event.get("version") == "2.0":
        assert env["REQUEST_METHOD"] == event["requestContext"]["http"]["method"]
        assert env["SCRIPT_NAME"] + env["X_RAW_PATH_INFO"] == event["rawPath"]
        assert env["QUERY_STRING"] == event.get("rawQueryString", "")
        assert env["REMOTE_ADDR"] == event["requestContext"]["http"]["sourceIp"]
        if event.get("cookies") and "cookie" not in event_headers(event):
            assert env["HTTP_COOKIE"] == "; ".join(event["cookies"])
    else:
        assert env["REQUEST_METHOD"] == event["httpMethod"]
        assert env["X_RAW_PATH_INFO"] == event["path"]
        query = event.get("multiValueQueryStringParameters") or {
            key: [value] for key, value in (event.get("queryStringParameters") or {}).items()
        }
        pairs = [(key, value) for key, values in query.items() for value in values]
        if "elb" in event["requestContext"]:  # ALB values arrive still encoded and pass through as they are
            assert env["QUERY_STRING"] == "&".join(f"{key}={value}" for key, value in pairs)
        else:  # REST values arrive decoded: the rebuilt query must decode back to them
            assert parse_qsl(env["QUERY_STRING"], keep_blank_values=True) == pairs
    assert env["PATH_INFO"] == unquote(env["X_RAW_PATH_INFO"])
    for header, values in event_headers(event).items():
        key = "HTTP_" + header.upper().replace("-", "_")
        if header == "content-type":
            assert env["CONTENT_TYPE"] == values[0]
        elif header in ("connection", "authorization"):
            assert key not in env
        elif header != "content-length":
            assert env[key] == ", ".join(values), header
    assert body == expected_body(event)
    assert env["CONTENT_LENGTH"] == str(len(expected_body(event)))


def test_invalid_base64_body_is_a_clear_400(shared_events: Path, load_sample: Callable[..., Function]) -> None:
    event = read_event(shared_events / "aws" / "apigw-rest-v1-invalid-base64-body.json")
    result = handle_event(load_sample("echo-c"), event, None)
    assert result is not None
    assert result["statusCode"] == 400
    assert "not valid base64" in result["body"]
    assert result["multiValueHeaders"]["Content-Type"] == ["text/plain; charset=utf-8"]


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        pytest.param("apigw-rest-v1-proxy.json", "API Gateway REST (v1)", id="rest"),
        pytest.param("apigw-rest-v1-query-encoding.json", "API Gateway REST (v1)", id="rest-no-multivalue"),
        pytest.param("apigw-http-v2.json", "API Gateway HTTP API (v2)", id="http-api"),
        pytest.param("function-url-iam.json", "Lambda Function URL", id="function-url"),
        pytest.param("alb-single-value.json", "ALB (single-value headers)", id="alb-single"),
        pytest.param("alb-multi-value.json", "ALB (multi-value headers)", id="alb-multi"),
        pytest.param("sqs.json", "SQS", id="sqs"),
        pytest.param("sns.json", "SNS", id="sns"),
        pytest.param("s3-put.json", "S3", id="s3"),
        pytest.param("dynamodb-stream.json", "DynamoDB Streams", id="dynamodb"),
        pytest.param("kinesis.json", "Kinesis", id="kinesis"),
        pytest.param("eventbridge.json", "EventBridge", id="eventbridge"),
        pytest.param("eventbridge-scheduled.json", "EventBridge", id="eventbridge-scheduled"),
        pytest.param("cloudwatch-logs.json", "CloudWatch Logs", id="cloudwatch-logs"),
    ],
)
def test_each_sample_is_recognised_as_its_shape(name: str, shape: str, shared_events: Path) -> None:
    assert find_shape(read_event(shared_events / "aws" / name)).name == shape


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(read_event(EVENTS / "unknown.json"), id="unknown-object"),
        pytest.param([1, 2], id="list"),
        pytest.param("GET /", id="string"),
        pytest.param({"Records": []}, id="no-records"),
    ],
)
def test_unknown_event_raises_a_clear_request_error(event: object, load_sample: Callable[..., Function]) -> None:
    with pytest.raises(UnknownEvent, match="unrecognised Lambda event") as caught:
        handle_event(load_sample("echo-c"), event, None)
    assert caught.value.status == 400
    assert all(shape.name in str(caught.value) for shape in SHAPES)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        pytest.param("authorizer-rest-request.json", "REQUEST", id="rest-request"),
        pytest.param("authorizer-rest-token.json", "TOKEN", id="rest-token"),
        pytest.param("authorizer-http-v1-request.json", "REQUEST", id="http-api-payload-1"),
        pytest.param("authorizer-http-v2-request.json", "REQUEST", id="http-api-payload-2"),
    ],
)
def test_authorizer_events_are_refused_not_run_as_requests(
    name: str, kind: str, load_sample: Callable[..., Function]
) -> None:
    with pytest.raises(UnknownEvent, match=f"API Gateway {kind} authorizer events are not supported"):
        handle_event(load_sample("echo-c"), read_event(EVENTS / name), None)


def test_an_unexpected_error_in_an_http_shape_is_logged_and_answered_500(
    load_sample: Callable[..., Function], caplog: pytest.LogCaptureFixture
) -> None:
    # A content-type list holding a number is our own mistake, not the event's: it must not escape raw.
    broken = HttpOptions(text_mime_types=(5,))  # type: ignore[arg-type]
    event = read_event(EVENTS / "function-url-post-bom.json")
    with caplog.at_level(logging.ERROR, logger="adapters.aws_lambda"):
        result = handle_event(load_sample("echo-c"), event, None, broken)
    assert result is not None
    assert result["statusCode"] == 500
    assert "internal error" in result["body"]
    (record,) = [record for record in caplog.records if record.name == "adapters.aws_lambda"]
    assert record.exc_info is not None and record.exc_info[0] is TypeError


class Ping:
    """A shape of our own: ``{"ping": TEXT}`` is sent to the guest as a POST body; the result is its status."""

    name = "ping"

    def matches(self, event: Event) -> bool:
        return "ping" in event

    def invoke(self, function: Function, event: Event, invocation: Invocation, options: HttpOptions) -> BatchResult:
        response = function.handle(Request("POST", "/ping", body=str(event["ping"]).encode()))
        return {"batchItemFailures": [] if response.status == 200 else [{"itemIdentifier": event["ping"]}]}


def test_handle_event_runs_a_custom_shape_before_the_built_in_ones(load_sample: Callable[..., Function]) -> None:
    shapes = (Ping(), *SHAPES)
    assert handle_event(load_sample("echo-c"), {"ping": "hello"}, None, shapes=shapes) == {"batchItemFailures": []}
    sqs = read_event(EVENT_SAMPLES / "aws" / "sqs.json")
    assert find_shape(sqs, shapes).name == "SQS"


def test_only_the_shapes_given_are_tried(load_sample: Callable[..., Function]) -> None:
    with pytest.raises(UnknownEvent, match=r"supported: ping$"):
        handle_event(load_sample("echo-c"), read_event(EVENT_SAMPLES / "aws" / "sqs.json"), None, shapes=[Ping()])


def test_an_unexpected_error_in_a_custom_shape_is_logged_and_retried(
    load_sample: Callable[..., Function], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="adapters.aws_lambda"), pytest.raises(EventRejected, match="ping event"):
        handle_event(load_sample("echo-c"), {"ping": None, "other": 1}, None, shapes=[Broken()])
    (record,) = [record for record in caplog.records if record.name == "adapters.aws_lambda"]
    assert record.exc_info is not None and record.exc_info[0] is KeyError


class Broken(Ping):
    def invoke(self, function: Function, event: Event, invocation: Invocation, options: HttpOptions) -> BatchResult:
        raise KeyError("missing")


MISSPELT = """
from adapters.aws_lambda.apigateway import RestApiV1
from adapters.aws_lambda.types import HttpOptions, RestResult
from portable_fn import Response


class Typo(RestApiV1):
    def to_result(self, response: Response, options: HttpOptions) -> RestResult:
        return {"statusCode": 200, "multiValueHeader": {}, "body": "", "isBase64Encoded": False}
"""


def test_mypy_refuses_a_result_key_a_shape_does_not_have(tmp_path: Path) -> None:
    source = tmp_path / "typo.py"
    source.write_text(MISSPELT)
    report, _, status = mypy.api.run(
        ["--strict", "--follow-imports=silent", "--cache-dir", str(tmp_path / "cache"), str(source)]
    )
    assert status == 1
    assert 'Missing key "multiValueHeaders" for TypedDict "RestResult"' in report
