"""The local app as ASGI, for users who mount a guest inside their own async server or framework.

It is the app ``portable-fn serve`` runs in each worker (``portable_fn.serving.asgi.GuestApp``), so
both serve a request alike: the raw path and header bytes reach the guest exactly as sent, and the
guest runs in a bounded pool of threads (wasm releases the GIL while it runs).
"""

from __future__ import annotations

from portable_fn import Function
from portable_fn.serving.asgi import GuestApp, Receive, Scope, Send
from portable_fn.serving.options import QUEUE_TIMEOUT
from portable_fn.serving.slots import GuestSlots

# Guests that may run at once in one process, when the caller does not say.
SLOTS = 8


class LocalASGI:
    """ASGI application serving one Function on every path; lifespan events are accepted and ignored.

    At most ``slots`` guests run at once; a request beyond them waits up to ``queue_timeout`` seconds
    for one, then is answered 503 with Retry-After.
    """

    def __init__(self, function: Function, slots: int = SLOTS, queue_timeout: float = QUEUE_TIMEOUT) -> None:
        self.function = function
        self._app = GuestApp(function, GuestSlots(slots, queue_timeout))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _accept_lifespan(receive, send)
        elif scope["type"] == "http":
            await self._app(scope, receive, send)
        else:
            raise ValueError(f"LocalASGI serves HTTP only, got a {scope['type']!r} connection")


async def _accept_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
