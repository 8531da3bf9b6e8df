"""The ``package`` group: one subcommand per provider, progress on stderr, errors as clean messages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.aws_lambda import settings as aws
from adapters.azure_functions import settings as azure
from adapters.gcp_functions import settings as gcp
from portable_fn import lazy_function
from portable_fn.cli import main
from portable_fn.schema import NO_PROVIDERS, Schema
from tests.conftest import ROOT, sample_path


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp", "container"])
def test_help(provider: str) -> None:
    result = CliRunner().invoke(main, ["package", provider, "--help"])
    assert result.exit_code == 0 and "ARTIFACT" in result.output


def test_package_container_prints_the_build_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["package", "container", str(sample_path("hello-c")), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"docker build --platform linux/amd64 -t hello-c:latest {tmp_path / 'bundle'}" in result.stdout
    assert "precompiling hello-c.wasm for x86_64" in result.stderr


def test_bad_config_key_is_a_clean_error(tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text('artifact = "a.wasm"\n[gcp]\nregoin = "x"\n')
    result = CliRunner().invoke(main, ["package", "gcp", str(sample_path("hello-c")), "-c", str(config)])
    assert result.exit_code == 1
    assert "unknown config key gcp.regoin" in result.output


def run_cli(cwd: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``python -m portable_fn ARGUMENTS`` in ``cwd``, with this checkout's code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PORTABLE_FN_CONFIG", None)
    command = [sys.executable, "-m", "portable_fn", *arguments]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600)


@pytest.mark.parametrize(
    ("provider", "archive"),
    [
        pytest.param("aws", "app-aws-x86_64.zip", id="aws"),
        pytest.param("azure", "app-azure.zip", id="azure"),
        pytest.param("gcp", "app-gcp.zip", id="gcp"),
        pytest.param("container", None, id="container"),
    ],
)
def test_package_with_default_options_from_the_project_folder(tmp_path: Path, provider: str, archive: str) -> None:
    shutil.copy(sample_path("hello-c"), tmp_path / "app.wasm")
    result = run_cli(tmp_path, "package", provider, "app.wasm")
    assert result.returncode == 0, result.stderr
    bundle = tmp_path / "dist" / "bundle"
    staged = tomllib.loads((bundle / "portable-fn.toml").read_text())
    assert (bundle / staged["precompiled"]).is_file() and "-x86_64-" in staged["precompiled"]
    assert not (bundle / "dist").exists()
    if archive is not None:
        assert zipfile.ZipFile(tmp_path / "dist" / archive).getinfo(staged["precompiled"]).file_size > 0


# A user's project file: a grant, and a table for every built-in provider.
EVERY_TABLE = """name = "app"
artifact = "app.wasm"
[grants]
network = true
env = ["UPSTREAM_URL"]
[aws]
memory_mb = 1024
[azure]
auth_level = "anonymous"
[gcp]
region = "europe-west1"
[container]
workers = 1
"""
# The provider tables each bundle's entry point knows: its own; the image's ``serve`` finds no provider.
ENTRY_TABLES: dict[str, Mapping[str, Schema]] = {
    "aws": aws.OWN_TABLES,
    "azure": azure.OWN_TABLES,
    "gcp": gcp.OWN_TABLES,
    "container": NO_PROVIDERS,
}


@pytest.mark.parametrize("provider", sorted(ENTRY_TABLES))
def test_package_keeps_the_grants_and_only_its_own_table(tmp_path: Path, provider: str) -> None:
    shutil.copy(sample_path("hello-c"), tmp_path / "app.wasm")
    (tmp_path / "portable-fn.toml").write_text(EVERY_TABLE)
    result = run_cli(tmp_path, "package", provider, "app.wasm", "-c", "portable-fn.toml")
    assert result.returncode == 0, result.stderr
    config = tmp_path / "dist" / "bundle" / "portable-fn.toml"
    staged = tomllib.loads(config.read_text())
    assert staged["grants"] == {"network": True, "env": ["UPSTREAM_URL"]}
    assert set(staged) - {"name", "artifact", "cache_dir", "precompiled", "grants"} == set(ENTRY_TABLES[provider])
    # What the bundle's entry point loads, reading its config as it does (lazy_function, its own tables).
    with lazy_function(config, {"UPSTREAM_URL": "http://127.0.0.1:9"}, ENTRY_TABLES[provider])() as function:
        assert function.grants.network and function.grants.env == (("UPSTREAM_URL", "http://127.0.0.1:9"),)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param('[limits]\nmemory_mb = "big"', "limits.memory_mb must be a positive number, got 'big'", id="big"),
        pytest.param("[limits]\nmemory_mb = -5", "limits.memory_mb must be a positive number, got -5", id="negative"),
        pytest.param("[limits]\ntimeout_seconds = nan", "limits.timeout_seconds must be a positive number", id="nan"),
        pytest.param("limits = 5", "limits must be a table ([limits]), got 5", id="limits-table"),
        pytest.param('[grants]\nenv = "HOME"', "grants.env must be a list of variable names", id="env-string"),
        pytest.param('name = "../../escaped"', "name must be 1-64 letters", id="name-climbs"),
        pytest.param('name = "/tmp/escaped"', "name must be 1-64 letters", id="name-absolute"),
        pytest.param(
            'precompiled = "../../../../etc/passwd"\n[aws]\narchitecture = "arm64"',
            "precompiled must be a relative path inside",
            id="arm64-precompiled",
        ),
        pytest.param('[grants]\ndirs = { "/etc" = "../../etc" }', "grants.dirs.'/etc' must be a relative", id="dirs"),
    ],
)
@pytest.mark.parametrize("provider", ["aws", "container"])
def test_package_refuses_a_config_the_bundle_would_reject(
    tmp_path: Path, provider: str, config: str, message: str
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(sample_path("hello-c"), project / "app.wasm")
    (project / "portable-fn.toml").write_text(f"{config}\n")
    result = run_cli(project, "package", provider, "app.wasm", "-c", "portable-fn.toml")
    assert result.returncode == 1
    # One error line (after the "packaging ..." progress line), never a traceback.
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {message}"), result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["project"]
    assert not (project / "dist").exists()
