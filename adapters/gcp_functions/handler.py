"""The Google Cloud Functions entry points, wired by ``template/main.py`` for functions-framework.

``http`` serves HTTP requests; ``event`` receives CloudEvents (Eventarc, Pub/Sub, Cloud
Storage, legacy background events converted by functions-framework). The artifact is loaded
on the first call and kept (``portable_fn.lazy_function``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import flask
from cloudevents.abstract import CloudEvent as SdkCloudEvent
from werkzeug.exceptions import BadRequest

from adapters.gcp_functions.events import from_sdk_event
from adapters.gcp_functions.http import to_flask_response, to_request
from portable_fn import (
    EventRejected,
    Function,
    PortableFnError,
    RequestError,
    Response,
    deliver,
    lazy_function,
    locate_config,
)

logger = logging.getLogger(__name__)
Loader = Callable[[], Function]


@dataclass(frozen=True, slots=True)
class Entry:
    """The two functions a deployment exposes, sharing one lazily loaded Function."""

    load: Loader

    @classmethod
    def from_directory(cls, directory: Path, environ: Mapping[str, str]) -> Entry:
        """Entry points for ``$PORTABLE_FN_CONFIG``, else ``portable-fn.toml`` in ``directory``."""
        return cls(lazy_function(locate_config(directory, environ), environ))

    def http(self, request: flask.Request) -> flask.Response:
        """One HTTP request through the guest. Never raises: portable_fn errors become short error
        responses, and an unexpected error (a bug of ours) is logged with its traceback and answered 500."""
        try:
            return to_flask_response(self.answer(request))
        except Exception:
            logger.exception("portable-fn: unexpected error answering %s %s", request.method, request.path)
            return to_flask_response(Response.internal_error())

    def answer(self, request: flask.Request) -> Response:
        """The guest's Response, or the error response for a bad request or an unloadable artifact."""
        try:
            function = self.load()
        except PortableFnError as exc:
            logger.error("portable-fn cannot load the function: %s", exc)
            return Response.text(500, "the function is not available; see the function's logs")
        try:
            portable = to_request(request, function.limits.max_body_bytes)
        except RequestError as exc:
            return Response.text(exc.status, str(exc))
        return function.handle(portable)

    def event(self, event: SdkCloudEvent) -> None:
        """Deliver one CloudEvent. Raises BadRequest (400) when malformed, EventRejected (500, so
        Eventarc and Pub/Sub retry) unless the guest answers 2xx, also after logging an unexpected error."""
        try:
            portable = from_sdk_event(event)
            function = self.load()
            deliver(function, portable)
        except RequestError as exc:
            raise BadRequest(description=f"malformed CloudEvent: {exc}") from exc
        except EventRejected:
            raise
        except PortableFnError as exc:
            raise EventRejected(f"cannot load the function: {exc}") from exc
        except Exception as exc:
            logger.exception("portable-fn: unexpected error delivering a CloudEvent")
            raise EventRejected("internal error in portable_fn; the event will be retried") from exc
