"""The event-loop front door behind ``portable-fn serve``, every ``--emulate`` mode and the container.

::

    server.serve         the supervisor: forks one worker per core on the CLI's socket, drains on SIGTERM
    serving.worker       one worker: uvicorn (httptools, uvloop) on the inherited socket
    serving.protocol     uvicorn's HTTP/1.1 protocol with a header-read deadline
    serving.slots        the worker's guest threads, and the bounded wait for a free one (then 503)
    serving.asgi         the plain path: ASGI scope -> Request -> guest -> response
    serving.bridge       the emulators' path: one exact WSGI-under-ASGI bridge, run in the guest threads

Connections and parsing live on the event loop, so a slow client costs a socket, never a guest slot.
"""
