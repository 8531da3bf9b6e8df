"""The vocabulary of the Lambda adapter: raw event payloads, the context, per-invocation facts.

Raw events stay plain dicts (``Event``): Lambda hands over parsed JSON and each shape
reads only the fields it knows, checking their types as it goes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from portable_fn import EventRejected, RequestError

Event = dict[str, Any]
Result = dict[str, Any]

# Time kept back from the guest so the runtime can still post the answer before Lambda's deadline.
SAFETY_MARGIN_SECONDS = 0.25
# Content types sent as text; everything else is base64-encoded in HTTP results (Mangum's choice).
DEFAULT_TEXT_MIME_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/vnd.api+json",
    "application/vnd.oai.openapi",
    "image/svg+xml",
)


class LambdaContext(Protocol):
    """The part of Lambda's context object the adapter reads."""

    @property
    def aws_request_id(self) -> str: ...

    def get_remaining_time_in_millis(self) -> int: ...


class UnknownEvent(RequestError):
    """Raised when an event matches none of the supported Lambda event shapes."""


class RecordsFailed(EventRejected):
    """Raised when the guest refused records of a batch source, so Lambda retries the batch.

    ``failed`` holds the identifiers of the refused records, in batch order.
    """

    def __init__(self, source: str, failed: list[tuple[str, int]]) -> None:
        listed = ", ".join(f"{record} (HTTP {status})" for record, status in failed)
        super().__init__(f"{source}: the guest did not acknowledge {len(failed)} record(s): {listed}")
        self.failed = [record for record, _ in failed]


@dataclass(frozen=True, slots=True)
class HttpOptions:
    """How HTTP results are encoded: bodies of these content types (prefixes) go out as text."""

    text_mime_types: tuple[str, ...] = DEFAULT_TEXT_MIME_TYPES

    def is_text(self, content_type: str | None) -> bool:
        """True when ``content_type`` is textual by this list, or a ``+json``/``+xml`` type."""
        if not content_type:
            return False
        mime = content_type.split(";", 1)[0].strip().lower()
        return mime.startswith(self.text_mime_types) or mime.endswith(("+json", "+xml"))


@dataclass(frozen=True, slots=True)
class Invocation:
    """What one Lambda invocation contributes to each guest call: an id and a deadline."""

    request_id: str
    deadline: float | None = None  # time.monotonic() value, None when unbounded

    @classmethod
    def from_context(cls, context: LambdaContext | None, margin: float = SAFETY_MARGIN_SECONDS) -> Invocation:
        """Read the request id and the remaining time once, at the start of the invocation."""
        if context is None:
            return cls("")
        remaining = context.get_remaining_time_in_millis() / 1000
        return cls(str(context.aws_request_id), time.monotonic() + remaining - margin)

    def timeout(self) -> float | None:
        """Seconds left for the next guest call (never below 1 ms), or None when unbounded."""
        if self.deadline is None:
            return None
        return max(self.deadline - time.monotonic(), 0.001)
