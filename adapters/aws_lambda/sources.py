"""The non-HTTP Lambda sources, one small class each; the mapping table is in README.md."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus

from adapters.aws_lambda.fields import number, optional_text, table, tables, text, utf8_field
from adapters.aws_lambda.record_event import (
    JSON,
    TEXT,
    EventSource,
    iso_time,
    records,
    to_json,
)
from adapters.aws_lambda.types import BatchResult, Event
from portable_fn import CloudEvent, RequestError
from portable_fn.payloads import decode_base64


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
                data=utf8_field(record, "body"),
                datacontenttype=TEXT,
                time=iso_time(number(table(record, "attributes", required=False), "SentTimestamp", 1000)),
            )
            for record in tables(event, "Records")
        ]

    def report(self, failed: list[tuple[str, int]]) -> BatchResult | None:
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id, _ in failed]}


class Sns(EventSource):
    """SNS notifications: the message text is the data, the SNS subject the CloudEvent subject."""

    name = "SNS"

    def matches(self, event: Event) -> bool:
        return records(event, "EventSource", "aws:sns") is not None

    def to_cloud_events(self, event: Event) -> list[CloudEvent]:
        cloud_events = []
        for record in tables(event, "Records"):
            sns = table(record, "Sns")
            cloud_events.append(
                CloudEvent(
                    id=text(sns, "MessageId"),
                    source=text(sns, "TopicArn"),
                    type=f"com.amazonaws.sns.{text(sns, 'Type').lower()}",
                    data=utf8_field(sns, "Message"),
                    datacontenttype=TEXT,
                    time=optional_text(sns, "Timestamp"),
                    subject=optional_text(sns, "Subject"),
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
        for record in tables(event, "Records"):
            s3 = table(record, "s3")
            s3_object = table(s3, "object")
            bucket = text(table(s3, "bucket"), "name")
            response = table(record, "responseElements", required=False)
            request_ids = [optional_text(response, "x-amz-request-id"), optional_text(response, "x-amz-id-2")]
            cloud_events.append(
                CloudEvent(
                    id=".".join(part for part in request_ids if part) or text(s3_object, "sequencer"),
                    source=f"{text(record, 'eventSource')}.{text(record, 'awsRegion')}.{bucket}",
                    type=f"com.amazonaws.s3.{text(record, 'eventName')}",
                    data=to_json(record),
                    datacontenttype=JSON,
                    time=optional_text(record, "eventTime"),
                    # S3 form-encodes keys in notifications: '+' is a space there.
                    subject=unquote_plus(text(s3_object, "key")),
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
        return [self.to_cloud_event(record) for record in tables(event, "Records")]

    @staticmethod
    def to_cloud_event(record: Mapping[str, Any]) -> CloudEvent:
        """One stream record. Raises RequestError on a missing or mistyped field."""
        change = table(record, "dynamodb")
        return CloudEvent(
            id=text(record, "eventID"),
            source=text(record, "eventSourceARN"),
            type=f"com.amazonaws.dynamodb.{text(record, 'eventName').lower()}",
            data=to_json(change),
            datacontenttype=JSON,
            time=iso_time(number(change, "ApproximateCreationDateTime")),
            subject=json.dumps(change.get("Keys"), separators=(",", ":"), sort_keys=True),
        )


class Kinesis(EventSource):
    """Kinesis records; the base64 ``data`` is decoded to the CloudEvent's bytes."""

    name = "Kinesis"
    stops_on_failure = True

    def matches(self, event: Event) -> bool:
        return records(event, "eventSource", "aws:kinesis") is not None

    def to_cloud_events(self, event: Event) -> list[CloudEvent]:
        return [self.to_cloud_event(record) for record in tables(event, "Records")]

    @staticmethod
    def to_cloud_event(record: Mapping[str, Any]) -> CloudEvent:
        """One Kinesis record. Raises RequestError on a missing or mistyped field."""
        kinesis = table(record, "kinesis")
        return CloudEvent(
            id=text(record, "eventID"),
            source=text(record, "eventSourceARN"),
            type="com.amazonaws.kinesis.record",
            data=decode_base64(text(kinesis, "data"), "kinesis.data"),
            datacontenttype="application/octet-stream",
            time=iso_time(number(kinesis, "approximateArrivalTimestamp")),
            subject=text(kinesis, "partitionKey"),
        )


class EventBridge(EventSource):
    """EventBridge events, scheduled rules included; data is ``detail``, subject the first resource."""

    name = "EventBridge"

    def matches(self, event: Event) -> bool:
        return "detail-type" in event and "source" in event and "id" in event

    def to_cloud_events(self, event: Event) -> list[CloudEvent]:
        resources = event.get("resources")
        first_resource = resources[0] if isinstance(resources, list) and resources else None
        return [
            CloudEvent(
                id=text(event, "id"),
                source=text(event, "source"),
                type=text(event, "detail-type"),
                data=to_json(event.get("detail")),
                datacontenttype=JSON,
                time=optional_text(event, "time"),
                subject=first_resource if isinstance(first_resource, str) else None,
            )
        ]


class CloudWatchLogs(EventSource):
    """CloudWatch Logs subscriptions: gzip+base64 payload, one CloudEvent per log event."""

    name = "CloudWatch Logs"

    def matches(self, event: Event) -> bool:
        return isinstance(event.get("awslogs"), dict)

    def to_cloud_events(self, event: Event) -> list[CloudEvent]:
        import gzip  # here, not at the top: only these events need it, and an HTTP cold start would pay ~1 ms

        packed = decode_base64(text(table(event, "awslogs"), "data"), "awslogs.data")
        try:
            payload: object = json.loads(gzip.decompress(packed))
        except (OSError, EOFError, ValueError) as exc:  # ValueError: JSON errors and undecodable text
            raise RequestError(f"awslogs.data is not gzip-compressed JSON ({exc})") from exc
        if not isinstance(payload, dict):
            raise RequestError("awslogs.data must hold a JSON object")
        if payload.get("messageType") == "CONTROL_MESSAGE":
            return []  # CloudWatch's reachability check carries no log events
        return [
            CloudEvent(
                id=text(log_event, "id"),
                source=text(payload, "logGroup"),
                type="com.amazonaws.logs.event",
                data=utf8_field(log_event, "message"),
                datacontenttype=TEXT,
                time=iso_time(number(log_event, "timestamp", 1000)),
                subject=text(payload, "logStream"),
            )
            for log_event in tables(payload, "logEvents")
        ]
