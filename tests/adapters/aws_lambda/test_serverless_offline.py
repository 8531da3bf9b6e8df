"""The unzipped Lambda bundle under serverless-offline, the tool most Lambda users run locally.

serverless-offline sets ``LAMBDA_TASK_ROOT=/var/task`` whatever folder it serves, so the entry point must
find ``portable-fn.toml`` beside its own module. It runs ``python3`` from ``$VIRTUAL_ENV``: a venv without
site-packages, so only the bundle's own files (its vendored wasmtime included) are importable.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.aws_lambda.bundle import build_bundle
from tests.bundles import extract_zip
from tests.conftest import sample_path
from tests.servers import ServerProcess, answer_when_up

TOOLS = Path(os.environ.get("PORTABLE_FN_SERVERLESS_DIR", Path.home() / ".cache" / "portable_fn" / "serverless"))
PACKAGES = ("serverless@3", "serverless-offline@13")
SERVERLESS_YML = """service: portable-fn-offline
frameworkVersion: "3"
provider:
  name: aws
  runtime: python3.11
functions:
  app:
    handler: lambda_function.handler
    events:
      - httpApi: "*"
plugins:
  - serverless-offline
"""


def unused_port() -> int:
    """A port that was free a moment ago: serverless-offline cannot bind port 0 and report the port it got."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def serverless() -> Path:
    """serverless v3 + serverless-offline v13 from the npm registry, installed once into TOOLS."""
    script = TOOLS / "node_modules" / "serverless" / "bin" / "serverless.js"
    if not (script.is_file() and (TOOLS / "node_modules" / "serverless-offline").is_dir()):
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("serverless-offline needs node and npm (scripts/setup.sh installs them)")
        TOOLS.mkdir(parents=True, exist_ok=True)
        command = [npm, "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", "--loglevel=error", *PACKAGES]
        subprocess.run(command, check=True, capture_output=True, timeout=600)
    return script


def test_unzipped_bundle_answers_under_serverless_offline(serverless: Path, tmp_path: Path) -> None:
    bundle = build_bundle(sample_path("hello-c"), None, tmp_path / "out", wheel_cache=tmp_path / "wheels")
    assert bundle.archive is not None
    task = tmp_path / "task"
    extract_zip(bundle.archive, task)
    (task / "serverless.yml").write_text(SERVERLESS_YML)
    (task / "node_modules").symlink_to(TOOLS / "node_modules")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    http_port, lambda_port = unused_port(), unused_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "VIRTUAL_ENV": str(venv),
        "SLS_TELEMETRY_DISABLED": "1",
        "SLS_NOTIFICATIONS_MODE": "off",
        "SLS_DEPRECATION_DISABLE": "*",
    }
    command = ["node", str(serverless), "offline", "start", "--host", "127.0.0.1"]
    command += ["--httpPort", str(http_port), "--lambdaPort", str(lambda_port)]
    with ServerProcess(command, env, cwd=task) as server:
        assert answer_when_up(server, http_port, "/hello")[1] == b"hello\n"
        output = server.output()
    assert "ConfigError" not in output and "compiling instead" not in output, output
