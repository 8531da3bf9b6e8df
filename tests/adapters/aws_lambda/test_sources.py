"""Non-HTTP sources: each public sample's records reach the guest as CloudEvents; failures map to retries."""

from __future__ import annotations

import base64
import copy
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pytest

from adapters.aws_lambda.dispatch import find_shape, handle_event
from adapters.aws_lambda.record_event import EventSource
from adapters.aws_lambda.types import Invocation, RecordsFailed
from portable_fn import Function, RequestError
from tests.adapters.aws_lambda.test_dispatch import EVENTS, read_event
from tests.conftest import parse_echo

TEXT = "text/plain; charset=utf-8"
DYNAMO_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/Example-Table/stream/2016-12-01T00:00:00.000"
KINESIS_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/simple-stream"
DYNAMO_KEYS = '{"key":{"S":"binary"},"val":{"S":"data"}}'
# (id, source, type, time, subject, content type, data or None to skip) per record, from the samples' fields.
EXPECTED: dict[str, list[tuple[str, str, str, str, str | None, str, bytes | None]]] = {
    "sqs.json": [
        (
            "MessageID_1",
            "arn:aws:sqs:us-west-2:123456789012:SQSQueue",
            "com.amazonaws.sqs.message",
            "2018-03-09T18:53:45.029Z",
            None,
            TEXT,
            b"Message Body",
        )
    ],
    "sns.json": [
        (
            "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
            "arn:aws:sns:EXAMPLE",
            "com.amazonaws.sns.notification",
            "2015-06-03T17:43:27.123Z",
            "TestInvoke",
            TEXT,
            b"Hello from SNS!",
        )
    ],
    "s3-put.json": [
        (
            "C3D13FE58DE4C810.FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
            "aws:s3.us-east-1.sourcebucket",
            "com.amazonaws.s3.ObjectCreated:Put",
            "1970-01-01T00:00:00.123Z",
            "Happy Face.jpg",
            "application/json",
            None,
        )
    ],
    "dynamodb-stream.json": [
        (
            record_id,
            DYNAMO_ARN,
            "com.amazonaws.dynamodb.insert",
            "2016-12-02T01:27:00.000Z",
            DYNAMO_KEYS,
            "application/json",
            None,
        )
        for record_id in ("f07f8ca4b0b26cb9c4e5e77e69f274ee", "f07f8ca4b0b26cb9c4e5e77e42f274ee")
    ],
    "kinesis.json": [
        (
            f"shardId-000000000000:{sequence}",
            KINESIS_ARN,
            "com.amazonaws.kinesis.record",
            time,
            "s1",
            "application/octet-stream",
            b"Hello World",
        )
        for sequence, time in (
            ("49568167373333333333333333333333333333333333333333333333", "2016-12-02T01:18:43.477Z"),
            ("49568167373333333334444444444444444444444444444444444444", "2016-12-04T08:52:03.477Z"),
        )
    ],
    "eventbridge.json": [
        (
            "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
            "aws.ec2",
            "EC2 Instance State-change Notification",
            "2017-12-22T18:43:48Z",
            "arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0",
            "application/json",
            b'{"instance_id":"i-1234567890abcdef0","state":"terminated"}',
        )
    ],
    "eventbridge-scheduled.json": [
        (
            "cdc73f9d-aea9-11e3-9d5a-835b769c0d9c",
            "aws.events",
            "Scheduled Event",
            "1970-01-01T00:00:00Z",
            "arn:aws:events:us-east-1:123456789012:rule/my-schedule",
            "application/json",
            b"{}",
        )
    ],
    "cloudwatch-logs.json": [
        (
            f"eventId{n}",
            "testLogGroup",
            "com.amazonaws.logs.event",
            f"2015-08-24T19:03:07.00{n - 1}Z",
            "testLogStream",
            TEXT,
            f"[ERROR] {word} test message".encode(),
        )
        for n, word in ((1, "First"), (2, "Second"))
    ],
}


