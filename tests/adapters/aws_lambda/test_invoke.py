"""``portable-fn invoke --event FILE --provider aws``: native Lambda events through the CLI and real guests."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from adapters.aws_lambda.invoke import invoke_event
from adapters.aws_lambda.types import RecordsFailed, UnknownEvent
from portable_fn.cli import main
from tests.conftest import SAMPLE_CACHE, parse_echo, sample_path

EVENTS = Path(__file__).parent / "events"


def run(sample: str, event: Path) -> Result:
    args = ["invoke", str(sample_path(sample)), "--cache-dir", str(SAMPLE_CACHE), "--event", str(event)]
    return CliRunner().invoke(main, [*args, "--provider", "aws"])


def echoed(result: Result) -> tuple[dict[str, str], bytes]:
    """The echo guest's environment and body, out of the printed Lambda HTTP result."""
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.stdout)
    assert answer["statusCode"] == 200
    raw = base64.b64decode(answer["body"]) if answer["isBase64Encoded"] else answer["body"].encode()
    env, _, body = parse_echo(raw)
    return env, body


def test_function_url_event_file_with_a_bom_reaches_the_guest() -> None:
    env, body = echoed(run("echo-c", EVENTS / "function-url-post-bom.json"))
    assert body == b"order body"
    assert env["REQUEST_METHOD"] == "POST"
    assert env["PATH_INFO"] == "/orders/7"
    assert env["QUERY_STRING"] == "expand=items"
    assert env["HTTP_X_TRACE"] == "t-1"
    assert env["CONTENT_TYPE"] == "text/plain"


def test_shared_http_api_event(shared_events: Path) -> None:
    sent = json.loads((shared_events / "aws" / "apigw-http-v2.json").read_text(encoding="utf-8-sig"))
    env, body = echoed(run("echo-c", shared_events / "aws" / "apigw-http-v2.json"))
    assert body == sent["body"].encode()
    assert env["REQUEST_METHOD"] == sent["requestContext"]["http"]["method"]
    assert env["QUERY_STRING"] == sent["rawQueryString"]


@pytest.mark.parametrize("name", ["apigw-rest-v1-query-encoding.json", "alb-binary-put.json"])
def test_shared_bom_files_are_read(shared_events: Path, name: str) -> None:
    assert (shared_events / "aws" / name).read_bytes().startswith(b"\xef\xbb\xbf")
    echoed(run("echo-c", shared_events / "aws" / name))


def test_sqs_partial_failure_is_reported_per_message() -> None:
    result = run("status-c", EVENTS / "sqs-three.json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"batchItemFailures": [{"itemIdentifier": "m-2"}]}


def test_sqs_batch_that_succeeds_prints_no_failures(shared_events: Path) -> None:
    result = run("status-c", shared_events / "aws" / "sqs.json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"batchItemFailures": []}


def test_refused_sns_record_is_an_error_like_lambdas() -> None:
    result = run("status-c", EVENTS / "sns-fail.json")
    assert result.exit_code == 1
    assert "RecordsFailed" in result.output
    assert "sns-1" in result.output


def test_unknown_event_names_the_supported_shapes() -> None:
    result = run("echo-c", EVENTS / "unknown.json")
    assert result.exit_code == 1
    assert "unrecognised Lambda event" in result.output
    assert "SQS" in result.output


def test_invoke_event_raises_typed_errors(load_sample: Any) -> None:
    with pytest.raises(UnknownEvent):
        invoke_event(load_sample("echo-c"), [1, 2])
    event = json.loads((EVENTS / "sns-fail.json").read_text(encoding="utf-8"))
    with pytest.raises(RecordsFailed):
        invoke_event(load_sample("status-c"), event)
