"""The HTTP function through the FunctionApp, called the way Azure's worker calls it."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import azure.functions as func
import pytest
from azure.functions.http import HttpResponseConverter
from azure.functions.meta import get_binding_registry

from adapters.azure_functions.handler import app_from_directory
from adapters.azure_functions.http import client_address, to_http_response
from portable_fn import Response
from tests.adapters.azure_functions.conftest import AppFactory, user_function
from tests.conftest import parse_echo


def call_http(app: func.FunctionApp, request: func.HttpRequest) -> func.HttpResponse:
    response = user_function(app, "http")(request)
    assert isinstance(response, func.HttpResponse)
    return response


def test_default_triggers_and_bindings(make_app: AppFactory) -> None:
    app = make_app(azure='auth_level = "anonymous"')
    functions = {str(f.get_function_name()): json.loads(f.get_function_json())["bindings"] for f in app.get_functions()}
    assert sorted(functions) == ["blob", "eventgrid", "http", "queue"]
    trigger = functions["http"][0]
    assert trigger["route"] == "{*route}"
    assert trigger["authLevel"] == "ANONYMOUS"
    assert set(trigger["methods"]) == {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
    assert functions["queue"][0]["queueName"] == "portable-fn"
    assert functions["queue"][0]["connection"] == "AzureWebJobsStorage"


def test_configured_triggers_and_names(make_app: AppFactory) -> None:
    app = make_app(
        azure='triggers = ["http", "timer", "queue"]\nqueue_name = "%JOBS%"\ntimer_schedule = "0 0 * * * *"\n'
        'auth_level = "admin"'
    )
    functions = {
        str(f.get_function_name()): json.loads(f.get_function_json())["bindings"][0] for f in app.get_functions()
    }
    assert sorted(functions) == ["http", "queue", "timer"]
    assert functions["queue"]["queueName"] == "%JOBS%"
    assert functions["timer"]["schedule"] == "0 0 * * * *"
    assert functions["http"]["authLevel"] == "ADMIN"


def test_a_bad_azure_table_falls_back_to_defaults(make_app: AppFactory) -> None:
    app = make_app(azure='auth_level = "everyone"')
    assert {f.get_function_name() for f in app.get_functions()} == {"http", "queue", "blob", "eventgrid"}


def test_annotations_pass_the_workers_binding_checks(make_app: AppFactory) -> None:
    """What the worker does at load: resolve the hints, then ask each binding's converter."""
    app = make_app(azure='triggers = ["http", "queue", "blob", "eventgrid", "timer"]')
    registry = get_binding_registry()  # type: ignore[no-untyped-call]
    for function in app.get_functions():
        hints = typing.get_type_hints(function.get_user_function())
        for binding in json.loads(function.get_function_json())["bindings"]:
            converter = registry.get(binding["type"])
            if binding["name"] == "$return":
                assert converter.check_output_type_annotation(hints["return"])
            else:
                assert converter.check_input_type_annotation(hints[binding["name"]]), binding


def test_request_reaches_the_guest_exactly(make_app: AppFactory) -> None:
    body = bytes(range(256))
    request = func.HttpRequest(
        method="POST",
        url="https://demo.azurewebsites.net/api/items/a%20b%2Fc?x=1&x=2&y=%26",
        headers={
            "content-type": "application/octet-stream",
            "x-custom": "one, two",
            # The client wrote the first entry; Azure's front end appended the second.
            "x-forwarded-for": "127.0.0.1, 203.0.113.9:4312",
        },
        params={"x": "2"},
        body=body,
    )
    env, argv, seen = parse_echo(call_http(make_app(), request).get_body())
    assert seen == body
    assert env["REQUEST_METHOD"] == "POST"
    assert env["SCRIPT_NAME"] == "/api"
    assert env["X_RAW_PATH_INFO"] == "/items/a%20b%2Fc"
    assert env["QUERY_STRING"] == "x=1&x=2&y=%26"
    assert argv[1:] == ["x=1", "x=2", "y=%26"]
    assert env["HTTP_X_CUSTOM"] == "one, two"
    assert env["CONTENT_TYPE"] == "application/octet-stream"
    assert env["SERVER_NAME"] == "demo.azurewebsites.net"
    assert env["SERVER_PORT"] == "443"
    assert env["REMOTE_ADDR"] == "203.0.113.9"


