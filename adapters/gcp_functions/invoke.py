"""``portable-fn invoke --event FILE --provider gcp``: one CloudEvent or legacy event, locally.

A structured-mode CloudEvent (it has ``specversion``) is parsed by the ``cloudevents`` SDK; any
other object is a legacy background event (or raw Pub/Sub push), converted by functions-framework's
own converter, so the guest sees what it would see behind functions-framework.
"""

from __future__ import annotations

import json

import flask
from cloudevents.abstract import CloudEvent as SdkCloudEvent
from cloudevents.exceptions import GenericException
from cloudevents.http import from_http
from functions_framework.event_conversion import background_event_to_cloud_event
from functions_framework.exceptions import FunctionsFrameworkException

from adapters.gcp_functions.events import from_sdk_event
from portable_fn import Function, RequestError, deliver

_STRUCTURED = {"content-type": "application/cloudevents+json"}


def to_sdk_event(event: object) -> SdkCloudEvent:
    """The SDK CloudEvent functions-framework would hand the function. Raises RequestError when malformed."""
    if not isinstance(event, dict):
        raise RequestError(f"a GCP event must be a JSON object, got a JSON {type(event).__name__}")
    body = json.dumps(event)
    try:
        if "specversion" in event:
            return from_http(_STRUCTURED, body)
        # The converter reads a Flask request, as functions-framework gives it one.
        with flask.Flask(__name__).test_request_context("/", method="POST", data=body, content_type="application/json"):
            return background_event_to_cloud_event(flask.request)
    except (GenericException, FunctionsFrameworkException) as exc:
        raise RequestError(f"malformed GCP event: {exc}") from exc
    except (TypeError, KeyError, AttributeError, ValueError) as exc:
        # The legacy converter unpacks the object without checking its shape first.
        raise RequestError(f"malformed GCP event: not a CloudEvent nor a background event ({exc})") from exc


def invoke_event(function: Function, event: object) -> object:
    """Deliver ``event`` and report the acknowledgement.

    Raises RequestError for a malformed event and EventRejected when the guest does not answer 2xx.
    """
    response = deliver(function, from_sdk_event(to_sdk_event(event)))
    return {"acknowledged": True, "status": response.status}
