"""Guests that call out, under each provider's real entry point, granted by the bundle's config.

``[grants] network = true`` and ``env = [...]`` in portable-fn.toml travel with every bundle:
AWS through awslambdaric against a local Runtime API, GCP under the real functions-framework
server, Azure through the FunctionApp its template builds. The upstream runs on 127.0.0.1.
"""

from __future__ import annotations

import base64
import os
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import azure.functions as func
import pytest

from adapters.azure_functions.handler import app_from_directory
from tests.adapters.aws_lambda.test_dispatch import read_event
from tests.adapters.aws_lambda.test_handler import lambda_runtime
from tests.adapters.azure_functions.conftest import user_function
from tests.adapters.gcp_functions.conftest import MAIN
from tests.bundles import write_config
from tests.conftest import ROOT, sample_path
from tests.servers import ServerProcess
from tests.upstream import BIG_BODY, Upstream

CALLERS = ["fetch-js", "upstream-py"]
GRANTED = '[grants]\nnetwork = true\nenv = ["UPSTREAM_URL", "UPSTREAM_TOKEN"]\n'
TOKEN = "bundle-token"
HELLO = f"hello from upstream; auth=Bearer {TOKEN}\n".encode()


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with Upstream() as server:
        yield server


def secrets(upstream: Upstream) -> dict[str, str]:
    return {"UPSTREAM_URL": upstream.url, "UPSTREAM_TOKEN": TOKEN}


def lambda_body(result: dict[str, object]) -> bytes:
    body = str(result["body"])
    return base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()


@pytest.mark.parametrize("name", CALLERS)
def test_aws_lambda_runtime(name: str, tmp_path: Path, shared_events: Path, upstream: Upstream) -> None:
    event = read_event(shared_events / "aws" / "function-url-get.json")
    with lambda_runtime(tmp_path, name, extra=GRANTED, environ=secrets(upstream)) as runtime:
        # The first invocation compiles the component (no precompiled form here): Lambda's budget must cover it.
        kind, result = runtime.api.invoke(event, seconds=240)
    assert (kind, result["statusCode"], lambda_body(result)) == ("response", 200, HELLO)


def test_aws_lambda_deadline_stops_a_stalled_upstream(tmp_path: Path, shared_events: Path, upstream: Upstream) -> None:
    event = read_event(shared_events / "aws" / "function-url-get.json")
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/stall"
    with lambda_runtime(tmp_path, "upstream-py", 250, GRANTED, secrets(upstream)) as runtime:
        warm_up = read_event(shared_events / "aws" / "function-url-get.json")
        assert runtime.api.invoke(warm_up, seconds=240)[1]["statusCode"] == 200
        started = time.monotonic()
        kind, result = runtime.api.invoke(event, seconds=2.0)
        elapsed = time.monotonic() - started
    assert (kind, result["statusCode"]) == ("response", 504)
    assert elapsed < 8.0, "the upstream stalls for 10 s: Lambda's 2 s deadline must end the call"


@pytest.mark.parametrize("name", CALLERS)
def test_gcp_functions_framework(name: str, tmp_path: Path, upstream: Upstream) -> None:
    config = write_config(tmp_path, sample_path(name), GRANTED)
    env = {**os.environ, **secrets(upstream), "PORTABLE_FN_CONFIG": str(config), "PYTHONPATH": str(ROOT)}
    env |= {"WORKERS": "1", "THREADS": "2", "GUNICORN_LOG_LEVEL": "info"}
    command = [sys.executable, "-m", "functions_framework", "--target", "http", "--source", str(MAIN)]
    server = ServerProcess([*command, "--host", "127.0.0.1", "--port", "0"], env)
    try:
        base = f"http://127.0.0.1:{server.listening_port()}"
        hello = server.wait_for(lambda: fetch(base + "/hello"), "answer to GET /hello")
        big = fetch(base + "/big")
    finally:
        server.stop()
    assert (hello, big) == (HELLO, BIG_BODY)


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            body: bytes = response.read()
            return body
    except OSError:
        return None


@pytest.mark.parametrize("name", CALLERS)
def test_azure_function_app(name: str, tmp_path: Path, upstream: Upstream) -> None:
    write_config(tmp_path, sample_path(name), GRANTED)
    (tmp_path / "host.json").write_text('{"version": "2.0"}', encoding="utf-8")
    app = app_from_directory(tmp_path, secrets(upstream))
    request = func.HttpRequest(method="GET", url="https://demo.azurewebsites.net/api/hello", headers={}, body=b"")
    response = user_function(app, "http")(request)
    assert isinstance(response, func.HttpResponse)
    assert (response.status_code, response.get_body()) == (200, HELLO)
