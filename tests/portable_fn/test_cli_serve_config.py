"""``portable-fn serve --config``: the same portable-fn.toml the clouds read, every limit and grant kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bundles import write_config
from tests.conftest import ROOT, parse_echo, sample_path
from tests.servers import ServerProcess, answer_when_up, request

LIMITS_AND_GRANTS = """[limits]
max_output_mb = 0.01
[grants]
env = ["GREETING"]
authorization = true
"""


def serve_command(*arguments: str) -> list[str]:
    """``python -m portable_fn serve --workers 1 ARGUMENTS``."""
    return [sys.executable, "-m", "portable_fn", "serve", "--workers", "1", *arguments]


def environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """This checkout's code, a GREETING to grant, and ``env``."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "GREETING": "hi", **(env or {})}


def refused(cwd: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run a serve command expected to stop before serving."""
    command = serve_command(*arguments)
    return subprocess.run(command, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("how", ["option", "environment"])
def test_serve_config_keeps_output_cap_env_and_authorization(tmp_path: Path, how: str) -> None:
    config = write_config(tmp_path / "app", sample_path("echo-c"), LIMITS_AND_GRANTS)
    arguments = ["--config", str(config)] if how == "option" else []
    env = {"PORTABLE_FN_CONFIG": str(config)} if how == "environment" else {}
    command = serve_command(*arguments, "--port", "0", "--cache-dir", str(tmp_path / "cache"))
    server = ServerProcess(command, environment(env), cwd=tmp_path)
    try:
        port = server.listening_port()
        answer_when_up(server, port, "/")
        _, body = request(port, "GET", "/", headers={"Authorization": "Bearer t"})
        echoed, _, _ = parse_echo(body)
        assert (echoed["HTTP_AUTHORIZATION"], echoed["GREETING"]) == ("Bearer t", "hi")
        assert request(port, "POST", "/", body=b"x" * 20_000)[0].status == 502
    finally:
        output = server.output()
        code = server.stop()
    assert code == 0, output
    assert list((tmp_path / "cache").glob("*.cwasm")), "serve --config did not precompile into --cache-dir"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(["app/echo-c.wasm"], "drop ARTIFACT", id="artifact"),
        pytest.param(["--timeout", "5", "--env", "HOME"], "drop --timeout, --env", id="options"),
    ],
)
def test_serve_config_refuses_options_it_replaces(tmp_path: Path, arguments: list[str], message: str) -> None:
    config = write_config(tmp_path / "app", sample_path("echo-c"))
    result = refused(tmp_path, "--config", str(config), *arguments)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_serve_config_with_a_bad_value_is_one_line(tmp_path: Path) -> None:
    config = write_config(tmp_path / "app", sample_path("echo-c"), "[limits]\ntimeout_seconds = inf\n")
    result = refused(tmp_path, "--config", str(config))
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: limits.timeout_seconds must be a positive number, got inf"
