"""Guest side: a small requests-like HTTP client over ``wasi:http``, importable as ``portable_fn_http``.

Not imported by the host. ``portable-fn build`` ships this file in every Python component; an
app calls other services with it (the host must grant the network: ``--allow-network`` or
``[grants] network = true``; without the grant the first call stops the run with a message
naming the grant)::

    import portable_fn_http as http

    reply = http.get("https://api.example.com/items", headers={"Authorization": f"Bearer {token}"})
    reply.raise_for_status()
    items = reply.json()
    http.post(url, json={"name": "x"}, timeout=2.0)

``request(method, url, *, headers, data, json, timeout)`` and its ``get``/``post``/``put``/
``delete`` shorthands return a ``Response`` (``status_code``, ``headers`` as ordered
``(name, value)`` pairs, ``header(name)``, ``content`` bytes, ``text``, ``json()``,
``raise_for_status()``). Bodies are read whole, bytes exact. Failures raise ``HTTPError``
subclasses: ``ConnectError`` (no connection), ``Timeout`` (also a ``TimeoutError``),
``ProtocolError`` (any other ``wasi:http`` error code, named in the message), and
``raise_for_status`` raises ``HTTPStatusError`` for a 4xx/5xx.

The deadline: the host gives the run its remaining budget (``X_REMAINING_TIME_IN_MILLIS``) and
the runner calls ``set_deadline``. Every call's connect, first-byte and between-bytes timeouts
are the time left less 50 ms (or ``timeout`` seconds, if shorter), so a stalled upstream
raises ``Timeout`` just before the deadline and the app can still answer; waits are sliced
(20 ms) so the host stops the run at its deadline in any case (504).
"""

import functools
import json as json_module
import time
from typing import Any
from urllib.parse import urlsplit

from componentize_py_types import Err  # type: ignore[import-not-found]
from wit_world.imports import monotonic_clock, outgoing_handler, poll, streams  # type: ignore[import-not-found]
from wit_world.imports import wasi_http_types as wasi

DEADLINE_VARIABLE = "X_REMAINING_TIME_IN_MILLIS"
WAIT_SLICE_NS = 20_000_000
# Calls time out this long before the run's deadline, so the app can still answer (say, a 504).
ANSWER_MARGIN_SECONDS = 0.05
_CHUNK = 4096  # the most blocking-write-and-flush accepts in one call
_READ_SIZE = 65536
_TIMEOUT_CODES = ("ConnectionTimeout", "ConnectionReadTimeout", "ConnectionWriteTimeout", "HttpResponseTimeout")
_CONNECT_CODES = ("ConnectionRefused", "DestinationNotFound", "DestinationUnavailable", "DnsError", "DnsTimeout")
_METHODS = {
    "GET": wasi.Method_Get(),
    "HEAD": wasi.Method_Head(),
    "POST": wasi.Method_Post(),
    "PUT": wasi.Method_Put(),
    "DELETE": wasi.Method_Delete(),
    "PATCH": wasi.Method_Patch(),
    "OPTIONS": wasi.Method_Options(),
}


class HTTPError(Exception):
    """Base of the client's errors."""


class ConnectError(HTTPError):
    """Raised when the upstream cannot be reached (refused, unknown host, unreachable)."""


class Timeout(HTTPError, TimeoutError):
    """Raised when the upstream does not answer before the call's timeout or the run's deadline."""


class ProtocolError(HTTPError):
    """Raised for any other ``wasi:http`` failure; the message names its error code."""


class HTTPStatusError(HTTPError):
    """Raised by ``Response.raise_for_status`` for a 4xx or 5xx answer."""


class _Deadline:
    """The run's deadline on the guest's monotonic clock (seconds), set by the runner each run."""

    at: float | None = None


def set_deadline(remaining_ms: str | None) -> None:
    """Start this run's budget from the host's ``X_REMAINING_TIME_IN_MILLIS`` (None: no deadline)."""
    _Deadline.at = time.monotonic() + int(remaining_ms) / 1000 if remaining_ms else None


