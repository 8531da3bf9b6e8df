"""The vocabulary of the Lambda adapter: raw event payloads, results, the shape seam, the context.

Raw events stay plain dicts (``Event``): Lambda hands over parsed JSON and each shape
reads only the fields it knows, checking their types as it goes. Results are TypedDicts, one per
shape family, so mypy checks every key a shape returns.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, NotRequired, Protocol, TypedDict

from portable_fn import EventRejected, Function, RequestError
from portable_fn.values import frozen

Event = dict[str, Any]


class RestResult(TypedDict):
    """API Gateway REST API (payload 1.0): every header as a list."""

    statusCode: int
    multiValueHeaders: dict[str, list[str]]
    body: str
    isBase64Encoded: bool


class HttpV2Result(TypedDict):
    """HTTP API and Function URL (payload 2.0): comma-joined headers, Set-Cookie values apart."""

    statusCode: int
    headers: dict[str, str]
    cookies: list[str]
    body: str
    isBase64Encoded: bool


class AlbResult(TypedDict):
    """Application Load Balancer: ``multiValueHeaders`` when the target group enables them, else ``headers``."""

    statusCode: int
    statusDescription: str
    body: str
    isBase64Encoded: bool
    headers: NotRequired[dict[str, str]]
    multiValueHeaders: NotRequired[dict[str, list[str]]]


class BatchItemFailure(TypedDict):
    """One SQS message the guest refused; Lambda returns it to the queue."""

    itemIdentifier: str


class BatchResult(TypedDict):
    """SQS partial batch response."""

    batchItemFailures: list[BatchItemFailure]


HttpResult = RestResult | HttpV2Result | AlbResult
LambdaResult = HttpResult | BatchResult
# Any result read back without knowing its shape (the local emulator turns it into HTTP).
Result = Mapping[str, Any]

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


class Shape(Protocol):
    """One event shape (an HTTP payload or a non-HTTP source); ``dispatch.handle_event`` tries them in order."""

    @property
    def name(self) -> str:
        """Named in logs and in the list of supported shapes."""
        ...

    def matches(self, event: Event) -> bool:
        """True when ``event`` has this shape."""
        ...

    def invoke(
        self, function: Function, event: Event, invocation: Invocation, options: HttpOptions
    ) -> LambdaResult | None:
        """Run the guest for ``event`` and return what Lambda hands back (None for no result).

        Raises PortableFnError subclasses (RequestError, EventRejected) as the source's retry rules want.
        """
        ...


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


@frozen
class HttpOptions:
    """How HTTP results are encoded: bodies of these content types (prefixes) go out as text."""

    text_mime_types: tuple[str, ...] = DEFAULT_TEXT_MIME_TYPES

    def is_text(self, content_type: str | None) -> bool:
        """True when ``content_type`` is textual by this list, or a ``+json``/``+xml`` type."""
        if not content_type:
            return False
        mime = content_type.split(";", 1)[0].strip().lower()
        return mime.startswith(self.text_mime_types) or mime.endswith(("+json", "+xml"))


@frozen
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
