"""``portable-fn serve --emulate gcp``: the Cloud Functions HTTP code path, a WSGI app behind
the server's bridge.

A flask app routed like functions-framework's HTTP functions (``/`` and ``/<path>``, every
method) calls the same :class:`~adapters.gcp_functions.handler.Entry` the template uses.
"""

from __future__ import annotations

import flask

from adapters.gcp_functions.handler import Entry
from portable_fn import FunctionSpec

_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def build_app(spec: FunctionSpec, shape: str = "gcp") -> flask.Flask:
    """The WSGI app ``portable-fn serve --emulate gcp`` runs in each worker."""
    # Loaded once as the worker starts, so concurrent first requests cannot each load one.
    function = spec.load()
    entry = Entry(lambda: function)
    app = flask.Flask(__name__)

    def run(path: str) -> flask.Response:
        return entry.http(flask.request)

    app.add_url_rule("/", "run", run, defaults={"path": ""}, methods=_METHODS)
    app.add_url_rule("/<path:path>", "run", run, methods=_METHODS)
    return app
