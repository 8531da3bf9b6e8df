"""``portable-fn serve --config``: the same portable-fn.toml the clouds read, every limit and grant kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.bundles import get_when_up, write_config
from tests.conftest import ROOT, free_port, parse_echo, sample_path

LIMITS_AND_GRANTS = """[limits]
max_output_mb = 0.01
[grants]
env = ["GREETING"]
authorization = true
"""


def serve(cwd: Path, *arguments: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``python -m portable_fn serve ARGUMENTS`` in ``cwd`` with this checkout's code."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "GREETING": "hi", **(env or {})}
    command = [sys.executable, "-m", "portable_fn", "serve", "--workers", "1", *arguments]
    return subprocess.Popen(command, cwd=cwd, env=environment, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("how", ["option", "environment"])
def test_serve_config_keeps_output_cap_env_and_authorization(tmp_path: Path, how: str) -> None:
    config = write_config(tmp_path / "app", sample_path("echo-c"), LIMITS_AND_GRANTS)
    port = free_port()
    arguments = ["--config", str(config)] if how == "option" else []
    env = {"PORTABLE_FN_CONFIG": str(config)} if how == "environment" else {}
    server = serve(tmp_path, *arguments, "--port", str(port), "--cache-dir", str(tmp_path / "cache"), env=env)
    try:
        get_when_up(f"http://127.0.0.1:{port}/")
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Authorization": "Bearer t"})
        with urllib.request.urlopen(request, timeout=30) as response:
            environment, _, _ = parse_echo(response.read())
        assert (environment["HTTP_AUTHORIZATION"], environment["GREETING"]) == ("Bearer t", "hi")
        big = urllib.request.Request(f"http://127.0.0.1:{port}/", data=b"x" * 20_000, method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(big, timeout=30)
        refused.value.close()
        assert refused.value.code == 502
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=60)
    assert server.returncode == 0, stderr
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
    server = serve(tmp_path, "--config", str(config), *arguments)
    _, stderr = server.communicate(timeout=60)
    assert server.returncode == 2
    assert message in stderr and "Traceback" not in stderr


def test_serve_config_with_a_bad_value_is_one_line(tmp_path: Path) -> None:
    config = write_config(tmp_path / "app", sample_path("echo-c"), "[limits]\ntimeout_seconds = inf\n")
    server = serve(tmp_path, "--config", str(config))
    _, stderr = server.communicate(timeout=60)
    assert server.returncode == 1
    assert stderr.strip() == "Error: limits.timeout_seconds must be a positive number, got inf"
