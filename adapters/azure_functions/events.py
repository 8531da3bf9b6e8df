"""Azure trigger payloads -> CloudEvents, and the failure that makes the host retry.

=============  ==================================  =============================  =====================
trigger        type                                source                         subject / id / time
=============  ==================================  =============================  =====================
Queue          ``azure.storage.queue.message``     ``/azure/storage/queues/Q``    - / message id / inserted
Blob           ``azure.storage.blob.written``      blob URI                       blob name / ETag / modified
Event Grid     ``eventType`` (EG schema) or the    ``topic`` or ``source``        as sent
               event's own ``type`` (CE schema)
Timer          ``azure.functions.timer``           ``/azure/functions/timer/F``   - / random / now
=============  ==================================  =============================  =====================
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import azure.functions as func

from portable_fn import CloudEvent, RequestError
from portable_fn.payloads import JSON_TYPE, decode_base64, encode_data


def format_time(moment: datetime | None) -> str | None:
    """RFC 3339 text with ``Z`` for UTC, as CloudEvents writes it."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat().replace("+00:00", "Z")


def sniff_content_type(body: bytes) -> str:
    """JSON when the body parses as JSON, text when it is UTF-8, else octet-stream."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    try:
        json.loads(text)
    except ValueError:
        return "text/plain; charset=utf-8"
    return JSON_TYPE


def from_queue_message(message: func.QueueMessage, queue_name: str) -> CloudEvent:
    """One queue message; the body as the host decoded it (base64 queues arrive decoded)."""
    body = message.get_body()
    count = message.dequeue_count
    return CloudEvent(
        id=message.id or str(uuid.uuid4()),
        source=f"/azure/storage/queues/{queue_name}",
        type="azure.storage.queue.message",
        data=body,
        datacontenttype=sniff_content_type(body) if body else None,
        time=format_time(message.insertion_time),
        extensions=(("dequeuecount", str(count)),) if count is not None else (),
    )


def from_blob(blob: func.InputStream) -> CloudEvent:
    """A new or updated blob: ``subject`` is its name (``container/path``), the data its bytes."""
    properties: dict[str, Any] = getattr(blob, "blob_properties", None) or {}
    data = blob.read()
    return CloudEvent(
        id=str(properties.get("ETag") or blob.uri or uuid.uuid4()).strip('"'),
        source=blob.uri or "/azure/storage/blobs",
        type="azure.storage.blob.written",
        data=data,
        datacontenttype=str(properties.get("ContentType") or "application/octet-stream"),
        time=str(properties["LastModified"]) if properties.get("LastModified") else None,
        subject=blob.name,
    )


def from_event_grid(event: func.EventGridEvent | func.CloudEvent) -> CloudEvent:
    """An Event Grid event in either schema. Raises RequestError when it is malformed."""
    if isinstance(event, func.EventGridEvent):
        return from_event_grid_schema(event)
    return from_cloud_event_schema(event)


def from_event_grid_schema(event: func.EventGridEvent) -> CloudEvent:
    """Event Grid schema: topic -> source, eventType -> type, dataVersion -> ``dataversion``."""
    data, content_type = encode_data(event.get_json(), None)
    data_version = optional_text(event.data_version, "dataVersion")
    return CloudEvent(
        id=optional_text(event.id, "id") or "",
        source=optional_text(event.topic, "topic") or "",
        type=optional_text(event.event_type, "eventType") or "",
        data=data,
        datacontenttype=content_type,
        time=format_time(event.event_time),
        subject=optional_text(event.subject, "subject"),
        extensions=(("dataversion", data_version),) if data_version else (),
    )


def optional_text(value: object, name: str) -> str | None:
    """An event attribute that must be text when present. Raises RequestError naming it."""
    if value is None or isinstance(value, str):
        return value
    raise RequestError(f"Event Grid attribute {name!r} must be a string, got a {type(value).__name__}")


def from_cloud_event_schema(event: func.CloudEvent) -> CloudEvent:
    """CloudEvents schema: attributes as sent; ``data_base64`` decoded, JSON data re-serialised."""
    extensions = event.extension_attrs
    content_type = optional_text(event.datacontenttype, "datacontenttype")
    encoded = extensions.pop("data_base64", None)
    if encoded is not None:
        data = decode_base64(str(encoded), f"Event Grid event {event.id!r} data_base64")
    else:
        data, content_type = encode_data(event.get_json(), content_type)
    return CloudEvent(
        id=optional_text(event.id, "id") or "",
        source=optional_text(event.source, "source") or "",
        type=optional_text(event.type, "type") or "",
        data=data,
        datacontenttype=content_type,
        time=format_time(event.time),
        subject=optional_text(event.subject, "subject"),
        dataschema=optional_text(event.dataschema, "dataschema"),
        extensions=tuple((name, extension_text(value)) for name, value in extensions.items()),
    )


def extension_text(value: Any) -> str:
    """CloudEvents extension values travel as strings; booleans as ``true``/``false``."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def from_timer(timer: func.TimerRequest, function_name: str) -> CloudEvent:
    """A timer firing; the data is the host's own timer payload (Schedule, ScheduleStatus, IsPastDue)."""
    # The abstract TimerRequest only promises past_due; the worker's class also carries the schedule.
    payload = {
        "Schedule": getattr(timer, "schedule", {}),
        "ScheduleStatus": getattr(timer, "schedule_status", {}),
        "IsPastDue": timer.past_due,
    }
    return CloudEvent(
        id=str(uuid.uuid4()),
        source=f"/azure/functions/timer/{function_name}",
        type="azure.functions.timer",
        data=json.dumps(payload).encode(),
        datacontenttype=JSON_TYPE,
        time=format_time(datetime.now(UTC)),
    )
