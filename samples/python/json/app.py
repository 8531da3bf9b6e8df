"""A JSON API as a plain WSGI app: GET / describes the request, POST / sums a list of numbers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """GET: method, path and query as JSON. POST: {"sum": ...} of a JSON list, 400 when it is not one."""
    if environ["REQUEST_METHOD"] == "POST":
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        try:
            numbers = json.loads(raw)
            answer: dict[str, Any] = {"sum": sum(numbers)}
            status = "200 OK"
        except (ValueError, TypeError) as exc:
            answer, status = {"error": f"expected a JSON list of numbers: {exc}"}, "400 Bad Request"
    else:
        answer = {
            "method": environ["REQUEST_METHOD"],
            "path": environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace"),
            "query": dict(parse_qsl(environ.get("QUERY_STRING", ""))),
        }
        status = "200 OK"
    body = json.dumps(answer, sort_keys=True).encode() + b"\n"
    start_response(status, [("Content-Type", "application/json")])
    return [body]
