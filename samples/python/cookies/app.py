"""Three Set-Cookie headers from a plain WSGI app, like samples/cookies/cookies.c."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Set cookies a, b and c with different attributes."""
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/plain"),
            ("Set-Cookie", "a=1; Path=/"),
            ("Set-Cookie", "b=2; HttpOnly"),
            ("Set-Cookie", "c=3; Secure; SameSite=Lax"),
        ],
    )
    return [b"cookies\n"]
