"""The Azure function-app zip, unpacked and run in a fresh venv that installed only its requirements.txt."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from adapters.azure_functions.bundle import build_bundle
from portable_fn.config_file import GENERATED_NAME
from portable_fn.packaging import CACHE_DIR
from tests.bundles import extract_zip, venv_with_requirements
from tests.conftest import sample_path

# Runs inside the venv, in the unpacked folder, the way the Functions worker indexes function_app.py.
INVOKE = """
import logging, sys
logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
sys.path.insert(0, ".")
import azure.functions as func
import function_app
functions = {f.get_function_name(): f.get_user_function() for f in function_app.app.get_functions()}
request = func.HttpRequest("GET", "http://localhost/api/hello", headers={"host": "localhost"}, body=b"",
                           route_params={"route": "hello"})
response = functions["http"](request)
sys.stdout.write(f"{response.status_code} {response.get_body().decode()}")
"""


def test_unpacked_app_answers_from_the_precompiled_artifact(tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text('name = "hello"\nartifact = "hello-c.wasm"\n[azure]\nauth_level = "anonymous"\n')
    bundle = build_bundle(sample_path("hello-c"), config, tmp_path / "out")
    assert bundle.archive is not None
    names = set(zipfile.ZipFile(bundle.archive).namelist())
    assert {"function_app.py", "host.json", "requirements.txt", ".funcignore", "hello-c.wasm", GENERATED_NAME} <= names
    assert "local.settings.json" not in names  # for `func start` in the folder, never deployed
    assert any(name.startswith(f"{CACHE_DIR}/") and "-x86_64-" in name for name in names)
    assert any("func azure functionapp publish hello" in line for line in bundle.instructions)
    assert any("az functionapp deployment source config-zip" in line for line in bundle.instructions)
    app = tmp_path / "app"
    extract_zip(bundle.archive, app)
    assert json.loads((app / "host.json").read_text())["extensions"]["http"]["routePrefix"] == "api"
    python = str(venv_with_requirements(tmp_path, app / "requirements.txt") / "bin" / "python")
    before = sorted((p.name, p.stat().st_ino) for p in (app / CACHE_DIR).iterdir())
    env = {"PATH": os.environ["PATH"]}
    result = subprocess.run([python, "-B", "-c", INVOKE], cwd=app, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "200 hello\n"
    assert "compiling instead" not in result.stderr
    assert sorted((p.name, p.stat().st_ino) for p in (app / CACHE_DIR).iterdir()) == before


@pytest.mark.parametrize(
    ("azure", "values"),
    [
        pytest.param(
            "",
            {"FUNCTIONS_WORKER_RUNTIME": "python", "AzureWebJobsStorage": "UseDevelopmentStorage=true"},
            id="default-triggers",
        ),
        pytest.param('triggers = ["http"]', {"FUNCTIONS_WORKER_RUNTIME": "python"}, id="http-only"),
        pytest.param(
            'triggers = ["http", "queue"]\nqueue_connection = "Jobs"',
            {
                "FUNCTIONS_WORKER_RUNTIME": "python",
                "AzureWebJobsStorage": "UseDevelopmentStorage=true",
                "Jobs": "UseDevelopmentStorage=true",
            },
            id="own-connection",
        ),
    ],
)
def test_folder_has_local_settings_for_core_tools(tmp_path: Path, azure: str, values: dict[str, str]) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text(f'artifact = "hello-c.wasm"\n[azure]\n{azure}\n')
    bundle = build_bundle(sample_path("hello-c"), config, tmp_path / "out")
    settings = json.loads((bundle.directory / "local.settings.json").read_text())
    assert settings == {"IsEncrypted": False, "Values": values}
    assert "local.settings.json" in (bundle.directory / ".funcignore").read_text().splitlines()