def source_of(event: dict[str, object]) -> EventSource:
    shape = find_shape(event)
    assert isinstance(shape, EventSource)
    return shape


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_record_reaches_the_guest_as_a_cloud_event(
    name: str, shared_events: Path, load_sample: Callable[..., Function]
) -> None:
    event = read_event(shared_events / "aws" / name)
    outcomes = source_of(event).deliver(load_sample("echo-c"), event, Invocation("req-7"))
    assert len(outcomes) == len(EXPECTED[name])
    for (_, response), expected in zip(outcomes, EXPECTED[name], strict=True):
        record_id, source, type_, time, subject, content_type, data = expected
        env, _, body = parse_echo(response.body)
        assert (env["REQUEST_METHOD"], env["HTTP_CE_SPECVERSION"]) == ("POST", "1.0")
        assert unquote(env["HTTP_CE_ID"]) == record_id
        assert unquote(env["HTTP_CE_SOURCE"]) == source
        assert unquote(env["HTTP_CE_TYPE"]) == type_
        assert unquote(env["HTTP_CE_TIME"]) == time
        assert (unquote(env["HTTP_CE_SUBJECT"]) if "HTTP_CE_SUBJECT" in env else None) == subject
        assert env["CONTENT_TYPE"] == content_type
        assert body == data if data is not None else json.loads(body)


def test_s3_data_is_the_record(shared_events: Path, load_sample: Callable[..., Function]) -> None:
    event = read_event(shared_events / "aws" / "s3-put.json")
    [(_, response)] = source_of(event).deliver(load_sample("echo-c"), event, Invocation(""))
    assert json.loads(parse_echo(response.body)[2]) == event["Records"][0]


def test_dynamodb_data_is_the_stream_record(shared_events: Path, load_sample: Callable[..., Function]) -> None:
    event = read_event(shared_events / "aws" / "dynamodb-stream.json")
    outcomes = source_of(event).deliver(load_sample("echo-c"), event, Invocation(""))
    assert [json.loads(parse_echo(response.body)[2]) for _, response in outcomes] == [
        record["dynamodb"] for record in event["Records"]
    ]


def test_sqs_reports_only_the_refused_messages(load_sample: Callable[..., Function]) -> None:
    result = handle_event(load_sample("status-c"), read_event(EVENTS / "sqs-three.json"), None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-2"}]}
    all_good = handle_event(load_sample("echo-c"), read_event(EVENTS / "sqs-three.json"), None)
    assert all_good == {"batchItemFailures": []}


def test_sns_failure_raises_naming_the_message(shared_events: Path, load_sample: Callable[..., Function]) -> None:
    event = copy.deepcopy(read_event(shared_events / "aws" / "sns.json"))
    event["Records"][0]["Sns"]["Message"] = "please fail"
    with pytest.raises(RecordsFailed, match=r"SNS: .*95df01b4-ee98-5cb9-9903-4c221d41eb5e \(HTTP 500\)") as caught:
        handle_event(load_sample("status-c"), event, None)
    assert caught.value.failed == ["95df01b4-ee98-5cb9-9903-4c221d41eb5e"]


def test_stream_stops_at_the_first_refused_record(shared_events: Path, load_sample: Callable[..., Function]) -> None:
    event = copy.deepcopy(read_event(shared_events / "aws" / "kinesis.json"))
    event["Records"][0]["kinesis"]["data"] = base64.b64encode(b"fail").decode()
    source = source_of(event)
    assert len(source.deliver(load_sample("status-c"), event, Invocation(""))) == 1
    with pytest.raises(RecordsFailed, match="Kinesis") as caught:
        handle_event(load_sample("status-c"), event, None)
    assert caught.value.failed == [event["Records"][0]["eventID"]]


def test_cloudwatch_control_message_delivers_nothing(load_sample: Callable[..., Function]) -> None:
    payload = {"messageType": "CONTROL_MESSAGE", "logGroup": "", "logStream": "", "logEvents": []}
    data = base64.b64encode(gzip.compress(json.dumps(payload).encode())).decode()
    assert handle_event(load_sample("status-c"), {"awslogs": {"data": data}}, None) is None


def sqs_record(**fields: object) -> dict[str, object]:
    return {"eventSource": "aws:sqs", "messageId": "m", "eventSourceARN": "arn", "body": "b", **fields}


def sqs(**fields: object) -> dict[str, object]:
    return {"Records": [sqs_record(**fields)]}


def sns(**fields: object) -> dict[str, object]:
    message = {"MessageId": "m", "TopicArn": "arn", "Type": "Notification", "Message": "hi", **fields}
    return {"Records": [{"EventSource": "aws:sns", "Sns": message}]}


def s3(**fields: object) -> dict[str, object]:
    s3_part = {"bucket": {"name": "b"}, "object": {"key": "k", "sequencer": "1"}, **fields}
    record: dict[str, object] = {"eventSource": "aws:s3", "awsRegion": "r", "eventName": "e", "s3": s3_part}
    if "responseElements" in fields:
        record["responseElements"] = s3_part.pop("responseElements")
    return {"Records": [record]}


def eventbridge(**fields: object) -> dict[str, object]:
    return {"id": "1", "source": "s", "detail-type": "t", "detail": {}, **fields}


def logs(payload: object) -> dict[str, object]:
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(payload).encode())).decode()}}


