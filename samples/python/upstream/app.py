"""A WSGI app that calls an upstream service with the shipped client (needs the network grant).

The upstream's address and token are env grants (``--env UPSTREAM_URL --env UPSTREAM_TOKEN``),
the pattern for any secret: the host copies only the variables it is told to. The request's
path and body go to ``$UPSTREAM_URL`` + path with ``Authorization: Bearer $UPSTREAM_TOKEN``; the
upstream's status, Content-Type and body come back. A stalled upstream is a 504, an unreachable
one a 502.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

import portable_fn_http as http  # type: ignore[import-not-found]


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Forward the request to the upstream and answer with what it said."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else None
    url = environ["UPSTREAM_URL"] + environ.get("PATH_INFO", "/")
    headers = {"Authorization": f"Bearer {environ.get('UPSTREAM_TOKEN', '')}"}
    try:
        reply = http.request(environ["REQUEST_METHOD"], url, headers=headers, data=body)
    except http.Timeout as exc:
        return _fail(start_response, "504 Gateway Timeout", exc)
    except http.HTTPError as exc:
        return _fail(start_response, "502 Bad Gateway", exc)
    content_type = reply.header("content-type") or "application/octet-stream"
    start_response(f"{reply.status_code} Upstream", [("Content-Type", content_type)])
    return [reply.content]


def _fail(start_response: Callable[..., Any], status: str, error: Exception) -> list[bytes]:
    print(f"upstream call failed: {error}", file=sys.stderr)
    start_response(status, [("Content-Type", "text/plain")])
    return [f"upstream call failed: {error}\n".encode()]
