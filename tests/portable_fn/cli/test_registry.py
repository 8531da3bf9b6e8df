"""Providers are discovered from the ``portable_fn.providers`` entry points: a third party's shows up in the
real CLI, a broken one is left out with a warning, missing metadata is one line, cold starts never look."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest

from portable_fn.config_file import GENERATED_NAME
from tests.conftest import ROOT, run_cli, sample_path
from tests.portable_fn.cli.test_user_mistakes import one_error_line
from tests.servers import ServerProcess

# A provider of a third party's own package: nothing of it lives in this repository.
ACME = """
from __future__ import annotations

from pathlib import Path

from portable_fn.packaging import Bundle, host_machine, precompile, read_manifest, stage_in, stage_manifest
from portable_fn.providers import Emulation, PackageOption
from portable_fn.schema import choice


def missing_library():
    import acme_cloud_sdk  # not installed anywhere

    return Emulation(acme_cloud_sdk.app)


def echo_app(spec):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"acme"]

    return app


class Acme:
    name = "acme"
    extra = None
    package_help = "Acme Cloud bundle, for the test only."
    package_options = (PackageOption("flavour", "Which Acme flavour.", envvar="ACME_FLAVOUR"),)
    config_table = {"colour": (choice("red", "blue"), "red")}
    emulations = {"acme-echo": lambda: Emulation(echo_app, "/acme"), "acme-sdk": missing_library}
    event_invoker = None
    deploy_command = None

    def build_bundle(self, job):
        manifest = read_manifest(job.artifact, job.config, self.name, self.config_table, job.provider_tables)
        staging = stage_in(job.out)
        stage_manifest(staging, manifest)
        precompiled = precompile(staging, job.artifact.name, host_machine(), isolated=False, report=job.report)
        return Bundle(staging.root, None, None, precompiled, (f"colour: {manifest.settings['colour']}",))


provider = Acme()
"""


def distribution(folder: Path, name: str, entry_points: str | None) -> Path:
    """A real installed-distribution record (``NAME-1.0.dist-info``) in ``folder``, as pip writes one."""
    info = folder / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)
    return folder


def with_path(folder: Path) -> dict[str, str]:
    return {"PYTHONPATH": f"{folder}{os.pathsep}{ROOT}"}


@pytest.fixture
def acme(tmp_path: Path) -> dict[str, str]:
    """PYTHONPATH with the acme provider's module and its distribution's entry point."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "acme_provider.py").write_text(ACME)
    entry = "[portable_fn.providers]\nacme = acme_provider:provider\n"
    return with_path(distribution(tmp_path / "site", "acme-provider", entry))


def test_a_registered_provider_gets_its_package_subcommand_and_emulation(tmp_path: Path, acme: dict[str, str]) -> None:
    listing = run_cli(["package", "--help"], tmp_path, acme)
    assert listing.returncode == 0, listing.stderr
    assert "acme       Acme Cloud bundle, for the test only." in listing.stdout
    assert "aws        AWS Lambda zip" in listing.stdout
    own = run_cli(["package", "acme", "--help"], tmp_path, acme)
    assert "--flavour TEXT" in own.stdout and "Which Acme flavour." in own.stdout
    choices = one_error_line(run_cli(["serve", "--emulate", "bogus"], tmp_path, acme))
    assert "'none', 'acme-echo', 'acme-sdk', 'aws-rest', 'aws-http', 'aws-url', 'aws-alb', 'azure', 'gcp'." in choices
    missing = one_error_line(run_cli(["serve", "--emulate", "acme-sdk"], tmp_path, acme))
    assert missing == "Error: --emulate acme-sdk needs a package that is not installed (acme_cloud_sdk is missing)"
    invoke = run_cli(["invoke", "--help"], tmp_path, acme)
    assert "--provider [aws|azure|gcp] " in invoke.stdout  # acme has no native events


# A project file configuring two providers, as a user's portable-fn.toml may.
PROJECT = """name = "app"
artifact = "app.wasm"
[grants]
network = true
[aws]
architecture = "arm64"
[acme]
colour = "{colour}"
"""


def write_project(folder: Path, colour: str) -> None:
    shutil.copy(sample_path("hello-c"), folder / "app.wasm")
    (folder / "portable-fn.toml").write_text(PROJECT.format(colour=colour))


def test_package_checks_a_registered_providers_table_and_bundles_it_alone(tmp_path: Path, acme: dict[str, str]) -> None:
    write_project(tmp_path, "blue")
    result = run_cli(["package", "acme", "app.wasm", "-c", "portable-fn.toml"], tmp_path, acme)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "colour: blue\n"
    bundle = tmp_path / "dist" / "bundle"
    staged = tomllib.loads((bundle / "portable-fn.toml").read_text())
    assert (staged["acme"], staged["grants"]) == ({"colour": "blue"}, {"network": True})
    assert "aws" not in staged
    generated = json.loads((bundle / GENERATED_NAME).read_text())
    assert generated == {"toml": (bundle / "portable-fn.toml").read_text(), "config": staged}


