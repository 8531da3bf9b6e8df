"""How the server listens, how wide it runs and how long anything may wait: plain data, cheap to
import (the CLI's option defaults and the container bundle's sizing read it)."""

from __future__ import annotations

import os

from portable_fn.values import frozen

# Seconds a client has to finish a request's head, from its connection (or its next request's first byte).
HEADER_TIMEOUT = 10.0
# Seconds a kept-alive connection may idle: beyond the 60 s of common load balancers, so they close first.
KEEP_ALIVE = 75.0
# Seconds a request that finds every guest slot busy waits for one before it is answered 503.
QUEUE_TIMEOUT = 10.0


@frozen
class ServerOptions:
    """Where and how wide to serve, and how long anything may wait (seconds)."""

    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = os.cpu_count() or 1
    threads: int = 2  # guest slots per worker
    graceful_timeout: int = 30
    header_timeout: float = HEADER_TIMEOUT
    keep_alive: float = KEEP_ALIVE
    queue_timeout: float = QUEUE_TIMEOUT
    access_log: bool = False
    # A socket already bound and listening (by the CLI), used instead of binding host:port.
    listener_fd: int | None = None
