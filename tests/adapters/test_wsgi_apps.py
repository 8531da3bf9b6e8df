"""Every provider emulator's WSGI app builds its Request through one bridge, so a request each must
refuse is refused alike, in process, before any server could intervene. (The plain path is ASGI:
tests/portable_fn/test_serving_apps.py.)"""

from __future__ import annotations

import io
import wsgiref.util

import pytest

from adapters.aws_lambda.emulate import build_app as aws_app
from adapters.azure_functions.emulate import build_app as azure_app
from adapters.gcp_functions.emulate import build_app as gcp_app
from portable_fn import FunctionSpec
from portable_fn.types import WSGIApp, WSGIEnviron
from tests.conftest import SAMPLE_CACHE, sample_path

SPEC = FunctionSpec(sample_path("echo-c"), cache_dir=SAMPLE_CACHE)


@pytest.fixture(
    scope="module",
    params=[
        pytest.param((lambda spec: aws_app(spec, "aws-http"), "/"), id="aws-http"),
        pytest.param((azure_app, "/api/"), id="azure"),
        pytest.param((gcp_app, "/"), id="gcp"),
    ],
)
def app_and_root(request: pytest.FixtureRequest) -> tuple[WSGIApp, str]:
    factory, root = request.param
    return factory(SPEC), root


def call(app: WSGIApp, **variables: str) -> tuple[str, bytes]:
    env: WSGIEnviron = {"wsgi.input": io.BytesIO(b"body")}
    wsgiref.util.setup_testing_defaults(env)
    env.update(variables)
    statuses: list[str] = []
    body = b"".join(app(env, lambda status, _headers, *_exc: statuses.append(status)))
    return statuses[0], body


def test_a_content_length_that_is_no_number_is_a_400_on_every_path(app_and_root: tuple[WSGIApp, str]) -> None:
    app, root = app_and_root
    status, body = call(app, REQUEST_METHOD="POST", PATH_INFO=root, CONTENT_LENGTH="12abc")
    assert (status.split()[0], body) == ("400", b"Content-Length '12abc' is not a number of bytes\n")


def test_an_absolute_form_target_is_reduced_to_its_path_on_every_path(app_and_root: tuple[WSGIApp, str]) -> None:
    app, root = app_and_root
    status, body = call(app, PATH_INFO=f"{root}x", RAW_URI=f"http://example.com{root}x%2Fy?q=1", QUERY_STRING="q=1")
    assert status.split()[0] == "200"
    assert b"X_RAW_PATH_INFO=/x%2Fy\n" in body
