"""The Cloud Functions source zip, unpacked and served by the real functions-framework from a fresh venv."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from adapters.gcp_functions.bundle import HTTP_ENTRY_POINT, build_bundle
from portable_fn.config_file import GENERATED_NAME
from portable_fn.packaging import CACHE_DIR
from tests.bundles import extract_zip, venv_with_requirements
from tests.conftest import sample_path
from tests.servers import ServerProcess, answer_when_up


def test_unpacked_source_answers_from_the_precompiled_artifact(tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text('name = "hello"\nartifact = "hello-c.wasm"\n[gcp]\nregion = "europe-west1"\n')
    bundle = build_bundle(sample_path("hello-c"), config, tmp_path / "out")
    assert bundle.archive is not None
    names = set(zipfile.ZipFile(bundle.archive).namelist())
    assert {"main.py", "requirements.txt", "portable-fn.toml", GENERATED_NAME, "hello-c.wasm"} <= names
    deploy = (
        "gcloud functions deploy hello --gen2 --runtime python311 --region europe-west1 --source . "
        "--entry-point http --trigger-http"
    )
    assert any(line.endswith(deploy) for line in bundle.instructions)
    app = tmp_path / "app"
    extract_zip(bundle.archive, app)
    venv = venv_with_requirements(tmp_path, app / "requirements.txt")
    before = sorted((p.name, p.stat().st_ino) for p in (app / CACHE_DIR).iterdir())
    # The template's HTTP function is served under the constant's name.
    command = [str(venv / "bin" / "functions-framework"), "--target", HTTP_ENTRY_POINT, "--source", "main.py"]
    command += ["--port", "0"]
    # gunicorn announces the port it was given at info level (functions-framework sets "error").
    env = {"PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "PYTHONDONTWRITEBYTECODE": "1", "GUNICORN_LOG_LEVEL": "info"}
    with ServerProcess(command, env, cwd=app) as server:
        assert answer_when_up(server, server.listening_port(), "/hello")[1] == b"hello\n"
        output = server.output()
    assert "compiling instead" not in output
    assert sorted((p.name, p.stat().st_ino) for p in (app / CACHE_DIR).iterdir()) == before


def test_configured_entry_point_is_the_one_printed(tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text('artifact = "hello-c.wasm"\n[gcp]\nentry_point = "event"\n')
    bundle = build_bundle(sample_path("hello-c"), config, tmp_path / "out")
    assert "entry point: event" in bundle.instructions
