"""A WSGI app that never answers: the host's deadline must stop it (504)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Spin forever."""
    while True:
        pass
