"""What every provider entry point does around the guest: load the Function, then answer or deliver.

Each provider keeps only its own conversions (its request object to a Request, its way of
refusing an event); the messages a client or the provider's log sees are the same everywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from portable_fn.errors import EventRejected, PortableFnError, RequestError
from portable_fn.events import CloudEvent, deliver
from portable_fn.function import Function
from portable_fn.http import Request, Response
from portable_fn.types import Loader

_log = logging.getLogger("portable_fn.entry")


def answer_request(load: Loader, build: Callable[[Function], Request]) -> Response:
    """The guest's Response to the Request ``build`` makes, or the error response a client gets:
    a 500 when the Function cannot be loaded (its reason logged), the RequestError's status for a
    malformed request (logged as a warning). Raises only what ``build`` or the guest run raise
    unexpectedly (a bug of ours), for the entry point's last-resort boundary."""
    try:
        function = load()
    except PortableFnError as exc:
        _log.error("portable-fn cannot load the function: %s", exc)
        return Response.text(500, "the function is not available; see the function's logs")
    try:
        request = build(function)
    except RequestError as exc:
        _log.warning("portable-fn refused a request with %d: %s", exc.status, exc)
        return Response.text(exc.status, str(exc))
    return function.handle(request)


def deliver_event(build: Callable[[], CloudEvent], load: Loader) -> None:
    """Build one event and deliver it to the guest.

    Raises RequestError when the event is malformed (each provider refuses that its own way), and
    EventRejected unless the guest answers 2xx: also when the Function cannot be loaded and after
    logging an unexpected error (a bug of ours), so the provider retries as documented.
    """
    try:
        event = build()
        function = load()
        deliver(function, event)
    except (EventRejected, RequestError):
        raise
    except PortableFnError as exc:
        raise EventRejected(f"cannot load the function: {exc}") from exc
    except Exception as exc:
        _log.exception("portable-fn: unexpected error delivering an event")
        raise EventRejected("internal error in portable_fn; the event will be retried") from exc
