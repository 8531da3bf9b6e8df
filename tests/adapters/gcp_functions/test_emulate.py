"""``--emulate gcp``: the app served by a real WSGI server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from adapters.gcp_functions.emulate import build_app as build_gcp
from portable_fn import FunctionSpec
from tests.adapters.gcp_functions.test_handler import read
from tests.conftest import parse_echo, sample_path

Serve = Callable[[Any], str]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture
def serve() -> Iterator[Serve]:
    servers = []

    def start(app: Any) -> str:
        server = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_gcp_emulation(serve: Serve) -> None:
    base = serve(build_gcp(FunctionSpec(sample_path("echo-c")), shape="gcp"))
    status, _, answer = read(base, "POST", "/a%20b?x=1&x=2", (("X-Tag", "t"),), b"body")
    env, argv, body = parse_echo(answer)
    assert (status, body, env["X_RAW_PATH_INFO"], argv[1:]) == (200, b"body", "/a%20b", ["x=1", "x=2"])
    assert env["HTTP_X_TAG"] == "t"


def test_gcp_emulation_keeps_cookies(serve: Serve) -> None:
    base = serve(build_gcp(FunctionSpec(sample_path("cookies-c"))))
    _, headers, _ = read(base, "GET", "/")
    assert [v for n, v in headers if n.lower() == "set-cookie"] == [
        "a=1; Path=/",
        "b=2; HttpOnly",
        "c=3; Secure; SameSite=Lax",
    ]
