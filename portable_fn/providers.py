"""The provider seam: what one adapter package offers the ``portable-fn`` command, as a plugin.

A provider package exposes one object satisfying :class:`Provider` and registers it under the
``portable_fn.providers`` entry-point group of its distribution (pyproject.toml)::

    [project.entry-points."portable_fn.providers"]
    aws = "adapters.aws_lambda.provider:provider"

Only the CLI discovers providers (``portable_fn.cli.registry``); no provider entry point running
inside a cloud imports this module or the registry. A provider object stays cheap to import: it
loads its bundler, its emulators and the provider's own library inside its methods, so the CLI can
list every provider without paying for any of them. :class:`Plugin` builds such an object from plain
values and loaders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from portable_fn.function import Function, FunctionSpec
from portable_fn.values import field, frozen

if TYPE_CHECKING:
    import click

    from portable_fn.packaging import Bundle, Report
    from portable_fn.schema import ProviderTables, Schema

ENTRY_POINT_GROUP = "portable_fn.providers"

WSGIApp = Callable[..., Any]
# Builds the WSGI app each server worker runs, after the fork.
AppFactory = Callable[[FunctionSpec], WSGIApp]
# ``invoke --event``: the provider's answer for one native event, printed as JSON.
EventInvoker = Callable[[Function, object], object]
PackageOptionValue = str | Path | None


@frozen
class Emulation:
    """How ``serve --emulate MODE`` runs: the app each worker builds, and the path prefix the provider
    serves under (``""`` when every path reaches the function)."""

    factory: AppFactory
    url_prefix: str = ""


@frozen
class PackageOption:
    """One option of a provider's ``package`` subcommand: ``--NAME`` (``_`` written ``-``), also read
    from ``envvar``; ``build_bundle`` receives it under ``name``."""

    name: str
    help: str
    envvar: str | None = None
    kind: Literal["text", "directory"] = "text"


@frozen
class PackageJob:
    """What ``package NAME`` hands the provider's bundler: the artifact, the project's config (or None: defaults),
    the output folder, the values of its own ``package_options`` (by name), every registered provider's config
    table (a project file may hold them all: ``portable_fn.packaging.read_manifest`` checks them and keeps only
    the provider's own), and where progress lines go."""

    artifact: Path
    config: Path | None
    out: Path
    options: Mapping[str, PackageOptionValue]
    provider_tables: ProviderTables
    report: Report


@runtime_checkable
class Provider(Protocol):
    """One provider: its name, bundling, HTTP emulation, native-event invocation and config table."""

    @property
    def name(self) -> str:
        """``package NAME``, ``invoke --provider NAME`` and the config's ``[NAME]`` table."""
        ...

    @property
    def extra(self) -> str | None:
        """The optional dependency its library needs (``pip install 'portable-fn[EXTRA]'``), if any."""
        ...

    @property
    def package_help(self) -> str:
        """The one-line help of its ``package`` subcommand."""
        ...

    @property
    def package_options(self) -> Sequence[PackageOption]:
        """Options of its ``package`` subcommand besides ARTIFACT, --config and --out."""
        ...

    @property
    def config_table(self) -> Schema:
        """The keys of its ``[NAME]`` config table, each with a checker and a default (``portable_fn.schema``).

        ``package`` and ``serve`` check a project file's ``[NAME]`` table with it; its entry point, which
        never discovers providers, passes it to ``portable_fn.read_config`` itself."""
        ...

    @property
    def emulations(self) -> Mapping[str, Callable[[], Emulation]]:
        """``serve --emulate`` modes, each with a loader that imports the emulator (ImportError when the
        provider's library is missing)."""
        ...

    @property
    def event_invoker(self) -> Callable[[], EventInvoker] | None:
        """A loader for ``invoke --event``'s runner, or None when the provider has no native event files."""
        ...

    @property
    def deploy_command(self) -> Callable[[], click.Command] | None:
        """A loader for its ``deploy`` subcommand, or None when ``deploy`` does not support it."""
        ...

    def build_bundle(self, job: PackageJob) -> Bundle:
        """Write the provider's bundle under ``job.out``. Raises BundleError or ConfigError."""
        ...


Bundler = Callable[[PackageJob], "Bundle"]


class OptionlessBundler(Protocol):
    """A bundler whose ``package`` subcommand has no options of its own (the shape of ours)."""

    def __call__(
        self, artifact: Path, config: Path | None, out: Path, *, provider_tables: ProviderTables, report: Report
    ) -> Bundle: ...


def without_options(build: OptionlessBundler) -> Bundler:
    """``build`` as a Bundler, which has no options to read."""
    return lambda job: build(job.artifact, job.config, job.out, provider_tables=job.provider_tables, report=job.report)


@frozen
class Plugin:
    """A Provider made of plain values and loaders, which is all a provider package usually needs.

    ``load_bundler`` imports the bundler only when ``package`` runs.
    """

    name: str
    package_help: str
    load_bundler: Callable[[], Bundler]
    extra: str | None = None
    package_options: Sequence[PackageOption] = ()
    config_table: Schema = field(default_factory=dict)
    emulations: Mapping[str, Callable[[], Emulation]] = field(default_factory=dict)
    event_invoker: Callable[[], EventInvoker] | None = None
    deploy_command: Callable[[], click.Command] | None = None

    def build_bundle(self, job: PackageJob) -> Bundle:
        """Write the provider's bundle under ``job.out``. Raises BundleError or ConfigError."""
        return self.load_bundler()(job)