class Response:
    """An upstream's answer, read whole."""

    def __init__(self, status_code: int, headers: list[tuple[str, str]], content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), or None."""
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.content.decode("utf-8", "replace")

    def json(self) -> object:
        """The body parsed as JSON; raises ValueError when it is not."""
        return json_module.loads(self.content)

    def raise_for_status(self) -> None:
        """Raise HTTPStatusError for a 4xx or 5xx status."""
        if self.status_code >= 400:
            raise HTTPStatusError(f"upstream answered {self.status_code}")


def request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    data: bytes | str | None = None,
    json: object = None,
    timeout: float | None = None,
) -> Response:
    """Send one request and read the whole answer. Raises ConnectError, Timeout, ProtocolError or ValueError."""
    body = json_module.dumps(json).encode() if json is not None else data
    body = body.encode() if isinstance(body, str) else body
    fields = dict(headers or {})
    if json is not None:
        fields.setdefault("Content-Type", "application/json")
    if body is not None:
        # Sent with its length, not chunked: many servers (Python's http.server among them) read only that.
        fields.setdefault("Content-Length", str(len(body)))
    outgoing = _outgoing_request(method, url, fields)
    remaining = _time_left(timeout)
    options = wasi.RequestOptions()
    for setter in (options.set_connect_timeout, options.set_first_byte_timeout, options.set_between_bytes_timeout):
        setter(remaining)
    outgoing_body = outgoing.body()
    try:
        future = outgoing_handler.handle(outgoing, options)
    except Err as exc:
        raise _error(exc.value) from None
    _send_body(outgoing_body, body or b"")
    return _read_response(_await(future))


get = functools.partial(request, "GET")
post = functools.partial(request, "POST")
put = functools.partial(request, "PUT")
delete = functools.partial(request, "DELETE")


def _time_left(timeout: float | None) -> int:
    """Nanoseconds this call may wait: the run's time left less the answer margin, or ``timeout`` if
    shorter; at least 1 ms."""
    limits = [timeout] if timeout is not None else []
    if _Deadline.at is not None:
        limits.append(_Deadline.at - time.monotonic() - ANSWER_MARGIN_SECONDS)
    seconds = min(limits) if limits else 3600.0
    return max(int(seconds * 1e9), 1_000_000)


def _outgoing_request(method: str, url: str, headers: dict[str, str]) -> Any:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected an http:// or https:// URL, got {url!r}")
    fields = wasi.Fields.from_list([(name, value.encode("latin-1")) for name, value in headers.items()])
    outgoing = wasi.OutgoingRequest(fields)
    upper = method.upper()
    outgoing.set_method(_METHODS.get(upper) or wasi.Method_Other(upper))
    outgoing.set_scheme(wasi.Scheme_Https() if parts.scheme == "https" else wasi.Scheme_Http())
    outgoing.set_authority(parts.netloc)
    outgoing.set_path_with_query((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
    return outgoing


def _wait(pollable: Any) -> None:
    """Block on ``pollable`` in slices, so wasm code runs (and the host's deadline can fire) every 20 ms."""
    while not pollable.ready():
        with monotonic_clock.subscribe_duration(WAIT_SLICE_NS) as tick:
            poll.poll([pollable, tick])


def _send_body(outgoing_body: Any, body: bytes) -> None:
    with outgoing_body.write() as stream:
        for offset in range(0, len(body), _CHUNK):
            stream.blocking_write_and_flush(body[offset : offset + _CHUNK])
    wasi.OutgoingBody.finish(outgoing_body, None)


def _await(future: Any) -> Any:
    with future.subscribe() as ready:
        _wait(ready)
    outcome = future.get()
    if isinstance(outcome.value, Err):
        raise _error(outcome.value.value)
    return outcome.value.value


def _read_response(incoming: Any) -> Response:
    status = incoming.status()
    headers = [(name, value.decode("latin-1")) for name, value in incoming.headers().entries()]
    chunks = []
    incoming_body = incoming.consume()
    with incoming_body.stream() as stream, stream.subscribe() as readable:
        while True:
            _wait(readable)
            try:
                chunks.append(stream.read(_READ_SIZE))
            except Err as exc:
                if isinstance(exc.value, streams.StreamError_Closed):
                    break
                raise _error(wasi.http_error_code(exc.value.value)) from None
    wasi.IncomingBody.finish(incoming_body)
    return Response(status, headers, b"".join(chunks))


def _error(code: Any) -> HTTPError:
    name = type(code).__name__.removeprefix("ErrorCode_")
    if name in _TIMEOUT_CODES:
        return Timeout(f"upstream did not answer in time ({name})")
    if name in _CONNECT_CODES:
        return ConnectError(f"cannot reach the upstream ({name})")
    return ProtocolError(f"HTTP call failed: {name} {getattr(code, 'value', '') or ''}".rstrip())