@pytest.mark.parametrize(
    ("project", "message"),
    [
        pytest.param(
            PROJECT.format(colour="green"), "Error: acme.colour must be one of red, blue, got 'green'", id="bad"
        ),
        pytest.param(
            PROJECT.format(colour="red").replace("[acme]", "[acmee]"),
            "Error: unknown config table [acmee]; known tables: [acme], [aws], [azure], [container], [gcp], [grants], "
            "[limits]",
            id="unknown-table",
        ),
    ],
)
def test_package_refuses_a_bad_provider_table_in_one_line(
    tmp_path: Path, acme: dict[str, str], project: str, message: str
) -> None:
    write_project(tmp_path, "red")
    (tmp_path / "portable-fn.toml").write_text(project)
    for command in (["package", "acme", "app.wasm"], ["package", "container", "app.wasm"], ["serve"]):
        result = run_cli([*command, "-c", "portable-fn.toml"], tmp_path, acme)
        assert one_error_line(result) == message
        assert result.returncode == 1 and not (tmp_path / "dist").exists()


def test_serve_reads_a_project_file_with_registered_providers_tables(tmp_path: Path, acme: dict[str, str]) -> None:
    write_project(tmp_path, "blue")
    command = [sys.executable, "-m", "portable_fn", "serve", "-c", "portable-fn.toml", "--port", "0", "--workers", "1"]
    server = ServerProcess(command, env={**os.environ, **acme}, cwd=tmp_path)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.listening_port()}/", timeout=60) as response:
            assert response.status == 200
    finally:
        server.stop()


def test_serve_runs_a_registered_emulation_under_its_prefix(acme: dict[str, str]) -> None:
    command = [sys.executable, "-m", "portable_fn", "serve", "--emulate", "acme-echo", "--port", "0", "--workers", "1"]
    server = ServerProcess(command, env={**os.environ, **acme}, cwd=ROOT)
    try:
        port = server.listening_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/acme/", timeout=60) as response:
            assert response.read() == b"acme"
        assert "/acme/ (as acme-echo does, every path is under /acme/" in server.output().replace("\n", " ")
    finally:
        server.stop()


def test_a_provider_that_fails_to_load_is_left_out_with_a_warning(tmp_path: Path) -> None:
    broken = "[portable_fn.providers]\nbroken = no_such_module:provider\n"
    env = with_path(distribution(tmp_path / "site", "broken-provider", broken))
    result = run_cli(["package", "--help"], tmp_path, env)
    assert result.returncode == 0
    assert "warning: provider entry point broken = no_such_module:provider failed to load" in result.stderr
    assert "Traceback" not in result.stderr and "container" in result.stdout


def test_a_provider_named_like_a_core_table_is_left_out_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "limits_provider.py").write_text(ACME.replace('name = "acme"', 'name = "limits"'))
    entry = "[portable_fn.providers]\nlimits = limits_provider:provider\n"
    env = with_path(distribution(tmp_path / "site", "limits-provider", entry))
    result = run_cli(["package", "--help"], tmp_path, env)
    assert result.returncode == 0 and "limits " not in result.stdout
    assert "limits = limits_provider:provider takes the core key 'limits'" in result.stderr


def test_metadata_without_the_entry_points_is_one_line_saying_to_reinstall(tmp_path: Path) -> None:
    # Found first on the path, this record of portable-fn hides the installed one, as a stale install does.
    env = with_path(distribution(tmp_path / "site", "portable-fn", "[console_scripts]\nportable-fn = x:y\n"))
    (tmp_path / "app.wasm").write_bytes(b"\0asm\1\0\0\0")
    for arguments in (["package", "aws", "app.wasm"], ["deploy", "aws", "app.wasm"]):
        line = one_error_line(run_cli(arguments, tmp_path, env))
        assert "no providers are registered under the 'portable_fn.providers' entry points: reinstall" in line
    emulate = one_error_line(run_cli(["serve", "--emulate", "aws-rest"], tmp_path, env))
    assert "'aws-rest' is not 'none'" in emulate and "reinstall portable-fn" in emulate


@pytest.mark.parametrize(
    "entry_module",
    ["adapters.aws_lambda.handler", "adapters.azure_functions.handler", "adapters.gcp_functions.handler"],
)
def test_cold_start_paths_never_look_for_providers(entry_module: str) -> None:
    command = [sys.executable, "-X", "importtime", "-c", f"import {entry_module}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=120)
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    ours = {"portable_fn.providers", "portable_fn.cli", "portable_fn.cli.registry", "portable_fn.packaging"}
    assert not imported & ours
    assert not {name for name in imported if name.startswith("adapters.") and name.endswith(".provider")}
    if entry_module == "adapters.aws_lambda.handler":
        # Azure's and GCP's own libraries read package metadata themselves; Lambda's path reads none.
        assert "importlib.metadata" not in imported
