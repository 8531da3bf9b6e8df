"""The Google Cloud Functions provider object, registered under the ``portable_fn.providers`` entry points.

Imported by the ``portable-fn`` command only; the deployed ``main.py`` never loads it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from portable_fn.providers import Emulation, EventInvoker, PackageOption, PackageOptionValue
from portable_fn.schema import PROVIDERS, Schema

if TYPE_CHECKING:
    import click

    from portable_fn.packaging import Bundle, Report


def _emulation() -> Emulation:
    from adapters.gcp_functions.emulate import build_app

    return Emulation(build_app)


def _event_invoker() -> EventInvoker:
    from adapters.gcp_functions.invoke import invoke_event

    return invoke_event


class GcpFunctions:
    """``package gcp``, ``serve --emulate gcp``, ``invoke --provider gcp`` and ``[gcp]``."""

    name = "gcp"
    extra = "gcp"
    package_help = "Google Cloud Functions source folder and zip; prints the gcloud command."
    package_options: Sequence[PackageOption] = ()
    config_table: Schema = PROVIDERS["gcp"]
    emulations: Mapping[str, Callable[[], Emulation]] = {"gcp": _emulation}
    deploy_command: Callable[[], click.Command] | None = None

    @property
    def event_invoker(self) -> Callable[[], EventInvoker]:
        """CloudEvents (structured) and legacy background events."""
        return _event_invoker

    def build_bundle(
        self, artifact: Path, config: Path | None, out: Path, options: Mapping[str, PackageOptionValue], report: Report
    ) -> Bundle:
        """The source folder and zip. Raises BundleError or ConfigError."""
        from adapters.gcp_functions.bundle import build_bundle

        return build_bundle(artifact, config, out, report=report)


provider = GcpFunctions()
