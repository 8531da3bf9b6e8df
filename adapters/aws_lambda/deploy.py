"""Create or update a Lambda function from a bundle zip with boto3, optionally with a Function URL.

Runs on the user's machine (``portable-fn deploy aws``); boto3 is imported only here.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from adapters.aws_lambda.bundle import HANDLER
from adapters.aws_lambda.settings import NAME, TABLE
from portable_fn import PortableFnError, provider_settings
from portable_fn.values import field, frozen


class DeployError(PortableFnError):
    """Raised when AWS refuses a deployment step, no credentials are found, the archive is not a zip,
    or a required setting such as the role is missing."""


NO_CREDENTIALS = (
    "no AWS credentials found, so nothing was sent: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
    "or AWS_PROFILE, or run `aws configure`"
)
# Since October 2025 a public (AuthType NONE) Function URL needs both statements.
PUBLIC_URL_PERMISSIONS: tuple[dict[str, Any], ...] = (
    {"StatementId": "portable-fn-public-url", "Action": "lambda:InvokeFunctionUrl", "FunctionUrlAuthType": "NONE"},
    {"StatementId": "portable-fn-public-url-invoke", "Action": "lambda:InvokeFunction", "InvokedViaFunctionUrl": True},
)


class LambdaClient(Protocol):
    """The boto3 Lambda client calls used here."""

    def get_function(self, **kwargs: Any) -> dict[str, Any]: ...
    def create_function(self, **kwargs: Any) -> dict[str, Any]: ...
    def update_function_code(self, **kwargs: Any) -> dict[str, Any]: ...
    def update_function_configuration(self, **kwargs: Any) -> dict[str, Any]: ...
    def get_function_url_config(self, **kwargs: Any) -> dict[str, Any]: ...
    def create_function_url_config(self, **kwargs: Any) -> dict[str, Any]: ...
    def add_permission(self, **kwargs: Any) -> dict[str, Any]: ...
    def get_policy(self, **kwargs: Any) -> dict[str, Any]: ...
    def get_waiter(self, name: str) -> Any: ...


@frozen
class Deployment:
    """What to deploy: the zip and the function's settings (the ``[aws]`` table)."""

    name: str
    archive: Path
    role: str | None
    runtime: str = "python3.11"
    architecture: str = "x86_64"
    memory_mb: int = 512
    timeout_seconds: int = 30
    environment: Mapping[str, str] = field(default_factory=dict)
    function_url: bool = False
    region: str | None = None


@frozen
class Deployed:
    """The outcome: the function's ARN, whether it was new, and its URL when one was asked for."""

    arn: str
    created: bool
    url: str | None


def deployment_from_config(
    archive: Path,
    config: Mapping[str, Any],
    *,
    name: str | None = None,
    role: str | None = None,
    function_url: bool | None = None,
) -> Deployment:
    """The Deployment a parsed ``portable-fn.toml`` describes; explicit arguments win over its ``[aws]`` table.

    The name defaults to the config's ``name``, then to the archive's (``NAME-aws-ARCH.zip``).
    Raises ConfigError for a bad ``[aws]`` value.
    """
    aws = provider_settings(config, NAME, TABLE)
    return Deployment(
        name=name or config.get("name") or archive.name.split("-aws-")[0],
        archive=archive,
        role=role or aws["role"],
        runtime=aws["runtime"],
        architecture=aws["architecture"],
        memory_mb=aws["memory_mb"],
        timeout_seconds=aws["timeout_seconds"],
        environment=aws["environment"],
        function_url=aws["function_url"] if function_url is None else function_url,
        region=aws["region"],
    )


def lambda_client(region: str | None, endpoint_url: str | None) -> LambdaClient:
    """A boto3 Lambda client; credentials come from boto3's usual chain. Raises DeployError (no region)."""
    import boto3
    from botocore.exceptions import BotoCoreError, NoRegionError

    try:
        client: LambdaClient = boto3.client("lambda", region_name=region, endpoint_url=endpoint_url)
    except NoRegionError as exc:
        raise DeployError("no AWS region: set aws.region in the config, --region or AWS_REGION") from exc
    except BotoCoreError as exc:
        raise DeployError(f"cannot make a Lambda client: {exc}") from exc
    return client


