"""flask Request -> Request and Response -> flask Response, for functions-framework's HTTP functions."""

from __future__ import annotations

import flask

from portable_fn import BodyTooLarge, Request, Response
from portable_fn.http import SERVER_OWNED_HEADERS
from portable_fn.wsgi import to_request as wsgi_to_request


class GuestResponse(flask.Response):
    """A flask Response that adds no Content-Type the guest did not send."""

    default_mimetype = None


def to_request(request: flask.Request, max_body: int) -> Request:
    """Build the guest's Request from the WSGI environ under flask's request.

    The body is read through flask's stream, which functions-framework's hooks read again after us.
    Raises BodyTooLarge before reading a body over ``max_body`` (a chunked one is read only to one
    byte past it), RequestError for a transfer coding other than chunked.
    """
    request_id = request.headers.get("Function-Execution-Id", "")
    return wsgi_to_request(request.environ, max_body, stream=request.stream, request_id=request_id)


def to_flask_response(response: Response) -> flask.Response:
    """A flask Response with every guest header in order, repeats (Set-Cookie) kept.

    A 413 goes out as a streamed response: functions-framework reads the whole request body after
    any other response (its ``read_request`` hook), which would undo stopping at the limit.
    """
    headers = [(name, value) for name, value in response.headers if name.lower() not in SERVER_OWNED_HEADERS]
    if response.status == BodyTooLarge.status:
        headers.append(("Content-Length", str(len(response.body))))
        return GuestResponse(iter([response.body]), status=response.status, headers=headers)
    return GuestResponse(response.body, status=response.status, headers=headers)
