"""The Python equivalent of samples/hello, for functions-framework."""

import flask


def hello(request: flask.Request) -> flask.Response:
    return flask.Response("hello\n", content_type="text/plain")
