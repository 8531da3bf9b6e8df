"""The AWS Lambda provider object, registered under the ``portable_fn.providers`` entry points.

Imported by the ``portable-fn`` command only; Lambda's own entry point never loads it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.aws_lambda.settings import NAME, TABLE
from portable_fn.providers import Bundler, Emulation, EventInvoker, PackageJob, PackageOption, Plugin

if TYPE_CHECKING:
    import click

    from portable_fn.packaging import Bundle

# The Lambda event shapes ``serve --emulate`` offers.
SHAPES = ("aws-rest", "aws-http", "aws-url", "aws-alb")


def _bundler() -> Bundler:
    from adapters.aws_lambda.bundle import build_bundle

    def build(job: PackageJob) -> Bundle:
        cross_python, wheel_cache = job.options.get("cross_python"), job.options.get("wheel_cache")
        runner = str(cross_python).split() if cross_python else None
        cache = Path(wheel_cache) if wheel_cache else None
        tables, report = job.provider_tables, job.report
        return build_bundle(
            job.artifact, job.config, job.out, provider_tables=tables, runner=runner, wheel_cache=cache, report=report
        )

    return build


def _emulation(shape: str) -> Emulation:
    from adapters.aws_lambda.emulate import build_app

    return Emulation(functools.partial(build_app, shape=shape))


def _event_invoker() -> EventInvoker:
    from adapters.aws_lambda.invoke import invoke_event

    return invoke_event


def _deploy_command() -> click.Command:
    from adapters.aws_lambda.deploy_command import deploy_aws

    return deploy_aws


provider = Plugin(
    name=NAME,
    extra="aws",
    package_help="AWS Lambda zip with vendored manylinux wheels; prints the handler string.",
    load_bundler=_bundler,
    package_options=(
        PackageOption(
            "cross_python",
            "Command running a Python of the target machine, to precompile arm64 on x86_64 "
            "(e.g. 'qemu-aarch64 -L /opt/arm64-python /opt/arm64-python/usr/bin/python3.11').",
            envvar="PORTABLE_FN_CROSS_PYTHON",
        ),
        PackageOption(
            "wheel_cache", "Keep downloaded Linux wheels here.", envvar="PORTABLE_FN_WHEEL_CACHE", kind="directory"
        ),
    ),
    config_table=TABLE,
    emulations={shape: functools.partial(_emulation, shape) for shape in SHAPES},
    event_invoker=_event_invoker,
    deploy_command=_deploy_command,
)
