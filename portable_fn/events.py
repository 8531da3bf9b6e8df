"""CloudEvents 1.0 as the one shape of every non-HTTP trigger, delivered to the guest as HTTP.

A provider adapter maps its native event (SQS record, Pub/Sub message, Event Grid event,
...) to a CloudEvent; ``to_request`` turns it into a POST in *binary content mode* (``ce-*``
headers, data as the body), the way Knative and Eventarc deliver events. A 2xx answer
acknowledges the event; anything else is a failure the adapter maps to its retry rules.

The encoding is written here rather than taken from the ``cloudevents`` SDK so a Lambda
cold start imports nothing more than this module.
"""

from __future__ import annotations

from urllib.parse import quote

from portable_fn.errors import EventRejected, RequestError
from portable_fn.function import Function
from portable_fn.http import Request, Response
from portable_fn.values import frozen

SPEC_VERSION = "1.0"
# Attributes the spec defines besides data; anything else is an extension.
_CONTEXT_ATTRIBUTES = ("id", "source", "type", "specversion", "time", "subject", "dataschema")
# Printable ASCII except '"' and '%' stays as is in ce-* header values (HTTP binding 3.1.3.2).
_HEADER_SAFE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in '"%')


@frozen
class CloudEvent:
    """One CloudEvents 1.0 event; ``data`` is the raw payload in ``datacontenttype``."""

    id: str
    source: str
    type: str
    data: bytes = b""
    datacontenttype: str | None = None
    time: str | None = None
    subject: str | None = None
    dataschema: str | None = None
    extensions: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        for name in ("id", "source", "type"):
            if not getattr(self, name):
                raise RequestError(f"CloudEvent attribute {name!r} is required and must not be empty")
        for name, _ in self.extensions:
            if not (name.isascii() and name.isalnum() and name.islower()) or name in _CONTEXT_ATTRIBUTES:
                raise RequestError(f"CloudEvent extension name {name!r} must be lower-case ASCII letters and digits")
        for name, value in self.attributes().items():
            if not value.isascii():
                utf8(value, f"CloudEvent attribute {name!r}")

    def attributes(self) -> dict[str, str]:
        """Every context attribute that is set, extensions included, as strings."""
        attributes = {"specversion": SPEC_VERSION, "id": self.id, "source": self.source, "type": self.type}
        for name in ("time", "subject", "dataschema"):
            value = getattr(self, name)
            if value is not None:
                attributes[name] = value
        attributes.update(self.extensions)
        return attributes

    def to_request(self, *, path: str = "/", request_id: str = "") -> Request:
        """Encode as an HTTP POST in binary content mode."""
        headers = [(f"ce-{name}", quote(value, safe=_HEADER_SAFE)) for name, value in self.attributes().items()]
        if self.datacontenttype is not None:
            headers.append(("Content-Type", self.datacontenttype))
        return Request(
            method="POST", path=path, headers=tuple(headers), body=self.data, request_id=request_id or self.id
        )


def utf8(text: str, what: str) -> bytes:
    """``text`` as UTF-8. Raises RequestError naming ``what`` for a lone surrogate, which JSON can
    carry ("\\ud800") but no UTF-8 byte string can."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RequestError(f"{what} is not valid Unicode ({exc.reason})") from exc


def is_acknowledged(response: Response) -> bool:
    """A 2xx answer acknowledges an event; anything else asks the provider to retry."""
    return 200 <= response.status < 300


def deliver(function: Function, event: CloudEvent, *, timeout: float | None = None) -> Response:
    """Run one event through the guest and return its 2xx answer.

    Raises EventRejected, naming the event and the guest's status, for any other answer.
    """
    response = function.handle(event.to_request(), timeout=timeout)
    if not is_acknowledged(response):
        detail = response.body[:200].decode("utf-8", "replace").strip()
        raise EventRejected(f"event {event.id} got {response.status} from the guest ({detail}); it will be retried")
    return response
