"""An Azure function-app folder (portable-fn.toml + host.json) around a built sample guest."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import azure.functions as func
import pytest

from adapters.azure_functions.handler import app_from_directory
from tests.bundles import write_config
from tests.conftest import sample_path

AppFactory = Callable[..., func.FunctionApp]


@pytest.fixture
def make_app(tmp_path: Path) -> AppFactory:
    """Build the FunctionApp the template would for ``sample`` with extra ``[azure]`` lines."""

    def make(sample: str = "echo-c", azure: str = "", route_prefix: str | None = "api") -> func.FunctionApp:
        folder = tmp_path / sample
        write_config(folder, sample_path(sample), f"[azure]\n{azure}\n")
        host: dict[str, object] = {"version": "2.0"}
        if route_prefix is not None:
            host["extensions"] = {"http": {"routePrefix": route_prefix}}
        (folder / "host.json").write_text(json.dumps(host), encoding="utf-8")
        return app_from_directory(folder, {})

    return make


def user_functions(app: func.FunctionApp) -> dict[str, Callable[..., object]]:
    """The Python functions the worker would call, by function name (Microsoft's unit-test way).

    ``get_functions`` validates name uniqueness against what it saw before, so call it once per app.
    """
    return {str(function.get_function_name()): function.get_user_function() for function in app.get_functions()}


def user_function(app: func.FunctionApp, name: str) -> Callable[..., object]:
    """The one Python function registered as ``name``."""
    return user_functions(app)[name]