def deploy(client: LambdaClient, deployment: Deployment) -> Deployed:
    """Create the function, or update its code and configuration; then the URL if asked.

    Raises DeployError.
    """
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    code = read_archive(deployment.archive)
    try:
        created = not _exists(client, deployment.name)
        arn = _create(client, deployment, code) if created else _update(client, deployment, code)
        url = _ensure_url(client, deployment.name) if deployment.function_url else None
    except NoCredentialsError as exc:
        raise DeployError(NO_CREDENTIALS) from exc
    except (ClientError, BotoCoreError) as exc:
        raise DeployError(f"AWS refused the deployment of {deployment.name}: {exc}") from exc
    return Deployed(arn, created, url)


def read_archive(archive: Path) -> bytes:
    """The bytes of a deployment zip. Raises DeployError when it cannot be read or is not a zip."""
    try:
        is_zip = zipfile.is_zipfile(archive)
        code = archive.read_bytes()
    except OSError as exc:
        raise DeployError(f"cannot read {archive}: {exc.strerror}") from exc
    if not is_zip:
        raise DeployError(f"{archive} is not a zip file: deploy the zip `portable-fn package aws` wrote")
    return code


def _configuration(deployment: Deployment) -> dict[str, Any]:
    return {
        "FunctionName": deployment.name,
        "Runtime": deployment.runtime,
        "Role": deployment.role,
        "Handler": HANDLER,
        "MemorySize": deployment.memory_mb,
        "Timeout": deployment.timeout_seconds,
        "Environment": {"Variables": dict(deployment.environment)},
    }


def _exists(client: LambdaClient, name: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        client.get_function(FunctionName=name)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return False
        raise
    return True


def _create(client: LambdaClient, deployment: Deployment, code: bytes) -> str:
    if not deployment.role:
        raise DeployError("creating a Lambda function needs an execution role: set aws.role or --role")
    result = client.create_function(
        **_configuration(deployment), Code={"ZipFile": code}, Architectures=[deployment.architecture]
    )
    client.get_waiter("function_active_v2").wait(FunctionName=deployment.name)
    return str(result["FunctionArn"])


def _update(client: LambdaClient, deployment: Deployment, code: bytes) -> str:
    client.update_function_code(FunctionName=deployment.name, ZipFile=code, Architectures=[deployment.architecture])
    # Lambda rejects a configuration change while the code update is still in progress.
    client.get_waiter("function_updated_v2").wait(FunctionName=deployment.name)
    settings = {key: value for key, value in _configuration(deployment).items() if value is not None}
    result = client.update_function_configuration(**settings)
    client.get_waiter("function_updated_v2").wait(FunctionName=deployment.name)
    return str(result["FunctionArn"])


def _ensure_url(client: LambdaClient, name: str) -> str:
    from botocore.exceptions import ClientError

    try:
        url = str(client.get_function_url_config(FunctionName=name)["FunctionUrl"])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise
        url = str(client.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"])
    _allow_public_url(client, name)
    return url


def _allow_public_url(client: LambdaClient, name: str) -> None:
    """Add whichever public-URL statement the function's policy lacks (an earlier deploy may hold one)."""
    present = _statement_ids(client, name)
    for permission in PUBLIC_URL_PERMISSIONS:
        if permission["StatementId"] not in present:
            client.add_permission(FunctionName=name, Principal="*", **permission)


def _statement_ids(client: LambdaClient, name: str) -> set[str]:
    from botocore.exceptions import ClientError

    try:
        policy = json.loads(client.get_policy(FunctionName=name)["Policy"])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return set()
        raise
    return {str(statement.get("Sid")) for statement in policy.get("Statement", [])}
