"""One server worker process: uvicorn (httptools, uvloop) on the listening socket it inherited.

The worker loads its Function after the fork (a wasmtime engine must never cross one), serves
until SIGTERM or SIGINT, then drains: it stops accepting, closes idle connections and lets
in-flight requests finish (up to ``graceful_timeout``) before it returns.
"""

from __future__ import annotations

import logging
import math
import socket
from typing import TYPE_CHECKING

import uvicorn

from portable_fn.serving.asgi import ASGIApp, GuestApp
from portable_fn.serving.bridge import WSGIBridge
from portable_fn.serving.protocol import with_header_timeout
from portable_fn.serving.slots import GuestSlots

if TYPE_CHECKING:
    from portable_fn.function import FunctionSpec
    from portable_fn.serving.options import ServerOptions
    from portable_fn.types import AppFactory


def run_worker(listener: socket.socket, spec: FunctionSpec, options: ServerOptions, factory: AppFactory | None) -> None:
    """Serve ``spec`` on ``listener`` until asked to stop, then drain; ``factory`` builds the WSGI app of
    an emulated provider (None: the plain path). Raises ArtifactError when the Function cannot load."""
    logging.getLogger("uvicorn.access").setLevel(logging.INFO if options.access_log else logging.WARNING)
    with GuestSlots(options.threads, options.queue_timeout) as slots:
        config = uvicorn.Config(
            build_app(spec, slots, factory),
            http=with_header_timeout(options.header_timeout),
            loop="auto",  # uvloop where installed
            lifespan="off",
            ws="none",  # every request goes to the guest as HTTP, an Upgrade one too, whatever is installed
            log_config=None,  # the CLI set up logging already
            access_log=options.access_log,
            server_header=False,
            proxy_headers=False,  # REMOTE_ADDR is the peer: X-Forwarded-For is a client's claim, passed on as a header
            timeout_keep_alive=math.ceil(options.keep_alive),  # uvicorn takes whole seconds
            timeout_graceful_shutdown=options.graceful_timeout,
        )
        uvicorn.Server(config).run(sockets=[listener])


def build_app(spec: FunctionSpec, slots: GuestSlots, factory: AppFactory | None) -> ASGIApp:
    """The worker's ASGI app: the guest itself, or the emulator's WSGI app behind the bridge."""
    if factory is None:
        return GuestApp(spec.load(), slots)
    return WSGIBridge(factory(spec), slots, spec.limits.max_body_bytes)
