"""``portable-fn serve --emulate azure``: the Azure HTTP code path, a WSGI app behind the server's bridge.

Each local request becomes a real ``func.HttpRequest``, goes through the same handler the
host calls, and the ``func.HttpResponse`` is encoded by the worker's own converter, so a
header the worker would merge or a cookie it would drop behaves here as it does in Azure.
As on Azure, the function is served under the route prefix: ``/api/...``; other paths get 404.
"""

from __future__ import annotations

import azure.functions as func
from azure.functions.http import HttpResponseConverter

from adapters.azure_functions.handler import respond
from adapters.azure_functions.http import split_script_name
from adapters.azure_functions.settings import AzureSettings
from portable_fn import Function, FunctionSpec, Request, Response
from portable_fn.types import StartResponse, WSGIEnviron
from portable_fn.wsgi import Reply, reply, serve, to_request

# What ``portable-fn serve --emulate azure`` prints at start-up: every path is under it.
URL_PREFIX = AzureSettings().script_name


def to_http_request(request: Request) -> func.HttpRequest:
    """The HttpRequest the host would build for a local request (header names lower-cased, as it does)."""
    host = request.header("host") or f"{request.server_name}:{request.server_port}"
    url = f"{request.scheme}://{host}{request.path}" + (f"?{request.query}" if request.query else "")
    headers = {name.lower(): value for name, value in request.headers}
    return func.HttpRequest(method=request.method, url=url, headers=headers, body=request.body)


def wire_response(response: func.HttpResponse) -> Reply:
    """Status, headers and body as the worker hands them to the host."""
    datum = HttpResponseConverter.encode(response, expected_type=func.HttpResponse).value
    headers = [(name, value.value) for name, value in datum["headers"].items()]
    for cookie in datum["cookies"] or ():
        headers.extend(("Set-Cookie", morsel.OutputString()) for morsel in cookie.values())
    return int(datum["status_code"].value), headers, datum["body"].value


class AzureEmulator:
    """WSGI app: local request -> ``func.HttpRequest`` -> Azure handler -> ``func.HttpResponse`` -> reply."""

    def __init__(self, function: Function, settings: AzureSettings) -> None:
        self.function = function
        self.settings = settings

    def load(self) -> Function:
        """The Function, loaded once when the worker started (so no request races to load it)."""
        return self.function

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> list[bytes]:
        return serve(environ, start_response, self.answer)

    def answer(self, environ: WSGIEnviron) -> Reply:
        """Status, headers and body for one request; 404 outside the route prefix, as the host answers.
        Raises RequestError (413 included) before the handler runs."""
        request = to_request(environ, self.function.limits.max_body_bytes)
        if self.settings.script_name and not split_script_name(request.path, self.settings.script_name)[0]:
            prefix = self.settings.script_name
            hint = f"Not Found: Azure serves HTTP functions under {prefix}/, as here (try {prefix}{request.path})"
            return reply(Response.text(404, hint))
        return wire_response(respond(to_http_request(request), self.load, self.settings))


def build_app(spec: FunctionSpec, shape: str = "azure") -> AzureEmulator:
    """The WSGI app ``portable-fn serve --emulate azure`` runs in each worker."""
    return AzureEmulator(spec.load(), AzureSettings())
