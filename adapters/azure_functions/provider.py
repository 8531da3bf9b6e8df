"""The Azure Functions provider object, registered under the ``portable_fn.providers`` entry points.

Imported by the ``portable-fn`` command only; the function app's entry point never loads it.
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
    from adapters.azure_functions.emulate import URL_PREFIX, build_app

    return Emulation(build_app, URL_PREFIX)


def _event_invoker() -> EventInvoker:
    from adapters.azure_functions.invoke import invoke_event

    return invoke_event


class AzureFunctions:
    """``package azure``, ``serve --emulate azure``, ``invoke --provider azure`` and ``[azure]``."""

    name = "azure"
    extra = "azure"
    package_help = "Azure Functions app folder and zip; prints the func and az commands."
    package_options: Sequence[PackageOption] = ()
    config_table: Schema = PROVIDERS["azure"]
    emulations: Mapping[str, Callable[[], Emulation]] = {"azure": _emulation}
    deploy_command: Callable[[], click.Command] | None = None

    @property
    def event_invoker(self) -> Callable[[], EventInvoker]:
        """Event Grid events (queue, blob and timer triggers have no event file)."""
        return _event_invoker

    def build_bundle(
        self, artifact: Path, config: Path | None, out: Path, options: Mapping[str, PackageOptionValue], report: Report
    ) -> Bundle:
        """The function-app folder and zip. Raises BundleError or ConfigError."""
        from adapters.azure_functions.bundle import build_bundle

        return build_bundle(artifact, config, out, report=report)


provider = AzureFunctions()
