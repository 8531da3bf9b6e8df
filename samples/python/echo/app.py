"""echo as a plain WSGI app: the same bytes as samples/echo/echo.c for the same request.

Body: ``env NAME=VALUE`` for every CGI variable sorted by byte order, ``arg VALUE`` per
argv item, a blank line, then the request body verbatim.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answer with the environment, argv and body the guest received."""
    # WSGI adds wsgi.* keys; CGI variable names never hold a dot. Values are latin-1 strings (PEP 3333).
    entries = sorted(f"{name}={value}".encode("latin-1") for name, value in environ.items() if "." not in name)
    report = [b"env " + entry + b"\n" for entry in entries]
    report += [b"arg " + arg.encode("utf-8", "surrogateescape") + b"\n" for arg in sys.argv]
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    # Two chunks, so wsgiref adds no Content-Length: the header block matches echo.c.
    return [b"".join(report) + b"\n", body]
