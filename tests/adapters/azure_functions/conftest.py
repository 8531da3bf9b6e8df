"""An Azure function-app folder (portable-fn.toml + host.json) around a built sample guest."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import azure.functions as func
import pytest

from adapters.azure_functions.handler import app_from_directory
from tests.conftest import sample_path

AppFactory = Callable[..., func.FunctionApp]


@pytest.fixture
def make_app(tmp_path: Path) -> AppFactory:
    """Build the FunctionApp the template would for ``sample`` with extra ``[azure]`` lines."""

    def make(sample: str = "echo-c", azure: str = "", route_prefix: str | None = "api") -> func.FunctionApp:
        folder = tmp_path / sample
        folder.mkdir(exist_ok=True)
        artifact = json.dumps(str(sample_path(sample)))
        (folder / "portable-fn.toml").write_text(f"artifact = {artifact}\n[azure]\n{azure}\n", encoding="utf-8")
        host: dict[str, object] = {"version": "2.0"}
        if route_prefix is not None:
            host["extensions"] = {"http": {"routePrefix": route_prefix}}
        (folder / "host.json").write_text(json.dumps(host), encoding="utf-8")
        return app_from_directory(folder, {})

    return make


def user_function(app: func.FunctionApp, name: str) -> Callable[..., object]:
    """The Python function the worker would call for function ``name`` (Microsoft's unit-test way)."""
    for function in app.get_functions():
        if function.get_function_name() == name:
            return function.get_user_function()
    raise AssertionError(f"no function {name!r} in {[f.get_function_name() for f in app.get_functions()]}")
