"""``portable-fn invoke --event FILE --provider azure``: Event Grid events, locally.

The file holds one Event Grid event or an array of them, in the Event Grid or the CloudEvents
schema. Each becomes the object the Functions worker would build (its own converter) and goes
through ``from_event_grid``. Queue, blob and timer triggers have no JSON event file: not here.
"""

from __future__ import annotations

import json
from typing import Any

from azure.functions.eventgrid import EventGridEventInConverter
from azure.functions.meta import Datum

from adapters.azure_functions.events import from_event_grid
from portable_fn import EventRejected, Function, RequestError, deliver


def decode_event(item: object) -> Any:
    """The ``func.EventGridEvent`` or ``func.CloudEvent`` the worker would pass. Raises RequestError."""
    if not isinstance(item, dict):
        raise RequestError(f"an Event Grid event must be a JSON object, got a JSON {type(item).__name__}")
    try:
        return EventGridEventInConverter.decode(Datum(json.dumps(item), "json"), trigger_metadata={})
    except (TypeError, ValueError) as exc:
        # Bad eventTime/time text, or an extension name that is not a valid keyword.
        raise RequestError(f"malformed Event Grid event {item.get('id')!r}: {exc}") from exc


def invoke_event(function: Function, event: object) -> object:
    """Deliver every event, as the host invokes the trigger once per event; list what each got.

    Raises RequestError for a malformed event (before any is delivered) and EventRejected, naming
    every refused event, when the guest did not answer 2xx to one or more.
    """
    items = event if isinstance(event, list) else [event]
    if not items:
        raise RequestError("the Event Grid array is empty")
    events = [from_event_grid(decode_event(item)) for item in items]
    results: list[dict[str, object]] = []
    rejected: list[str] = []
    for portable in events:
        try:
            response = deliver(function, portable)
        except EventRejected as exc:
            rejected.append(str(exc))
            continue
        results.append({"id": portable.id, "acknowledged": True, "status": response.status})
    if rejected:
        raise EventRejected(f"{len(rejected)} of {len(events)} event(s) refused: " + "; ".join(rejected))
    return results
