"""The local server's WSGI application: a WSGI request in, the guest's response out."""

from __future__ import annotations

from portable_fn import Function
from portable_fn.types import StartResponse, WSGIEnviron
from portable_fn.wsgi import Reply, reply, serve, to_request


class LocalApp:
    """WSGI application serving one Function; ``/`` and every other path go to the guest."""

    def __init__(self, function: Function) -> None:
        self.function = function

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> list[bytes]:
        return serve(environ, start_response, self.answer)

    def answer(self, environ: WSGIEnviron) -> Reply:
        """The guest's reply to one request. Raises RequestError (413 included) before it runs."""
        return reply(self.function.handle(to_request(environ, self.function.limits.max_body_bytes)))
