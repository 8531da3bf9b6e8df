"""The local server behind ``portable-fn serve`` (and the container bundle): gunicorn, one Function per
worker process, several threads per worker, every path to the guest.

gunicorn was chosen by measurement (benchmarks/README.md): it hands over the raw request
URI and header bytes, which granian's WSGI interface does not, at a throughput well above
the target. Workers give short requests parallelism (Python overhead dominates them);
threads let CPU-heavy guests overlap, since wasm calls release the GIL.
"""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication

from portable_fn import wsgi
from portable_fn.function import Function, FunctionSpec
from portable_fn.types import AppFactory, StartResponse, WSGIApp, WSGIEnviron
from portable_fn.values import frozen


@frozen
class ServerOptions:
    """Where and how wide to serve."""

    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = os.cpu_count() or 1
    threads: int = 2
    graceful_timeout: int = 30
    access_log: bool = False
    # A socket already bound and listening (by the CLI), used instead of binding host:port.
    listener_fd: int | None = None


class _GunicornServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, spec: FunctionSpec, options: ServerOptions, factory: AppFactory) -> None:
        self._spec = spec
        self._options = options
        self._factory = factory
        super().__init__()

    def load_config(self) -> None:
        options = self._options
        settings = {
            "bind": _bind_address(options),
            "workers": options.workers,
            "threads": options.threads,
            "worker_class": "gthread",
            "graceful_timeout": int(options.graceful_timeout),
            "timeout": max(60, int(self._spec.limits.timeout_seconds) + 30),
            "preload_app": False,  # wasm must never run before the fork
            "accesslog": "-" if options.access_log else None,
        }
        # gunicorn >= 25.1 opens a control socket under $HOME, which a container's --no-create-home
        # user lacks (an ERROR line at every start); nothing here uses gunicornc, so leave it off.
        if "control_socket_disable" in self.cfg.settings:
            settings["control_socket_disable"] = True
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return self._factory(self._spec)


def _bind_address(options: ServerOptions) -> str:
    if options.listener_fd is not None:
        return f"fd://{options.listener_fd}"
    return f"[{options.host}]:{options.port}" if ":" in options.host else f"{options.host}:{options.port}"


def serve(spec: FunctionSpec, options: ServerOptions, factory: AppFactory | None = None) -> None:
    """Serve ``spec`` until SIGTERM/SIGINT; each worker loads the Function after forking.

    ``factory`` builds the WSGI app in each worker (the provider emulators pass their own).
    """
    _GunicornServer(spec, options, factory or build_app).run()


def build_app(spec: FunctionSpec) -> LocalApp:
    """Load the Function and wrap it as the plain local WSGI app."""
    return LocalApp(spec.load())


class LocalApp:
    """WSGI application serving one Function; ``/`` and every other path go to the guest."""

    def __init__(self, function: Function) -> None:
        self.function = function

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> list[bytes]:
        return wsgi.serve(environ, start_response, self.answer)

    def answer(self, environ: WSGIEnviron) -> wsgi.Reply:
        """The guest's reply to one request. Raises RequestError (413 included) before it runs."""
        return wsgi.reply(self.function.handle(wsgi.to_request(environ, self.function.limits.max_body_bytes)))
