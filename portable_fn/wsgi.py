"""The one bridge between WSGI servers and portable_fn: environ -> Request, reply -> start_response.

Every provider emulator (and GCP, whose functions-framework is a WSGI app) builds the guest's
Request here, so each path hands the guest the same raw path, header bytes and body, and writes
its answer back the same way; the local server's plain path builds it from the ASGI scope with the
same path rule (``origin_path``), and the conformance suite holds every path to it. The declared
API for adapters.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

from portable_fn.errors import BodyTooLarge, RequestError
from portable_fn.http import (
    SERVER_OWNED_HEADERS,
    Readable,
    Request,
    Response,
    is_chunked,
    quote_path,
    read_limited,
    requote_path,
    status_line,
)
from portable_fn.types import StartResponse, WSGIEnviron

_log = logging.getLogger("portable_fn.wsgi")
# A status (code, or a whole status line such as an ALB's statusDescription), headers and body.
Reply = tuple[int | str, Sequence[tuple[str, str]], bytes]
Answer = Callable[[WSGIEnviron], Reply]


def to_request(
    environ: WSGIEnviron, max_body: int, *, stream: Readable | None = None, request_id: str | None = None
) -> Request:
    """Build the guest's Request from a WSGI environ, keeping the raw path and header bytes.

    ``stream`` reads the body instead of ``wsgi.input`` (flask's, which its hooks read after us);
    ``request_id`` defaults to ``X-Request-Id``, else a fresh random id. Raises BodyTooLarge before
    reading a body over ``max_body`` bytes (a chunked one is read only to one byte past it),
    RequestError for a transfer coding other than chunked or a Content-Length that is no number.
    """
    body = read_body(environ, max_body, environ["wsgi.input"] if stream is None else stream)
    return Request(
        method=environ["REQUEST_METHOD"],
        path=raw_path(environ),
        query=environ.get("QUERY_STRING", ""),
        headers=tuple(request_headers(environ)),
        body=body,
        script_name=environ.get("SCRIPT_NAME", ""),
        scheme=environ.get("wsgi.url_scheme", "http"),
        server_name=environ.get("SERVER_NAME", "localhost"),
        server_port=int(environ.get("SERVER_PORT") or 80),
        remote_addr=environ.get("REMOTE_ADDR", ""),
        protocol=environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
        # Tags the guest's log lines; generating one costs about a microsecond.
        request_id=(environ.get("HTTP_X_REQUEST_ID") or os.urandom(8).hex()) if request_id is None else request_id,
    )


def read_body(environ: WSGIEnviron, max_body: int, stream: Readable) -> bytes:
    """The body from ``stream``, never read past ``max_body`` + 1 bytes. Raises BodyTooLarge, or
    RequestError for a transfer coding other than chunked or a Content-Length that is no number."""
    declared = environ.get("CONTENT_LENGTH")
    if not declared:
        return read_limited(stream, max_body) if is_chunked(environ.get("HTTP_TRANSFER_ENCODING")) else b""
    if not (declared.isascii() and declared.isdigit()):
        raise RequestError(f"Content-Length {declared[:40]!r} is not a number of bytes")
    length = int(declared)
    if length > max_body:
        raise BodyTooLarge(f"request body is {length} bytes, the limit is {max_body}")
    return bytes(stream.read(length)) if length else b""


def raw_path(environ: WSGIEnviron) -> str:
    """The path as the client sent it (gunicorn's ``RAW_URI``, werkzeug's ``REQUEST_URI``), else
    ``PATH_INFO`` re-escaped (WSGI decodes it as latin-1, so its bytes are recovered first)."""
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw_uri:
        return origin_path(raw_uri)
    return quote_path(environ.get("PATH_INFO", "/").encode("latin-1"))


def origin_path(target: str) -> str:
    """The path of a request target (text holding its bytes as latin-1, as servers decode it) without
    its query, with what is illegal in a path escaped, as every provider's front end does.

    RFC 9112 section 3.2.2: a server must accept the absolute form (``http://host/p?q``, sent to
    proxies) and take the path that follows the authority.
    """
    path = target.split("?", 1)[0]
    return requote_path(path if path.startswith("/") else urlsplit(path).path, "latin-1") or "/"


def request_headers(environ: WSGIEnviron) -> Iterable[tuple[str, str]]:
    """The request headers in ``environ``, values as the bytes sent (WSGI decodes them as latin-1)."""
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            yield key.replace("_", "-").title(), environ[key]
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            yield key[5:].replace("_", "-").title(), value.encode("latin-1").decode("utf-8", "surrogateescape")


def response_headers(headers: Iterable[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    """Headers to send with ``body``: the server-owned ones replaced by its own ``Content-Length``."""
    kept = [(name, value) for name, value in headers if name.lower() not in SERVER_OWNED_HEADERS]
    kept.append(("Content-Length", str(len(body))))
    return kept


def reply(response: Response) -> Reply:
    """A Response as a Reply."""
    return response.status, response.headers, response.body


def serve(environ: WSGIEnviron, start_response: StartResponse, answer: Answer) -> list[bytes]:
    """Run ``answer`` for one request and write its reply: the last-resort boundary of every WSGI app.

    A RequestError (a 400 or 413 before the guest runs) is answered with its status; anything else
    (a bug of ours) is logged with its traceback and answered 500, so nothing raw reaches the server.
    """
    try:
        status, headers, body = answer(environ)
    except RequestError as exc:
        status, headers, body = reply(Response.text(exc.status, str(exc)))
    except Exception:
        _log.exception("unexpected error answering %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
        status, headers, body = reply(Response.internal_error())
    start_response(status if isinstance(status, str) else status_line(status), response_headers(headers, body))
    return [body]
