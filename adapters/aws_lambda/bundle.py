"""Build the AWS Lambda zip: entry handler, portable_fn + adapters, artifact, precompiled form, Linux wheels.

Runs at build time on the user's machine (``portable-fn package aws``), never inside Lambda.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from adapters.aws_lambda.settings import NAME, TABLE
from portable_fn.packaging import (
    LAMBDA_UNZIPPED_LIMIT,
    LAMBDA_ZIPPED_LIMIT,
    Bundle,
    Report,
    check_size,
    compile_bytecode,
    describe_size,
    precompile,
    read_manifest,
    stage_in,
    stage_manifest,
    vendor_wheels,
    write_zip,
)
from portable_fn.schema import NO_PROVIDERS, ProviderTables

# The template's lambda_function.py loads the Function at import, in Lambda's unbilled init phase.
HANDLER = "lambda_function.handler"
MACHINES = {"x86_64": "x86_64", "arm64": "aarch64"}


def build_bundle(
    artifact: Path,
    config: Path | None,
    out: Path,
    *,
    provider_tables: ProviderTables = NO_PROVIDERS,
    runner: Sequence[str] | None = None,
    wheel_cache: Path | None = None,
    report: Report = lambda _: None,
) -> Bundle:
    """Write ``out/bundle/`` and ``out/<name>-aws-<arch>.zip`` for the config's ``[aws]`` settings.

    ``runner`` runs a Python for a foreign architecture (arm64 on an x86_64 machine, e.g. under
    qemu-user); without one such a bundle carries no precompiled artifact and compiles at its first
    cold start. ``provider_tables``: the other providers' tables a project file may hold (left out of the
    bundle). Raises BundleError (also past Lambda's size limits) or ConfigError.
    """
    manifest = read_manifest(artifact, config, NAME, TABLE, provider_tables)
    settings = manifest.settings
    machine = MACHINES[settings["architecture"]]
    staging = stage_in(out)
    staging.add_template(Path(__file__).parent)
    staging.add_packages(Path(__file__).parent)
    artifact_name = stage_manifest(staging, manifest)
    python_version = settings["runtime"].removeprefix("python")
    vendor_wheels(staging, machine, python_version, wheel_cache=wheel_cache, report=report)
    precompiled = precompile(staging, artifact_name, machine, isolated=True, runner=runner, report=report)
    compile_bytecode(staging, python_version, report)
    archive = out / f"{manifest.name}-aws-{settings['architecture']}.zip"
    size = write_zip(staging.root, archive)
    check_size(size, LAMBDA_ZIPPED_LIMIT, LAMBDA_UNZIPPED_LIMIT, "Lambda")
    instructions = (
        f"zip: {archive}",
        describe_size(size, LAMBDA_ZIPPED_LIMIT, LAMBDA_UNZIPPED_LIMIT),
        f"handler: {HANDLER}",
        f"runtime: {settings['runtime']}, architecture: {settings['architecture']}",
        f"precompiled: {precompiled.note}",
        f"deploy: portable-fn deploy aws {archive} --name {manifest.name} --role ROLE_ARN",
    )
    return Bundle(staging.root, archive, size, precompiled, instructions)
