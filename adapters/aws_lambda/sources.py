"""The non-HTTP Lambda sources, one small class each; the mapping table is in README.md."""

from __future__ import annotations

import base64
import binascii
import gzip
import json
from typing import Any
from urllib.parse import unquote_plus

from adapters.aws_lambda.record_event import JSON, TEXT, EventSource, iso_time, records, text, to_json
from adapters.aws_lambda.types import Event, Result
from portable_fn import CloudEvent, RequestError


class Sqs(EventSource):
    """SQS messages; failures go back as ``batchItemFailures`` so only they are retried.

    Needs ``ReportBatchItemFailures`` on the event source mapping; without it Lambda
    treats the answer as success, so enable it (README says so).
    """

    name = "SQS"

    def matches(self, event: Event) -> bool:
        return records(event, "eventSource", "aws:sqs") is not None

    def to_cloud_events(self, event: Event) -> list[CloudEvent]:
        return [
            CloudEvent(
                id=text(record, "messageId"),
                source=text(record, "eventSourceARN"),
                type="com.amazonaws.sqs.message",
                data=text(record, "body").encode("utf-8"),
                datacontenttype=TEXT,
                time=iso_time(_millis((record.get("attributes") or {}).get("SentTimestamp"))),
            )
            for record in event["Records"]
        ]

    def report(self, failed: list[tuple[str, int]]) -> Result | None:
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id, _ in failed]}


class Sns(EventSource):
    """SNS notifications: the message text is the data, the SNS subject the CloudEvent subject."""

    name = "SNS"

    def matches(self, event: Event) -> bool:
        return records(event, "EventSource", "aws:sns") is not None

    def to_cloud_events(self, event: Event) -> list[CloudEvent]:
        cloud_events = []
        for record in event["Records"]:
            sns = record["Sns"]
            cloud_events.append(
                CloudEvent(
                    id=text(sns, "MessageId"),
                    source=text(sns, "TopicArn"),
                    type=f"com.amazonaws.sns.{text(sns, 'Type').lower()}",
                    data=text(sns, "Message").encode("utf-8"),
                    datacontenttype=TEXT,
                    time=sns.get("Timestamp"),
                    subject=sns.get("Subject") or None,
                )
            )
        return cloud_events


class S3(EventSource):
    """S3 notifications, per the CloudEvents AWS S3 adapter; subject = the decoded object key."""

    name = "S3"

    def matches(self, event: Event) -> bool:
        return records(event, "eventSource", "aws:s3") is not None

    def to_cloud_events(self, event: Event) -> list[CloudEvent]:
        cloud_events = []
        for record in event["Records"]:
            s3 = record["s3"]
            response = record.get("responseElements") or {}
            request_ids = [response.get("x-amz-request-id"), response.get("x-amz-id-2")]
            cloud_events.append(
                CloudEvent(
                    id=".".join(part for part in request_ids if part) or text(s3["object"], "sequencer"),
                    source=f"{text(record, 'eventSource')}.{text(record, 'awsRegion')}.{text(s3['bucket'], 'name')}",
                    type=f"com.amazonaws.s3.{text(record, 'eventName')}",
                    data=to_json(record),
                    datacontenttype=JSON,
                    time=record.get("eventTime"),
                    # S3 form-encodes keys in notifications: '+' is a space there.
                    subject=unquote_plus(text(s3["object"], "key")),
                )
            )
        return cloud_events


class DynamoDbStream(EventSource):
    """DynamoDB stream records; data is the ``dynamodb`` object (keys and images), subject its keys."""

    name = "DynamoDB Streams"
    stops_on_failure = True

    def matches(self, event: Event) -> bool:
        return records(event, "eventSource", "aws:dynamodb") is not None

    def to_cloud_events(self, event: Event) -> list[CloudEvent]:
        return [
            CloudEvent(
                id=text(record, "eventID"),
                source=text(record, "eventSourceARN"),
                type=f"com.amazonaws.dynamodb.{text(record, 'eventName').lower()}",
                data=to_json(record["dynamodb"]),
                datacontenttype=JSON,
                time=iso_time(record["dynamodb"].get("ApproximateCreationDateTime")),
                subject=json.dumps(record["dynamodb"].get("Keys"), separators=(",", ":"), sort_keys=True),
            )
            for record in event["Records"]
        ]


class Kinesis(EventSource):
    """Kinesis records; the base64 ``data`` is decoded to the CloudEvent's bytes."""

    name = "Kinesis"
    stops_on_failure = True

    def matches(self, event: Event) -> bool:
        return records(event, "eventSource", "aws:kinesis") is not None

    def to_cloud_events(self, event: Event) -> list[CloudEvent]:
        return [
            CloudEvent(
                id=text(record, "eventID"),
                source=text(record, "eventSourceARN"),
                type="com.amazonaws.kinesis.record",
                data=_base64(text(record["kinesis"], "data"), "kinesis.data"),
                datacontenttype="application/octet-stream",
                time=iso_time(record["kinesis"].get("approximateArrivalTimestamp")),
                subject=text(record["kinesis"], "partitionKey"),
            )
            for record in event["Records"]
        ]


class EventBridge(EventSource):
    """EventBridge events, scheduled rules included; data is ``detail``, subject the first resource."""

    name = "EventBridge"

    def matches(self, event: Event) -> bool:
        return "detail-type" in event and "source" in event and "id" in event

    def to_cloud_events(self, event: Event) -> list[CloudEvent]:
        resources = event.get("resources") or []
        return [
            CloudEvent(
                id=text(event, "id"),
                source=text(event, "source"),
                type=text(event, "detail-type"),
                data=to_json(event.get("detail")),
                datacontenttype=JSON,
                time=event.get("time"),
                subject=resources[0] if resources and isinstance(resources[0], str) else None,
            )
        ]


class CloudWatchLogs(EventSource):
    """CloudWatch Logs subscriptions: gzip+base64 payload, one CloudEvent per log event."""

    name = "CloudWatch Logs"

    def matches(self, event: Event) -> bool:
        return isinstance(event.get("awslogs"), dict)

    def to_cloud_events(self, event: Event) -> list[CloudEvent]:
        packed = _base64(text(event["awslogs"], "data"), "awslogs.data")
        try:
            payload: dict[str, Any] = json.loads(gzip.decompress(packed))
        except (OSError, EOFError, json.JSONDecodeError) as exc:
            raise RequestError(f"awslogs.data is not gzip-compressed JSON ({exc})") from exc
        if payload.get("messageType") == "CONTROL_MESSAGE":
            return []  # CloudWatch's reachability check carries no log events
        return [
            CloudEvent(
                id=text(log_event, "id"),
                source=text(payload, "logGroup"),
                type="com.amazonaws.logs.event",
                data=text(log_event, "message").encode("utf-8"),
                datacontenttype=TEXT,
                time=iso_time(_millis(log_event.get("timestamp"))),
                subject=text(payload, "logStream"),
            )
            for log_event in payload["logEvents"]
        ]


def _base64(value: str, name: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise RequestError(f"{name} is not valid base64 ({exc})") from exc


def _millis(value: object) -> float | None:
    return None if value is None or value == "" else float(value) / 1000  # type: ignore[arg-type]
