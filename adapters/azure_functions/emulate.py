"""``portable-fn serve --emulate azure``: the Azure HTTP code path behind a local WSGI server.

Each local request becomes a real ``func.HttpRequest``, goes through the same handler the
host calls, and the ``func.HttpResponse`` is encoded by the worker's own converter, so a
header the worker would merge or a cookie it would drop behaves here as it does in Azure.
As on Azure, the function is served under the route prefix: ``/api/...``; other paths get 404.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import azure.functions as func
from azure.functions.http import HttpResponseConverter

from adapters.azure_functions.handler import respond
from adapters.azure_functions.http import split_script_name
from adapters.azure_functions.settings import AzureSettings
from portable_fn import FunctionSpec, status_line

StartResponse = Callable[..., Any]
WSGIEnviron = dict[str, Any]
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def to_http_request(environ: WSGIEnviron, max_body: int) -> func.HttpRequest | None:
    """The HttpRequest the host would build, or None when the body is over ``max_body``."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length > max_body:
        return None
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    path = raw_uri.split("?", 1)[0] or quote(environ.get("PATH_INFO", "/").encode("latin-1"), safe=_PATH_SAFE)
    query = environ.get("QUERY_STRING", "")
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', 80)}"
    url = f"{environ.get('wsgi.url_scheme', 'http')}://{host}{path}" + (f"?{query}" if query else "")
    return func.HttpRequest(
        method=environ["REQUEST_METHOD"],
        url=url,
        headers=dict(request_headers(environ)),
        body=environ["wsgi.input"].read(length) if length else b"",
    )


def request_headers(environ: WSGIEnviron) -> Iterable[tuple[str, str]]:
    """WSGI headers, names lower-cased as the host delivers them, values back to their UTF-8 text."""
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            yield key.replace("_", "-").lower(), environ[key]
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            yield key[5:].replace("_", "-").lower(), value.encode("latin-1").decode("utf-8", "surrogateescape")


def wire_response(response: func.HttpResponse) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body as the worker hands them to the host."""
    datum = HttpResponseConverter.encode(response, expected_type=func.HttpResponse).value
    headers = [(name, value.value) for name, value in datum["headers"].items()]
    for cookie in datum["cookies"] or ():
        headers.extend(("Set-Cookie", morsel.OutputString()) for morsel in cookie.values())
    return int(datum["status_code"].value), headers, datum["body"].value


class AzureEmulator:
    """WSGI app: local request -> ``func.HttpRequest`` -> Azure handler -> ``func.HttpResponse`` -> reply."""

    def __init__(self, spec: FunctionSpec, settings: AzureSettings) -> None:
        self.spec = spec
        self.settings = settings
        self.load = functools.cache(spec.load)

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> list[bytes]:
        status, headers, body = self.answer(environ)
        headers = [(name, value) for name, value in headers if name.lower() != "content-length"]
        start_response(status_line(status), [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def answer(self, environ: WSGIEnviron) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, headers and body for one request; 404 outside the route prefix, as the host answers."""
        raw_path = (environ.get("RAW_URI") or environ.get("PATH_INFO") or "/").split("?", 1)[0]
        if self.settings.script_name and not split_script_name(raw_path, self.settings.script_name)[0]:
            return 404, [("Content-Type", "text/plain; charset=utf-8")], b"Not Found\n"
        request = to_http_request(environ, self.spec.limits.max_body_bytes)
        if request is None:
            return 413, [("Content-Type", "text/plain; charset=utf-8")], b"request body is over the limit\n"
        return wire_response(respond(request, self.load, self.settings))


def build_app(spec: FunctionSpec, shape: str = "azure") -> AzureEmulator:
    """The WSGI app ``portable-fn serve --emulate azure`` runs in each worker."""
    return AzureEmulator(spec, AzureSettings())
