"""The local server's WSGI application: a WSGI request in, the guest's response out."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from portable_fn import BodyTooLarge, Function, Request, RequestError, Response, is_chunked, read_limited, status_line

_log = logging.getLogger("adapters.local_http")
StartResponse = Callable[..., Any]
WSGIEnviron = dict[str, Any]
# Path characters WSGI servers hand over decoded that must not be re-escaped.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def to_request(environ: WSGIEnviron, max_body: int) -> Request:
    """Build a Request from a WSGI environ, keeping the raw path where the server offers it.

    Raises BodyTooLarge before reading a body over ``max_body`` bytes (a chunked one is read only
    to one byte past it), RequestError for a transfer coding other than chunked.
    """
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length > max_body:
        raise BodyTooLarge(f"request body is {length} bytes, the limit is {max_body}")
    body = environ["wsgi.input"].read(length) if length else _read_chunked(environ, max_body)
    headers = tuple(_headers(environ))
    return Request(
        method=environ["REQUEST_METHOD"],
        path=_raw_path(environ),
        query=environ.get("QUERY_STRING", ""),
        headers=headers,
        body=body,
        script_name=environ.get("SCRIPT_NAME", ""),
        scheme=environ.get("wsgi.url_scheme", "http"),
        server_name=environ.get("SERVER_NAME", "localhost"),
        server_port=int(environ.get("SERVER_PORT") or 80),
        remote_addr=environ.get("REMOTE_ADDR", ""),
        protocol=environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
        # Tags the guest's log lines; generating one costs about a microsecond.
        request_id=environ.get("HTTP_X_REQUEST_ID") or os.urandom(8).hex(),
    )


def _read_chunked(environ: WSGIEnviron, max_body: int) -> bytes:
    if not is_chunked(environ.get("HTTP_TRANSFER_ENCODING")):
        return b""
    return read_limited(environ["wsgi.input"], max_body)


def _raw_path(environ: WSGIEnviron) -> str:
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw_uri:
        path = raw_uri.split("?", 1)[0]
        # RFC 9112 section 3.2.2: the absolute form (sent to proxies) carries the path after its authority.
        return (path if path.startswith("/") else urlsplit(path).path) or "/"
    # WSGI decodes PATH_INFO as latin-1: recover the bytes, then re-escape them.
    return quote(environ.get("PATH_INFO", "/").encode("latin-1"), safe=_PATH_SAFE) or "/"


def _headers(environ: WSGIEnviron) -> Iterable[tuple[str, str]]:
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            yield key.replace("_", "-").title(), environ[key]
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            # WSGI decodes header bytes as latin-1; give the guest back the bytes as sent.
            text = value.encode("latin-1").decode("utf-8", "surrogateescape")
            yield key[5:].replace("_", "-").title(), text


def unexpected_error(environ: WSGIEnviron) -> Response:
    """The last-resort boundary of every local WSGI app: log the exception being handled (a bug of
    ours) with its traceback and answer 500, so nothing raw reaches the WSGI server."""
    _log.exception("unexpected error answering %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
    return Response.internal_error()


class LocalApp:
    """WSGI application serving one Function; ``/`` and every other path go to the guest."""

    def __init__(self, function: Function) -> None:
        self.function = function

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> list[bytes]:
        try:
            request = to_request(environ, self.function.limits.max_body_bytes)
            response = self.function.handle(request)
        except RequestError as exc:
            response = Response.text(exc.status, str(exc))
        except Exception:
            response = unexpected_error(environ)
        headers = [(name, value) for name, value in response.headers if name.lower() != "content-length"]
        start_response(status_line(response.status), [*headers, ("Content-Length", str(len(response.body)))])
        return [response.body]
