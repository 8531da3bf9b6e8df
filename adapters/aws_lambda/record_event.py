"""What every non-HTTP Lambda source shares: records -> CloudEvents -> guest, failures -> retries.

Each record becomes one CloudEvent, delivered as a binary-mode POST; a non-2xx answer is
a failure. SQS reports failures per message (``batchItemFailures``); every other source
raises ``RecordsFailed`` so Lambda retries the batch, as AWS documents for them.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from adapters.aws_lambda.types import BatchResult, Event, HttpOptions, Invocation, RecordsFailed
from portable_fn import CloudEvent, Function, RequestError, Response, is_acknowledged

_log = logging.getLogger("adapters.aws_lambda")
JSON = "application/json"
TEXT = "text/plain; charset=utf-8"


class EventSource(ABC):
    """One non-HTTP source (a ``types.Shape``): detection, event -> CloudEvents, failures -> retries."""

    name: ClassVar[str]
    # Ordered streams stop at the first refused record: Lambda retries the whole batch anyway.
    stops_on_failure: ClassVar[bool] = False

    @abstractmethod
    def matches(self, event: Event) -> bool:
        """True when ``event`` comes from this source."""

    @abstractmethod
    def to_cloud_events(self, event: Event) -> list[CloudEvent]:
        """One CloudEvent per record. Raises RequestError on a missing or mistyped field."""

    def invoke(
        self, function: Function, event: Event, invocation: Invocation, options: HttpOptions
    ) -> BatchResult | None:
        """Deliver every record to the guest and answer as the source expects.

        Raises RequestError for a malformed event, RecordsFailed (where ``report`` does).
        """
        outcomes = self.deliver(function, event, invocation)
        return self.report(
            [(cloud_event.id, response.status) for cloud_event, response in outcomes if not is_acknowledged(response)]
        )

    def deliver(self, function: Function, event: Event, invocation: Invocation) -> list[tuple[CloudEvent, Response]]:
        """Each record's CloudEvent with the guest's answer, in order. Raises RequestError for a malformed event."""
        cloud_events = self.to_cloud_events(event)
        outcomes: list[tuple[CloudEvent, Response]] = []
        for cloud_event in cloud_events:
            request = cloud_event.to_request(request_id=invocation.request_id)
            response = function.handle(request, timeout=invocation.timeout())
            outcomes.append((cloud_event, response))
            if not is_acknowledged(response):
                _log.warning("%s record %s refused with %d", self.name, cloud_event.id, response.status)
                if self.stops_on_failure:
                    break
        return outcomes

    def report(self, failed: list[tuple[str, int]]) -> BatchResult | None:
        """Lambda's answer for a batch: nothing when all succeeded, else RecordsFailed is raised."""
        if failed:
            raise RecordsFailed(self.name, failed)
        return None


def records(event: Event, source_key: str, source: str) -> list[dict[str, Any]] | None:
    """The ``Records`` list when its first record says it comes from ``source``, else None."""
    items = event.get("Records")
    if isinstance(items, list) and items and isinstance(items[0], Mapping) and items[0].get(source_key) == source:
        return items
    return None


def to_json(value: object) -> bytes:
    """Compact UTF-8 JSON, the data of JSON-shaped CloudEvents. Raises RequestError for text with a
    lone surrogate, which JSON can escape but UTF-8 cannot hold."""
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RequestError(f"event data is not valid Unicode ({exc.reason})") from exc


def iso_time(epoch_seconds: float | None) -> str | None:
    """RFC 3339 UTC time (milliseconds) from epoch seconds, or None when absent.

    Raises RequestError for a moment no calendar date can hold.
    """
    if epoch_seconds is None:
        return None
    from datetime import UTC, datetime  # here: an HTTP cold start never needs it, and it costs ~2.5 ms to load

    try:
        moment = datetime.fromtimestamp(epoch_seconds, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise RequestError(f"timestamp {epoch_seconds!r} is out of range") from exc
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
