"""flask Request -> Request and Response -> flask Response, for functions-framework's HTTP functions."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import flask

from portable_fn import BodyTooLarge, Request, Response, is_chunked, read_limited

# Path characters WSGI servers hand over decoded that must not be re-escaped.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
# werkzeug sets these from the body it sends; the guest's copies would contradict it.
_SERVER_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})


class GuestResponse(flask.Response):
    """A flask Response that adds no Content-Type the guest did not send."""

    default_mimetype = None


def raw_path(environ: dict[str, object]) -> str:
    """The path as the client sent it (gunicorn's ``RAW_URI``, werkzeug's ``REQUEST_URI``), else re-quoted."""
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if isinstance(raw_uri, str) and raw_uri:
        path = raw_uri.split("?", 1)[0]
        # A proxy may send the absolute form: keep only the path.
        return (urlsplit(path).path if "://" in path else path) or "/"
    path_info = str(environ.get("PATH_INFO") or "/")
    return quote(path_info.encode("latin-1"), safe=_PATH_SAFE) or "/"


def to_request(request: flask.Request, max_body: int) -> Request:
    """Build the guest's Request. Raises BodyTooLarge before reading a body over ``max_body`` (a
    chunked one is read only to one byte past it), RequestError for a transfer coding other than chunked."""
    environ = request.environ
    # WSGI decodes header bytes as latin-1; give the guest back the bytes as sent.
    headers = tuple(
        (name, value.encode("latin-1").decode("utf-8", "surrogateescape")) for name, value in request.headers
    )
    return Request(
        method=request.method,
        path=raw_path(environ),
        query=request.query_string.decode("latin-1"),
        headers=headers,
        body=read_body(request, max_body),
        script_name=str(environ.get("SCRIPT_NAME", "")),
        scheme=request.scheme,
        server_name=str(environ.get("SERVER_NAME", "localhost")),
        server_port=int(str(environ.get("SERVER_PORT") or 80)),
        remote_addr=request.remote_addr or "",
        protocol=str(environ.get("SERVER_PROTOCOL", "HTTP/1.1")),
        request_id=request.headers.get("Function-Execution-Id", ""),
    )


def read_body(request: flask.Request, max_body: int) -> bytes:
    """The body, never read past ``max_body`` + 1 bytes. Raises BodyTooLarge, or RequestError for a
    transfer coding other than chunked."""
    length = request.content_length
    if length is not None:
        if length > max_body:
            raise BodyTooLarge(f"request body is {length} bytes, the limit is {max_body}")
        return request.get_data(cache=True)
    if not is_chunked(request.headers.get("Transfer-Encoding")):
        return b""
    return read_limited(request.stream, max_body)


def to_flask_response(response: Response) -> flask.Response:
    """A flask Response with every guest header in order, repeats (Set-Cookie) kept.

    A 413 goes out as a streamed response: functions-framework reads the whole request body after
    any other response (its ``read_request`` hook), which would undo stopping at the limit.
    """
    headers = [(name, value) for name, value in response.headers if name.lower() not in _SERVER_HEADERS]
    if response.status == BodyTooLarge.status:
        headers.append(("Content-Length", str(len(response.body))))
        return GuestResponse(iter([response.body]), status=response.status, headers=headers)
    return GuestResponse(response.body, status=response.status, headers=headers)
