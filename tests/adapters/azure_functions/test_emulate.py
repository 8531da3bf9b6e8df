"""``--emulate azure``: the app served by a real WSGI server on 127.0.0.1."""

from __future__ import annotations

from adapters.azure_functions.emulate import build_app as build_azure
from portable_fn import FunctionSpec
from tests.adapters.gcp_functions.test_emulate import Serve, serve
from tests.adapters.gcp_functions.test_handler import read
from tests.conftest import parse_echo, sample_path

__all__ = ["serve"]


def test_azure_emulation_serves_under_api(serve: Serve) -> None:
    base = serve(build_azure(FunctionSpec(sample_path("echo-c")), shape="azure"))
    status, _, answer = read(base, "PUT", "/api/items/a%20b?x=1&x=2", (("X-Tag", "t"),), b"\x00body")
    env, argv, body = parse_echo(answer)
    assert (status, body, env["SCRIPT_NAME"], env["X_RAW_PATH_INFO"]) == (200, b"\x00body", "/api", "/items/a%20b")
    assert argv[1:] == ["x=1", "x=2"]
    assert read(base, "GET", "/items")[0] == 404


def test_azure_emulation_cookies_go_through_the_workers_converter(serve: Serve) -> None:
    base = serve(build_azure(FunctionSpec(sample_path("cookies-c"))))
    status, headers, body = read(base, "GET", "/api/")
    assert (status, body) == (200, b"cookies\n")
    assert [v for n, v in headers if n.lower() == "set-cookie"] == [
        "a=1; Path=/",
        "b=2; HttpOnly",
        "c=3; SameSite=Lax; Secure",
    ]
