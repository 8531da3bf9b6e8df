"""Every user mistake ends in one clear line and a non-zero exit, never a traceback (the real CLI, in a temp folder)."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli, sample_path

BAD_ARTIFACTS = [
    pytest.param(b"", "empty", id="empty-file"),
    pytest.param(bytes(range(256))[::-1] * 4, "not UTF-8", id="random-bytes"),
    pytest.param(b"hello, I am text\n", "nor WAT text: expected `(` at line 1:1", id="text-named-wasm"),
]


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single ``Error: ...`` line the command ended with; fails on a traceback or a zero exit."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.mark.parametrize(("content", "problem"), BAD_ARTIFACTS)
@pytest.mark.parametrize("command", ["invoke", "inspect", "precompile", "serve"])
def test_a_file_that_is_no_webassembly_is_one_line(tmp_path: Path, command: str, content: bytes, problem: str) -> None:
    (tmp_path / "app.wasm").write_bytes(content)
    port = ["--port", "0"] if command == "serve" else []
    result = run_cli([command, "app.wasm", *port], cwd=tmp_path, env={"XDG_CACHE_HOME": str(tmp_path)})
    assert result.returncode == 1
    line = one_error_line(result)
    assert line.startswith("Error: app.wasm is ") and problem in line
    assert "Serving" not in result.stderr


def test_serve_checks_the_artifact_even_without_a_cache(tmp_path: Path) -> None:
    (tmp_path / "app.wasm").write_bytes(b"not wasm")
    result = run_cli(["serve", "app.wasm", "--no-cache", "--port", "0"], cwd=tmp_path)
    assert "nor WAT text" in one_error_line(result)
    assert "Serving" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--env", "SURELY_NOT_SET_ANYWHERE"], "not set on the host: SURELY_NOT_SET_ANYWHERE", id="env"),
        pytest.param(["--dir", "/data=/surely/missing"], "'/surely/missing' (for '/data') does not exist", id="dir"),
        pytest.param(["--timeout", "nan"], "'--timeout': nan is not a finite number", id="timeout-nan"),
        pytest.param(["--timeout", "inf"], "'--timeout': inf is not a finite number", id="timeout-inf"),
        pytest.param(["--max-body-mb", "inf"], "'--max-body-mb': inf is not a finite number", id="body-inf"),
    ],
)
def test_bad_grants_and_limits_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli(["invoke", str(sample_path("hello-c")), "--no-cache", *args], cwd=tmp_path)
    assert result.returncode == 2
    assert message in one_error_line(result)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param('[aws]\nmemory_mb = "big"\n', "aws.memory_mb must be an integer", id="aws-memory"),
        pytest.param("[aws]\nfunction_url = 1\n", "aws.function_url", id="aws-function-url"),
    ],
)
def test_a_config_value_of_the_wrong_type_is_one_line(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "portable-fn.toml").write_text(config)
    (tmp_path / "app.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    args = ["deploy", "aws", "app.zip", "-c", "portable-fn.toml", "--role", "arn:aws:iam::1:role/r"]
    result = run_cli([*args, "--region", "us-east-1"], cwd=tmp_path)
    assert message in one_error_line(result)


def test_serve_on_a_port_in_use_names_it_before_starting(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(["serve", "--port", str(port), "--cache-dir", str(tmp_path)], cwd=tmp_path, timeout=60)
    line = one_error_line(result)
    assert f"127.0.0.1:{port}" in line and "in use" in line
    assert "Serving" not in result.stderr


def unimportable(tmp_path: Path, package: str) -> dict[str, str]:
    """An environment where ``import PACKAGE`` fails as if it were not installed: a shim first on the path."""
    shim = tmp_path / "shim" / package
    shim.mkdir(parents=True)
    message = f"No module named {package!r}"
    (shim / "__init__.py").write_text(f"raise ModuleNotFoundError({message!r}, name={package!r})\n")
    return {"PYTHONPATH": os.pathsep.join([str(shim.parent), str(ROOT)])}


@pytest.mark.parametrize(
    ("package", "args", "extra"),
    [
        pytest.param("cloudevents", ["serve", "--emulate", "gcp"], "gcp", id="serve-emulate-gcp"),
        pytest.param("azure", ["serve", "--emulate", "azure"], "azure", id="serve-emulate-azure"),
        pytest.param("azure", ["invoke", "HELLO", "--provider", "azure", "--event", "e.json"], "azure", id="invoke"),
        pytest.param("boto3", ["deploy", "aws", "app.zip", "--role", "arn:aws:iam::1:role/r"], "aws", id="deploy"),
    ],
)
def test_a_missing_extra_names_the_install_command(tmp_path: Path, package: str, args: list[str], extra: str) -> None:
    (tmp_path / "e.json").write_text("{}")
    (tmp_path / "app.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    args = [str(sample_path("hello-c")) if arg == "HELLO" else arg for arg in args]
    env = {**unimportable(tmp_path, package), "AWS_REGION": "us-east-1"}
    serve_port = ["--port", "0"] if args[0] == "serve" else []
    result = run_cli([*args, *serve_port], cwd=tmp_path, env=env, timeout=60)
    assert f"pip install 'portable-fn[{extra}]'" in one_error_line(result)