@pytest.mark.parametrize(
    ("event", "message"),
    [
        pytest.param(read_event(EVENTS / "kinesis-bad-base64.json"), "kinesis.data is not valid base64", id="kinesis"),
        pytest.param({"awslogs": {"data": base64.b64encode(b"plain").decode()}}, "not gzip", id="logs-not-gzip"),
        pytest.param(
            {"Records": [{"eventSource": "aws:sqs", "messageId": "m", "eventSourceARN": "arn"}]},
            "'body' must be a string",
            id="sqs-no-body",
        ),
        pytest.param({"Records": [{"eventSource": "aws:s3"}]}, "'s3' must be an object", id="s3-no-s3"),
        pytest.param({"Records": [{"EventSource": "aws:sns", "Sns": 5}]}, "'Sns' must be an object", id="sns-bad"),
        pytest.param(sqs(attributes={"SentTimestamp": "1e30"}), "out of range", id="sqs-timestamp-overflow"),
        pytest.param(sqs(attributes={"SentTimestamp": "soon"}), "'SentTimestamp' must be a number", id="sqs-time-text"),
        pytest.param(sqs(attributes={"SentTimestamp": "nan"}), "finite number", id="sqs-time-nan"),
        pytest.param(sqs(attributes=[1]), "'attributes' must be an object", id="sqs-attributes-list"),
        pytest.param({"Records": [sqs_record(), 7]}, "'Records' must be a list of objects", id="sqs-record-int"),
        pytest.param(sns(Timestamp=["2020"]), "'Timestamp' must be a string", id="sns-time-list"),
        pytest.param(sns(Subject={"a": 1}), "'Subject' must be a string", id="sns-subject-object"),
        pytest.param(eventbridge(time=[1]), "'time' must be a string", id="eventbridge-time-list"),
        pytest.param(s3(object=[]), "'object' must be an object", id="s3-object-list"),
        pytest.param(s3(responseElements="x"), "'responseElements' must be an object", id="s3-response-text"),
        pytest.param(logs([1, 2]), "must hold a JSON object", id="logs-json-list"),
        pytest.param(logs({"logEvents": 5}), "'logEvents' must be a list", id="logs-events-int"),
    ],
)
def test_malformed_event_raises_a_clear_request_error(
    event: dict[str, object], message: str, load_sample: Callable[..., Function]
) -> None:
    with pytest.raises(RequestError, match=message):
        handle_event(load_sample("echo-c"), event, None)
