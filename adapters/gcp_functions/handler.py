"""The Google Cloud Functions entry points, wired by ``template/main.py`` for functions-framework.

``http`` serves HTTP requests; ``event`` receives CloudEvents (Eventarc, Pub/Sub, Cloud
Storage, legacy background events converted by functions-framework). The artifact is loaded
on the first call and kept (``portable_fn.lazy_function``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import flask
from cloudevents.abstract import CloudEvent as SdkCloudEvent
from werkzeug.exceptions import BadRequest

from adapters.gcp_functions.events import from_sdk_event
from adapters.gcp_functions.http import to_flask_response, to_request
from adapters.gcp_functions.settings import OWN_TABLES
from portable_fn import RequestError, Response, entry, lazy_function, locate_config
from portable_fn.types import Loader
from portable_fn.values import frozen

logger = logging.getLogger(__name__)


@frozen
class Entry:
    """The two functions a deployment exposes, sharing one lazily loaded Function."""

    load: Loader

    @classmethod
    def from_directory(cls, directory: Path, environ: Mapping[str, str]) -> Entry:
        """Entry points for ``$PORTABLE_FN_CONFIG``, else ``portable-fn.toml`` in ``directory``."""
        return cls(lazy_function(locate_config(directory, environ), environ, OWN_TABLES))

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
        return entry.answer_request(self.load, lambda function: to_request(request, function.limits.max_body_bytes))

    def event(self, event: SdkCloudEvent) -> None:
        """Deliver one CloudEvent. Raises BadRequest (400) when malformed, EventRejected (500, so
        Eventarc and Pub/Sub retry) unless the guest answers 2xx, also after logging an unexpected error."""
        try:
            entry.deliver_event(lambda: from_sdk_event(event), self.load)
        except RequestError as exc:
            raise BadRequest(description=f"malformed CloudEvent: {exc}") from exc
