"""A WSGI app that allocates 1 MiB blocks until memory runs out: the host's memory cap must stop it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Grow without bound; never answers."""
    blocks = []
    while True:
        blocks.append(bytearray(1 << 20))
