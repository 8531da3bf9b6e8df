"""A WSGI app that sleeps 10 s before answering: the host's deadline must stop it (504)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Sleep, then answer; ``?short`` sleeps 20 ms only."""
    time.sleep(0.02 if environ.get("QUERY_STRING") == "short" else 10)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"slept\n"]
