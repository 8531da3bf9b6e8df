"""``func.HttpRequest`` -> Request and Response -> ``func.HttpResponse``.

The worker hands response headers to the host as a plain name -> value map and cookies as
a separate list, so a repeated header other than Set-Cookie would keep only its last value:
those are joined with ``", "`` (RFC 9110 list syntax) and every Set-Cookie is kept apart.
"""

from __future__ import annotations

import logging
from http.cookies import CookieError, SimpleCookie
from urllib.parse import SplitResult, urlsplit

import azure.functions as func

from portable_fn import Request, RequestError, Response
from portable_fn.http import SERVER_OWNED_HEADERS, requote_path

logger = logging.getLogger(__name__)


def split_script_name(raw_path: str, script_name: str) -> tuple[str, str]:
    """Split ``/api/items`` into (``/api``, ``/items``); paths outside the prefix keep no script name."""
    if script_name and (raw_path == script_name or raw_path.startswith(script_name + "/")):
        return script_name, raw_path[len(script_name) :] or "/"
    return "", raw_path or "/"


def to_request(req: func.HttpRequest, script_name: str) -> Request:
    """Build the guest's Request from the URL the host reports (query string raw, repeats kept).

    ``req.params`` is not used: it keeps one value per key. Raises RequestError for a URL that
    cannot be parsed.
    """
    url, raw_path, port = parse_url(req.url)
    prefix, path = split_script_name(raw_path, script_name)
    headers = tuple((name, value) for name, value in req.headers.items())
    scheme = url.scheme or "https"
    return Request(
        method=req.method,
        path=path,
        query=url.query,
        headers=headers,
        body=req.get_body() or b"",
        script_name=prefix,
        scheme=scheme,
        server_name=url.hostname or "localhost",
        server_port=port or (443 if scheme == "https" else 80),
        remote_addr=client_address(req.headers.get("x-forwarded-for", "")),
    )


def parse_url(url: str) -> tuple[SplitResult, str, int | None]:
    """The request URL the host reports (escaped, raw non-ASCII text possible): split, its path
    re-escaped, its port. Raises RequestError when it cannot be parsed (a broken IPv6 bracket, a port
    that is no number or out of range, text that is not Unicode)."""
    try:
        parts = urlsplit(url)
        return parts, requote_path(parts.path), parts.port
    except ValueError as exc:
        raise RequestError(f"the request URL {url[:200]!r} cannot be parsed: {exc}") from exc


def client_address(forwarded_for: str) -> str:
    """The client IP Azure's front end appended to ``X-Forwarded-For`` (its last entry, ``ip:port``
    for IPv4, ``[ip]:port`` for IPv6), or empty. Earlier entries are the client's own text."""
    last = forwarded_for.rsplit(",", 1)[-1].strip()
    if last.count(":") == 1:
        return last.split(":", 1)[0]
    if last.startswith("["):
        return last[1:].partition("]")[0]
    return last


def to_http_response(response: Response) -> func.HttpResponse:
    """Build the HttpResponse the worker sends to the host, keeping every Set-Cookie."""
    result = func.HttpResponse(body=response.body, status_code=response.status)
    joined: dict[str, tuple[str, list[str]]] = {}
    for name, value in response.headers:
        key = name.lower()
        if key == "set-cookie":
            warn_unparsable_cookie(value)
            result.headers.add(name, value)
        elif key not in SERVER_OWNED_HEADERS:
            joined.setdefault(key, (name, []))[1].append(value)
    for name, values in joined.values():
        result.headers.add(name, ", ".join(values))
    return result


def warn_unparsable_cookie(value: str) -> None:
    """Log a Set-Cookie line the worker's SimpleCookie parser would silently drop."""
    try:
        parsed = SimpleCookie(value)
    except CookieError:
        parsed = SimpleCookie()
    if not parsed:
        logger.warning("Azure's Python worker cannot parse Set-Cookie %r and will drop it", value)
