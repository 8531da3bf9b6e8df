"""Neutral HTTP value types shared by the host, the guest ABIs and every adapter.

Bodies are bytes and headers are ordered ``(name, value)`` pairs, so repeated headers
(several ``Set-Cookie`` lines, say) keep their order and are never merged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import quote

from portable_fn.errors import BodyTooLarge, RequestError
from portable_fn.values import field, frozen

Headers = tuple[tuple[str, str], ...]
# RFC 3986 pchar and '/' (unreserved and sub-delims, ':' and '@'): legal in a path as they are.
PATH_SAFE = "/:@!$&'()*+,;=-._~"
# Headers the serving front end sets from the body it sends; a guest's copies would contradict it.
_CLEAN_PATH = re.compile(r"[A-Za-z0-9/:@!$&'()*+,;=._~%-]*")
SERVER_OWNED_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})


@functools.lru_cache(maxsize=1024)
def status_line(status: int) -> str:
    """``404 Not Found``-style status line; codes without a standard phrase get none.

    Looked up on first use of each code: a Lambda answer never needs one, and importing ``http``
    and walking ``HTTPStatus`` at import would cost every cold start ~1 ms.
    """
    from http import HTTPStatus

    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def is_chunked(transfer_encoding: str | None) -> bool:
    """True when a request's ``Transfer-Encoding`` is ``chunked`` alone (the server removes that framing).

    Raises RequestError for any other coding (``gzip, chunked``, ...): servers pass such a body on
    still compressed, so the guest would get bytes that are not the body it was sent.
    """
    if not transfer_encoding:
        return False
    if transfer_encoding.strip(" \t").lower() == "chunked":
        return True
    raise RequestError(
        f"Transfer-Encoding {transfer_encoding[:60]!r} is not supported: send the body with chunked framing"
        " alone or a Content-Length (use Content-Encoding for compression)"
    )


class Readable(Protocol):
    """A request body stream (``wsgi.input``, werkzeug's stream)."""

    def read(self, size: int = -1, /) -> bytes: ...


def read_limited(stream: Readable, max_body: int) -> bytes:
    """Read a body of unknown length (chunked), never more than ``max_body`` + 1 bytes.

    Raises BodyTooLarge when it is longer than ``max_body``.
    """
    body = stream.read(max_body + 1)
    if len(body) > max_body:
        raise BodyTooLarge(f"request body is over the limit of {max_body} bytes")
    return bytes(body)


def quote_path(decoded: bytes) -> str:
    """Escape a decoded path (WSGI's ``PATH_INFO`` bytes): every ``%`` in it is a literal one, so it
    is escaped too, and ``/a%2Fb`` decoded to ``/a/b`` stays ``/a/b``."""
    return quote(decoded, safe=PATH_SAFE) or "/"


def requote_path(raw: str, encoding: str = "utf-8") -> str:
    """Escape only what is illegal in a raw path (a request target, or text a provider hands over still
    escaped, with raw non-ASCII in it): ``%`` stays, so existing escapes are never escaped twice and
    ``+`` stays ``+``. Characters are escaped as their bytes in ``encoding`` (``latin-1`` for a target
    a WSGI server decoded).

    Raises RequestError for text that is not valid Unicode (a lone surrogate, which JSON can carry).
    """
    if _CLEAN_PATH.fullmatch(raw):
        return raw
    try:
        return quote(raw.encode(encoding), safe=PATH_SAFE + "%")
    except UnicodeEncodeError as exc:
        raise RequestError(f"request path {raw[:60]!r} is not valid Unicode ({exc.reason})") from exc


def header_values(headers: Headers, name: str) -> list[str]:
    """Return every value of header ``name`` (case-insensitive), in order."""
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def first_header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """Return the first value of header ``name`` (case-insensitive), or None."""
    wanted = name.lower()
    for key, value in headers:
        if key.lower() == wanted:
            return value
    return None


class HeaderLookup:
    """``header(name)`` for a message with ordered ``headers``."""

    __slots__ = ()
    headers: Headers

    def header(self, name: str) -> str | None:
        """Return the first value of header ``name``, or None."""
        return first_header(self.headers, name)


@frozen
class Request(HeaderLookup):
    """One HTTP request as the guest will see it.

    ``path`` is the raw (still percent-encoded) path below ``script_name``, and ``query``
    the raw query string without ``?``; decoding is the guest ABI's job so nothing is
    decoded twice.
    """

    method: str = "GET"
    path: str = "/"
    query: str = ""
    headers: Headers = ()
    body: bytes = b""
    script_name: str = ""
    scheme: str = "http"
    server_name: str = "localhost"
    server_port: int = 80
    remote_addr: str = "127.0.0.1"
    protocol: str = "HTTP/1.1"
    request_id: str = ""


@frozen
class Response(HeaderLookup):
    """One HTTP response as the guest produced it."""

    status: int = 200
    headers: Headers = ()
    body: bytes = field(default=b"", repr=False)

    @classmethod
    def text(cls, status: int, message: str) -> Response:
        """Build a short plain-text response, used for errors the host answers itself."""
        return cls(status, (("Content-Type", "text/plain; charset=utf-8"),), message.encode() + b"\n")

    @classmethod
    def internal_error(cls) -> Response:
        """The 500 a last-resort boundary answers after logging an unexpected exception (a bug of
        ours): the same short text everywhere, with no detail that could leak to the client."""
        return cls.text(500, "internal error in portable_fn; see the host's logs")
