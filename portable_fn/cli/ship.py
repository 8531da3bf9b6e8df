"""Commands that ship a guest to a provider: package (one subcommand per provider) and deploy."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import click

from portable_fn.cli.root import F, config_option, main, needs_extra, reported_errors


def _package_options(command: F) -> F:
    """ARTIFACT, --config and --out, shared by every ``package`` subcommand."""
    command = click.option(
        "-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True
    )(command)
    command = config_option("portable-fn.toml [default: none, defaults apply].")(command)
    return click.argument("artifact", type=click.Path(exists=True, dir_okay=False, path_type=Path))(command)


def _run_bundler(provider: str, artifact: Path, config: Path | None, out: Path, **options: Any) -> None:
    """Build one provider's bundle with progress lines on stderr; print what to run next."""
    module = importlib.import_module(f"adapters.{provider}.bundle")
    click.echo(f"packaging {artifact.name} for {click.get_current_context().info_name} into {out} ...", err=True)
    with reported_errors():
        bundle = module.build_bundle(artifact, config, out, report=lambda line: click.echo(line, err=True), **options)
    click.echo(f"wrote {bundle.directory}" + (f" and {bundle.archive}" if bundle.archive else ""), err=True)
    for line in bundle.instructions:
        click.echo(line)


@main.group()
def package() -> None:
    """Bundle one .wasm for a provider, precompiled for its machine."""


@package.command("aws")
@_package_options
@click.option(
    "--cross-python",
    envvar="PORTABLE_FN_CROSS_PYTHON",
    default=None,
    help="Command running a Python of the target machine, to precompile arm64 on x86_64 "
    "(e.g. 'qemu-aarch64 -L /opt/arm64-python /opt/arm64-python/usr/bin/python3.11').",
)
@click.option(
    "--wheel-cache",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PORTABLE_FN_WHEEL_CACHE",
    default=None,
    help="Keep downloaded Linux wheels here.",
)
def package_aws(
    artifact: Path, config: Path | None, out: Path, cross_python: str | None, wheel_cache: Path | None
) -> None:
    """AWS Lambda zip with vendored manylinux wheels; prints the handler string."""
    runner = cross_python.split() if cross_python else None
    _run_bundler("aws_lambda", artifact, config, out, runner=runner, wheel_cache=wheel_cache)


@package.command("azure")
@_package_options
def package_azure(artifact: Path, config: Path | None, out: Path) -> None:
    """Azure Functions app folder and zip; prints the func and az commands."""
    _run_bundler("azure_functions", artifact, config, out)


@package.command("gcp")
@_package_options
def package_gcp(artifact: Path, config: Path | None, out: Path) -> None:
    """Google Cloud Functions source folder and zip; prints the gcloud command."""
    _run_bundler("gcp_functions", artifact, config, out)


@package.command("container")
@_package_options
def package_container(artifact: Path, config: Path | None, out: Path) -> None:
    """Container build context (Dockerfile running the local server)."""
    _run_bundler("local_http", artifact, config, out)


@main.group()
def deploy() -> None:
    """Deploy a bundle built by ``package``."""


@deploy.command("aws")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", envvar="PORTABLE_FN_NAME", default=None, help="Function name [default: config name].")
@config_option("portable-fn.toml whose [aws] table and name apply.")
@click.option("--role", envvar="PORTABLE_FN_AWS_ROLE", default=None, help="Execution role ARN [default: aws.role].")
@click.option("--region", envvar="AWS_REGION", default=None)
@click.option("--endpoint-url", envvar="PORTABLE_FN_AWS_ENDPOINT_URL", default=None, help="Another Lambda API.")
@click.option("--function-url/--no-function-url", default=None, help="Create a public Function URL.")
def deploy_aws(
    archive: Path,
    name: str | None,
    config: Path | None,
    role: str | None,
    region: str | None,
    endpoint_url: str | None,
    function_url: bool | None,
) -> None:
    """Create or update the Lambda function from ARCHIVE (a zip from ``package aws``)."""
    from adapters.aws_lambda.deploy import deploy, deployment_from_config, lambda_client
    from portable_fn.config import read_config

    with reported_errors():
        data = read_config(config) if config else {}
        deployment = deployment_from_config(archive, data, name=name, role=role, function_url=function_url)
        with needs_extra("aws", "deploy aws"):
            client = lambda_client(region or deployment.region, endpoint_url)
        result = deploy(client, deployment)
    click.echo(f"{'created' if result.created else 'updated'} {result.arn}")
    if result.url:
        click.echo(f"url: {result.url}")
