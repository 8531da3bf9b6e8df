"""What every HTTP-shaped Lambda event shares: field reading, URLs, bodies, result headers.

Each shape (``apigateway.py``, ``alb.py``) subclasses ``HttpShape`` and says how its event
becomes a Request and how a Response becomes its typed result; ``invoke`` is the same for all.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import quote

from adapters.aws_lambda.types import Event, HttpOptions, HttpResult, Invocation
from portable_fn import Function, Request, RequestError, Response
from portable_fn.http import first_header, requote_path
from portable_fn.payloads import decode_base64

_log = logging.getLogger("adapters.aws_lambda")
# Characters legal in a path as is; '%' stays so existing escapes are never escaped twice.
# Characters legal in a query value as is; '&', '=', '+', '#' and '%' are always escaped.
_QUERY_SAFE = "!$'()*,/:;?@-._~"
R = TypeVar("R", bound=HttpResult)


class HttpShape(ABC, Generic[R]):
    """One HTTP event shape (a ``types.Shape``): detection, event -> Request, Response -> result ``R``."""

    name: ClassVar[str]

    @abstractmethod
    def matches(self, event: Event) -> bool:
        """True when ``event`` has this shape."""

    @abstractmethod
    def to_request(self, event: Event, request_id: str) -> Request:
        """The Request the guest sees. Raises RequestError on a missing or mistyped field."""

    @abstractmethod
    def to_result(self, response: Response, options: HttpOptions) -> R:
        """The result Lambda hands back to the service that invoked it."""

    def invoke(self, function: Function, event: Event, invocation: Invocation, options: HttpOptions) -> R:
        """Run the guest for ``event``; a malformed event gets a 400 result and a bug of ours a 500
        (logged with its traceback), never an exception."""
        try:
            return self.to_result(self.answer(function, event, invocation), options)
        except Exception:
            # The last-resort boundary: a bug of ours never reaches the Lambda runtime raw.
            _log.exception("unexpected error handling a %s event [request %s]", self.name, invocation.request_id)
            # Default options: the ones given may be what failed.
            return self.to_result(Response.internal_error(), HttpOptions())

    def answer(self, function: Function, event: Event, invocation: Invocation) -> Response:
        """The guest's Response, or the 400 for a malformed event."""
        try:
            request = self.to_request(event, invocation.request_id)
        except RequestError as exc:
            return self.reject(exc.status, str(exc), invocation)
        return function.handle(request, timeout=invocation.timeout())

    def reject(self, status: int, message: str, invocation: Invocation) -> Response:
        """Log and answer a request the adapter refuses before the guest runs."""
        _log.warning("%s event rejected with %d: %s [request %s]", self.name, status, message, invocation.request_id)
        return Response.text(status, message)


def read_body(event: Event) -> bytes:
    """The request body: ``body`` as UTF-8, or base64-decoded when ``isBase64Encoded``.

    Raises RequestError when the body claims base64 but is not.
    """
    body = event.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise RequestError(f"event field 'body' must be a string or null, got {type(body).__name__}")
    if not event.get("isBase64Encoded"):
        return body.encode("utf-8", "surrogateescape")
    return decode_base64(body, "event body (isBase64Encoded=true)")


def normalize_path(path: object) -> str:
    """A raw path: escapes kept as sent, only characters illegal in a path escaped (so ``+`` stays ``+``).

    Raises RequestError for a path that is not a string starting with ``/`` or not valid Unicode.
    """
    if not isinstance(path, str) or not path.startswith("/"):
        raise RequestError(f"event path must be a string starting with '/', got {path!r}")
    return requote_path(path)


def encode_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Rebuild a raw query string from decoded ``(name, value)`` pairs. Raises RequestError as escape() does."""
    return "&".join(f"{escape(name, _QUERY_SAFE)}={escape(value, _QUERY_SAFE)}" for name, value in pairs)


def escape(text: str, safe: str) -> str:
    """Percent-escape ``text`` as UTF-8. Raises RequestError for a lone surrogate (JSON can carry one)."""
    try:
        return quote(text, safe=safe)
    except UnicodeEncodeError as exc:
        raise RequestError(f"event text {text[:60]!r} is not valid Unicode ({exc.reason})") from exc


def multi_pairs(single: object, multi: object) -> list[tuple[str, str]]:
    """``(name, value)`` pairs from a multi-value map, else from its single-value twin; null is empty."""
    if isinstance(multi, Mapping):
        if not all(values is None or isinstance(values, list) for values in multi.values()):
            raise RequestError("event multi-value headers and query parameters must map names to lists")
        return [(str(name), str(value)) for name, values in multi.items() for value in (values or ())]
    if isinstance(single, Mapping):
        return [(str(name), str(value)) for name, value in single.items() if value is not None]
    if single is not None or multi is not None:
        raise RequestError("event headers and query parameters must be maps or null")
    return []


def with_body_length(headers: list[tuple[str, str]], body: bytes) -> tuple[tuple[str, str], ...]:
    """Drop the sender's Content-Length (it described the wire, not the decoded body) and state the real one."""
    kept = [(name, value) for name, value in headers if name.lower() != "content-length"]
    if body:
        kept.append(("Content-Length", str(len(body))))
    return tuple(kept)


def header_map(headers: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Group header values by name, case-insensitively, keeping the first spelling and the order."""
    grouped: dict[str, list[str]] = {}
    spelling: dict[str, str] = {}
    for name, value in headers:
        if name.lower() == "content-length":
            continue  # the service computes it from the body it sends
        key = spelling.setdefault(name.lower(), name)
        grouped.setdefault(key, []).append(value)
    return grouped


def encode_body(response: Response, options: HttpOptions) -> tuple[str, bool]:
    """``(body, isBase64Encoded)``: text types as UTF-8 text, anything else (or undecodable) as base64."""
    if options.is_text(response.header("content-type")):
        try:
            return response.body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    if not response.body:
        return "", False
    import base64  # here: only binary bodies need it, and a text answer's cold start would pay ~0.3 ms

    return base64.b64encode(response.body).decode("ascii"), True


def field(mapping: Any, *keys: str) -> Any:
    """``mapping[k1][k2]...`` or None when any level is missing or null."""
    for key in keys:
        if not isinstance(mapping, Mapping):
            return None
        mapping = mapping.get(key)
    return mapping


def make_request(
    request_id: str,
    *,
    method: object,
    path: str,
    query: str,
    headers: list[tuple[str, str]],
    body: bytes,
    script_name: str = "",
    remote_addr: object = None,
    protocol: object = None,
    domain: object = None,
) -> Request:
    """Assemble the Request; scheme, host and port come from the ``X-Forwarded-*``/``Host`` headers AWS sets."""
    if not isinstance(method, str) or not (method.isascii() and method.isalpha()):
        raise RequestError(f"event HTTP method must be a word like GET, got {method!r}")
    port = first_header(headers, "x-forwarded-port") or "443"
    host = first_header(headers, "host") or (domain if isinstance(domain, str) else "localhost")
    return Request(
        method=method.upper(),
        path=path,
        query=query,
        headers=with_body_length(headers, body),
        body=body,
        script_name=script_name,
        scheme=first_header(headers, "x-forwarded-proto") or "https",
        server_name=host.partition(":")[0],
        server_port=int(port) if port.isascii() and port.isdigit() and len(port) <= 5 else 443,
        remote_addr=remote_addr if isinstance(remote_addr, str) else "",
        protocol=protocol if isinstance(protocol, str) else "HTTP/1.1",
        request_id=request_id,
    )
