"""The container provider object (the local server in an image), registered under the
``portable_fn.providers`` entry points. Imported by the ``portable-fn`` command only."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from portable_fn.providers import Emulation, EventInvoker, PackageOption, PackageOptionValue
from portable_fn.schema import PROVIDERS, Schema

if TYPE_CHECKING:
    import click

    from portable_fn.packaging import Bundle, Report


class Container:
    """``package container`` and ``[container]``: plain HTTP needs no emulation and has no native events."""

    name = "container"
    extra = None
    package_help = "Container build context (Dockerfile running the local server)."
    package_options: Sequence[PackageOption] = ()
    config_table: Schema = PROVIDERS["container"]
    emulations: Mapping[str, Callable[[], Emulation]] = {}
    event_invoker: Callable[[], EventInvoker] | None = None
    deploy_command: Callable[[], click.Command] | None = None

    def build_bundle(
        self, artifact: Path, config: Path | None, out: Path, options: Mapping[str, PackageOptionValue], report: Report
    ) -> Bundle:
        """The image's build context. Raises BundleError or ConfigError."""
        from adapters.local_http.bundle import build_bundle

        return build_bundle(artifact, config, out, report=report)


provider = Container()
