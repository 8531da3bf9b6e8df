"""A WSGI app that logs ``n`` MiB (query ``n=``, default 50) to stderr, then answers: stderr has a cap."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Write the log, then answer 200."""
    mib = int(parse_qs(environ.get("QUERY_STRING", "")).get("n", ["50"])[0])
    line = "x" * 1023 + "\n"
    for _ in range(mib * 1024):
        sys.stderr.write(line)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"logged\n"]
