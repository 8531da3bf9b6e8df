"""portable-fn deploy aws against a real moto server on 127.0.0.1: create, update, Function URL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto.server import ThreadedMotoServer

from adapters.aws_lambda.deploy import NO_CREDENTIALS, DeployError, Deployment, deploy, lambda_client
from portable_fn.cli import main
from tests.conftest import ROOT


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def role(endpoint: str, request: pytest.FixtureRequest) -> str:
    # moto keeps one in-process backend across servers: a name per test keeps tests independent.
    iam = boto3.client("iam", endpoint_url=endpoint)
    trust = '{"Version":"2012-10-17","Statement":[]}'
    return str(
        iam.create_role(RoleName=f"portable-fn-{request.node.name}"[:64], AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    )


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    import zipfile

    path = tmp_path / "hello-aws-x86_64.zip"
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("lambda_function.py", "def handler(event, context):\n    return {}\n")
    return path


def test_create_then_update_with_url(endpoint: str, role: str, archive: Path) -> None:
    client = lambda_client("us-east-1", endpoint)
    first = deploy(client, Deployment("hello", archive, role, memory_mb=256, function_url=True))
    assert first.created and first.url and first.url.startswith("http")
    second = deploy(client, Deployment("hello", archive, role, memory_mb=1024, timeout_seconds=60, function_url=True))
    assert not second.created and second.url == first.url
    config = boto3.client("lambda", endpoint_url=endpoint).get_function(FunctionName="hello")["Configuration"]
    assert (config["MemorySize"], config["Timeout"], config["Handler"]) == (1024, 60, "lambda_function.handler")
    assert config["Architectures"] == ["x86_64"]


def test_public_url_allows_both_invoke_actions(endpoint: str, role: str, archive: Path) -> None:
    client = lambda_client("us-east-1", endpoint)
    deploy(client, Deployment("public", archive, role, function_url=True))
    deploy(client, Deployment("public", archive, role, function_url=True))  # again: statements kept, not doubled
    policy = json.loads(boto3.client("lambda", endpoint_url=endpoint).get_policy(FunctionName="public")["Policy"])
    statements = {statement["Action"]: statement for statement in policy["Statement"]}
    assert len(policy["Statement"]) == 2
    assert statements["lambda:InvokeFunctionUrl"]["Principal"] == "*"
    assert statements["lambda:InvokeFunctionUrl"]["FunctionUrlAuthType"] == "NONE"
    assert statements["lambda:InvokeFunction"]["Principal"] == "*"
    assert statements["lambda:InvokeFunction"]["InvokedViaFunctionUrl"] is True


def test_create_without_role_is_a_clear_error(endpoint: str, archive: Path) -> None:
    with pytest.raises(DeployError, match="needs an execution role"):
        deploy(lambda_client("us-east-1", endpoint), Deployment("norole", archive, None))


def test_cli_deploy_reads_the_aws_table(endpoint: str, role: str, archive: Path, tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text(f'name = "cfg"\nartifact = "x.wasm"\n[aws]\nrole = "{role}"\narchitecture = "arm64"\n')
    result = CliRunner().invoke(
        main, ["deploy", "aws", str(archive), "-c", str(config), "--endpoint-url", endpoint, "--function-url"]
    )
    assert result.exit_code == 0, result.output
    assert "created arn:aws:lambda:" in result.output and "url: http" in result.output
    config_seen = boto3.client("lambda", endpoint_url=endpoint).get_function(FunctionName="cfg")["Configuration"]
    assert config_seen["Architectures"] == ["arm64"]


def run_deploy(tmp_path: Path, archive: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real CLI in a temp folder, with only ``env`` (plus PATH) as its environment."""
    command = [sys.executable, "-m", "portable_fn", "deploy", "aws", str(archive), "--name", "x", "--role", "arn:r"]
    environment = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), **env}
    return subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True, check=False)


def test_cli_deploy_of_a_file_that_is_not_a_zip_says_so(tmp_path: Path) -> None:
    not_zip = tmp_path / "app.wasm"
    not_zip.write_bytes(b"\0asm\1\0\0\0")
    result = run_deploy(tmp_path, not_zip, {"AWS_REGION": "us-east-1"})
    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"Error: {not_zip} is not a zip file: deploy the zip `portable-fn package aws` wrote"
    )


def test_cli_deploy_without_credentials_says_none_were_found(tmp_path: Path, archive: Path) -> None:
    # No credentials anywhere, and no instance-metadata lookup: nothing leaves this machine.
    env = {"AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": str(tmp_path / "none")}
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "none")
    result = run_deploy(tmp_path, archive, {**env, "PORTABLE_FN_AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: {NO_CREDENTIALS}"
    assert "refused" not in result.stderr


def test_cli_deploy_without_a_region_says_where_to_set_it(tmp_path: Path, archive: Path) -> None:
    result = run_deploy(tmp_path, archive, {"AWS_CONFIG_FILE": str(tmp_path / "none")})
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: no AWS region: set aws.region in the config, --region or AWS_REGION"


def test_cli_help() -> None:
    assert "Create or update" in CliRunner().invoke(main, ["deploy", "aws", "--help"]).output
