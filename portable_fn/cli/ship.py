"""Commands that ship a guest to a provider: package and deploy, one subcommand per registered provider."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from portable_fn.cli.registry import REGISTRY, REINSTALL
from portable_fn.cli.root import F, config_option, main, reported_errors
from portable_fn.providers import PackageJob, PackageOption, Provider


def _package_options(command: F) -> F:
    """ARTIFACT, --config and --out, shared by every ``package`` subcommand."""
    command = click.option(
        "-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True
    )(command)
    command = config_option("portable-fn.toml [default: none, defaults apply].")(command)
    return click.argument("artifact", type=click.Path(exists=True, dir_okay=False, path_type=Path))(command)


def _to_click(option: PackageOption) -> click.Option:
    """The click option for one provider-specific ``package`` option."""
    kind = click.Path(file_okay=False, path_type=Path) if option.kind == "directory" else click.STRING
    flag = "--" + option.name.replace("_", "-")
    return click.Option([flag, option.name], type=kind, envvar=option.envvar, default=None, help=option.help)


def package_command(provider: Provider) -> click.Command:
    """``package NAME``: build ``provider``'s bundle with progress lines on stderr; print what to run next."""

    def run(artifact: Path, config: Path | None, out: Path, **options: Any) -> None:
        click.echo(f"packaging {artifact.name} for {provider.name} into {out} ...", err=True)
        with reported_errors():
            tables = REGISTRY.config_tables()  # a project file may hold every registered provider's table
            job = PackageJob(artifact, config, out, options, tables, lambda line: click.echo(line, err=True))
            bundle = provider.build_bundle(job)
        click.echo(f"wrote {bundle.directory}" + (f" and {bundle.archive}" if bundle.archive else ""), err=True)
        for line in bundle.instructions:
            click.echo(line)

    command = click.command(provider.name, help=provider.package_help)(_package_options(run))
    command.params.extend(_to_click(option) for option in provider.package_options)
    return command


class ProviderGroup(click.Group):
    """A group whose subcommands come from the registry, each built only when named or listed (a provider's
    ``deploy`` imports its cloud's client); with none registered, one line says to reinstall."""

    def __init__(self, name: str, loaders: dict[str, Callable[[], click.Command]], help_text: str) -> None:
        super().__init__(name, help=help_text)
        self.loaders = loaders

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.loaders)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        load = self.loaders.get(cmd_name)
        return load() if load else None

    def invoke(self, ctx: click.Context) -> Any:
        if not self.loaders:
            raise click.ClickException(REINSTALL)
        return super().invoke(ctx)


package = ProviderGroup(
    "package",
    {name: functools.partial(package_command, provider) for name, provider in REGISTRY.providers.items()},
    "Bundle one .wasm for a provider, precompiled for its machine.",
)
deploy = ProviderGroup(
    "deploy",
    {name: provider.deploy_command for name, provider in REGISTRY.providers.items() if provider.deploy_command},
    "Deploy a bundle built by ``package``.",
)
main.add_command(package)
main.add_command(deploy)
