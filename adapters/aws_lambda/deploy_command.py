"""``portable-fn deploy aws``: the click command the AWS provider adds to the ``deploy`` group."""

from __future__ import annotations

from pathlib import Path

import click

from adapters.aws_lambda.deploy import deploy, deployment_from_config, lambda_client
from portable_fn.cli.registry import REGISTRY
from portable_fn.cli.root import config_option, needs_extra, reported_errors
from portable_fn.config import read_config


@click.command("aws")
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
    with reported_errors():
        data = read_config(config, REGISTRY.config_tables()) if config else {}
        deployment = deployment_from_config(archive, data, name=name, role=role, function_url=function_url)
        with needs_extra("aws", "deploy aws"):
            client = lambda_client(region or deployment.region, endpoint_url)
        result = deploy(client, deployment)
    click.echo(f"{'created' if result.created else 'updated'} {result.arn}")
    if result.url:
        click.echo(f"url: {result.url}")