@pytest.mark.parametrize(
    ("route_prefix", "url", "script_name", "raw_path"),
    [
        pytest.param("api", "http://localhost:7071/api", "/api", "/", id="prefix-root"),
        pytest.param("", "http://localhost:7071/api/x", "", "/api/x", id="empty-prefix"),
        pytest.param(None, "http://localhost:7071/api/x", "/api", "/x", id="host-default"),
        pytest.param("v1", "http://localhost:7071/v1/caf%C3%A9", "/v1", "/caf%C3%A9", id="custom-prefix"),
    ],
)
def test_route_prefix_from_host_json(
    make_app: AppFactory, route_prefix: str | None, url: str, script_name: str, raw_path: str
) -> None:
    request = func.HttpRequest(method="GET", url=url, body=b"")
    env, _, _ = parse_echo(call_http(make_app(route_prefix=route_prefix), request).get_body())
    assert (env["SCRIPT_NAME"], env["X_RAW_PATH_INFO"]) == (script_name, raw_path)


def test_every_set_cookie_survives_the_workers_encoding(make_app: AppFactory) -> None:
    request = func.HttpRequest(method="GET", url="https://demo.azurewebsites.net/api/", body=b"")
    response = call_http(make_app("cookies-c"), request)
    assert response.headers.getlist("Set-Cookie") == ["a=1; Path=/", "b=2; HttpOnly", "c=3; Secure; SameSite=Lax"]
    wire = HttpResponseConverter.encode(response, expected_type=func.HttpResponse).value
    cookies = [morsel.OutputString() for cookie in wire["cookies"] for morsel in cookie.values()]
    # The worker re-serialises cookies through SimpleCookie, which puts attributes in its own order.
    assert cookies == ["a=1; Path=/", "b=2; HttpOnly", "c=3; SameSite=Lax; Secure"]
    assert wire["body"].value == b"cookies\n"
    assert "Content-Length" not in wire["headers"]


def test_repeated_headers_are_joined_not_lost() -> None:
    response = to_http_response(Response(201, (("X-Tag", "a"), ("Content-Type", "text/csv"), ("x-tag", "b"))))
    wire = HttpResponseConverter.encode(response, expected_type=func.HttpResponse).value
    assert wire["headers"]["X-Tag"].value == "a, b"
    assert wire["headers"]["Content-Type"].value == "text/csv"
    assert wire["status_code"].value == "201"


def test_missing_artifact_is_a_500_not_a_crash(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "portable-fn.toml").write_text('artifact = "missing.wasm"\n', encoding="utf-8")
    broken = app_from_directory(tmp_path, {})
    response = call_http(broken, func.HttpRequest(method="GET", url="https://h/api/", body=b""))
    assert response.status_code == 500
    assert b"not available" in response.get_body()
    assert "missing.wasm" in caplog.text


def test_another_providers_table_is_refused_by_name_and_answered_500(
    make_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    # A project file handed to the function app: the entry point knows only its own provider's table.
    app = make_app(azure='auth_level = "anonymous"\n[gcp]\nregion = "europe-west1"')
    response = call_http(app, func.HttpRequest(method="GET", url="https://h/api/", body=b""))
    assert response.status_code == 500
    assert "unknown config table [gcp]; known tables: [azure], [grants], [limits]" in caplog.text


@pytest.mark.parametrize(
    ("forwarded_for", "address"),
    [
        pytest.param("203.0.113.9:4312", "203.0.113.9", id="ipv4-with-port"),
        pytest.param("10.0.0.1, 203.0.113.9:4312", "203.0.113.9", id="client-written-first-entry-ignored"),
        pytest.param("[2001:db8::1]:4312", "2001:db8::1", id="ipv6-with-port"),
        pytest.param("spoofed, [2001:db8::2]:80", "2001:db8::2", id="ipv6-after-spoof"),
        pytest.param("2001:db8::3", "2001:db8::3", id="bare-ipv6"),
        pytest.param("", "", id="absent"),
    ],
)
def test_remote_addr_is_the_entry_azure_appended(forwarded_for: str, address: str) -> None:
    assert client_address(forwarded_for) == address
