"""The Azure Functions entry point: one FunctionApp with an HTTP catch-all and event triggers.

``template/function_app.py`` (the file the host indexes) calls :func:`app_from_directory`.
The artifact is loaded on the first invocation and kept (``portable_fn.lazy_function``); the worker
already tags log lines with the invocation, so guest stderr needs no extra id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

import azure.functions as func

from adapters.azure_functions.events import (
    from_blob,
    from_event_grid,
    from_queue_message,
    from_timer,
)
from adapters.azure_functions.http import to_http_response, to_request
from adapters.azure_functions.settings import NAME, OWN_TABLES, AzureSettings, read_route_prefix, settings_from_table
from portable_fn import (
    CloudEvent,
    ConfigError,
    EventRejected,
    RequestError,
    Response,
    entry,
    lazy_function,
    locate_config,
    read_config,
)
from portable_fn.types import Loader

logger = logging.getLogger(__name__)


def respond(req: func.HttpRequest, load: Loader, settings: AzureSettings) -> func.HttpResponse:
    """Run one HTTP request through the guest. Never raises: a malformed request gets its 4xx, an
    artifact that cannot load a 500, and an unexpected error (a bug of ours) is logged and answered 500."""
    try:
        return to_http_response(answer(req, load, settings))
    except Exception:
        logger.exception("portable-fn: unexpected error answering %s %s", req.method, req.url)
        return to_http_response(Response.internal_error())


def answer(req: func.HttpRequest, load: Loader, settings: AzureSettings) -> Response:
    """The guest's Response, or the error response for a bad request or an unloadable artifact."""
    return entry.answer_request(load, lambda _function: to_request(req, settings.script_name))


def deliver_event(build: Callable[[], CloudEvent], load: Loader) -> None:
    """Deliver one event to the guest. Raises EventRejected unless the guest answers 2xx (a malformed
    event included), also after logging an unexpected error (a bug of ours), so the host retries as documented."""
    try:
        entry.deliver_event(build, load)
    except RequestError as exc:
        raise EventRejected(f"malformed event: {exc}") from exc


def build_app(settings: AzureSettings, load: Loader) -> func.FunctionApp:
    """A FunctionApp with the triggers ``settings`` names, all delivering to the Function ``load`` returns."""
    auth_level = func.AuthLevel(settings.auth_level)
    app = func.FunctionApp(http_auth_level=auth_level)
    enabled = set(settings.triggers)
    if "http" in enabled:

        @app.route(route="{*route}", methods=list(func.HttpMethod), auth_level=auth_level)
        def http(req: func.HttpRequest) -> func.HttpResponse:
            return respond(req, load, settings)

    if "queue" in enabled:

        @app.queue_trigger(arg_name="msg", queue_name=settings.queue_name, connection=settings.queue_connection)
        def queue(msg: func.QueueMessage) -> None:
            deliver_event(lambda: from_queue_message(msg, settings.queue_name), load)

    if "blob" in enabled:

        @app.blob_trigger(arg_name="blob", path=settings.blob_path, connection=settings.blob_connection)
        def blob(blob: func.InputStream) -> None:
            deliver_event(lambda: from_blob(blob), load)

    if "eventgrid" in enabled:

        @app.event_grid_trigger(arg_name="event")
        def eventgrid(event: func.EventGridEvent) -> None:
            deliver_event(lambda: from_event_grid(event), load)

    if "timer" in enabled:

        @app.timer_trigger(arg_name="timer", schedule=settings.timer_schedule)
        def timer(timer: func.TimerRequest) -> None:
            deliver_event(lambda: from_timer(timer, "timer"), load)

    return app


def app_from_directory(directory: Path, environ: Mapping[str, str]) -> func.FunctionApp:
    """The app ``template/function_app.py`` exposes: config via ``locate_config``, prefix from host.json.

    A config that cannot be read is logged and the defaults are used, so the HTTP function
    still answers (with a 500 naming the problem in the logs) instead of failing indexing.
    """
    config = locate_config(directory, environ)
    try:
        table = read_config(config, OWN_TABLES).get(NAME, {})
        settings = settings_from_table(table, read_route_prefix(directory / "host.json"))
    except ConfigError as exc:
        logger.error("portable-fn: %s; using the default Azure settings", exc)
        settings = AzureSettings()
    return build_app(settings, lazy_function(config, environ, OWN_TABLES))
