"""The hello guest as apps for the front-door candidates that `serve_throughput.py --front-door` runs
under other servers (granian's ASGI interface, gunicorn's gthread workers). Each factory loads the
Function in the worker that calls it, after the fork."""

from __future__ import annotations

from pathlib import Path

from adapters.local_http.asgi import LocalASGI
from portable_fn import Function, wsgi
from portable_fn.types import StartResponse, WSGIApp, WSGIEnviron

HELLO = Path(__file__).resolve().parent.parent / "portable_fn" / "demo" / "hello.wasm"


def asgi_app() -> LocalASGI:
    """The ASGI app `portable-fn serve` runs, with the same two guest slots per worker."""
    return LocalASGI(Function.load(HELLO), slots=2)


def wsgi_app() -> WSGIApp:
    """The plain path as the WSGI app the gunicorn server ran before (issue 12)."""
    function = Function.load(HELLO)

    def answer(environ: WSGIEnviron) -> wsgi.Reply:
        return wsgi.reply(function.handle(wsgi.to_request(environ, function.limits.max_body_bytes)))

    def app(environ: WSGIEnviron, start_response: StartResponse) -> list[bytes]:
        return wsgi.serve(environ, start_response, answer)

    return app
