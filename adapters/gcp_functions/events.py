"""functions-framework's CloudEvent (``cloudevents`` SDK) -> portable_fn CloudEvent.

functions-framework has already parsed structured or binary mode and converted legacy
background events (Pub/Sub, Cloud Storage, Firebase); this keeps every attribute and turns
the parsed data back into bytes: JSON values as JSON, text as UTF-8, bytes as they are. A
Pub/Sub event keeps its MessagePublishedData JSON (the message data stays base64 inside it),
exactly what Eventarc delivers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cloudevents.abstract import CloudEvent as SdkCloudEvent

from portable_fn import CloudEvent, RequestError
from portable_fn.payloads import encode_data

_NAMED = frozenset({"specversion", "id", "source", "type", "time", "subject", "dataschema", "datacontenttype"})


def from_sdk_event(event: SdkCloudEvent) -> CloudEvent:
    """Map the SDK event functions-framework hands over. Raises RequestError when it is malformed."""
    attributes = event.get_attributes()
    named = {name: optional_text(attributes, name) for name in _NAMED}
    data, content_type = encode_data(event.get_data(), named["datacontenttype"])
    return CloudEvent(
        id=named["id"] or "",
        source=named["source"] or "",
        type=named["type"] or "",
        data=data,
        datacontenttype=content_type,
        time=named["time"],
        subject=named["subject"],
        dataschema=named["dataschema"],
        extensions=tuple(
            (name, value if isinstance(value, str) else json.dumps(value))
            for name, value in attributes.items()
            if name not in _NAMED
        ),
    )


def optional_text(attributes: Mapping[str, Any], name: str) -> str | None:
    """A context attribute that must be text when present (JSON allows any value: a ``time`` that is a
    list reaches us as a list). Raises RequestError naming it."""
    value = attributes.get(name)
    if value is None or isinstance(value, str):
        return value
    raise RequestError(f"CloudEvent attribute {name!r} must be a string, got a {type(value).__name__}")
