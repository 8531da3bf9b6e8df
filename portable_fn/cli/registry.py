"""The providers the ``portable-fn`` command offers, discovered from the ``portable_fn.providers`` entry points.

Read once when the command starts, never by a provider's entry point. A provider that fails to load
is left out with one warning line, so a broken third-party plugin never takes the command down.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NoReturn

import click

from portable_fn.providers import ENTRY_POINT_GROUP, Emulation, EventInvoker, Provider
from portable_fn.schema import CORE_KEYS, CORE_TABLES, Schema
from portable_fn.values import frozen

# Said when no provider is registered: the installed metadata predates the entry points.
REINSTALL = (
    f"no providers are registered under the {ENTRY_POINT_GROUP!r} entry points: "
    "reinstall portable-fn (pip install -e . in a source checkout)"
)


@frozen
class Registry:
    """The providers, sorted by name so that help and choices read the same whatever the install order."""

    providers: Mapping[str, Provider]

    @classmethod
    def discover(cls) -> Registry:
        """Load every provider registered in the installed distributions' metadata (first on sys.path wins)."""
        found: dict[str, Provider] = {}
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            provider = _load(entry_point)
            if provider is None:
                continue
            if provider.name in found:
                _warn(f"provider {provider.name!r} from {entry_point.value} is registered twice; the first one wins")
                continue
            found[provider.name] = provider
        return cls(MappingProxyType(dict(sorted(found.items()))))

    def emulations(self) -> dict[str, tuple[Provider, Callable[[], Emulation]]]:
        """Every ``serve --emulate`` mode with its provider."""
        return {mode: (p, load) for p in self.providers.values() for mode, load in p.emulations.items()}

    def event_invokers(self) -> dict[str, tuple[Provider, Callable[[], EventInvoker]]]:
        """Every provider ``invoke --event`` can run, by name."""
        return {name: (p, p.event_invoker) for name, p in self.providers.items() if p.event_invoker is not None}

    def config_tables(self) -> dict[str, Schema]:
        """Each provider's config table by name."""
        return {name: provider.config_table for name, provider in self.providers.items()}


class ProviderChoice(click.Choice[str]):
    """A choice among what the registered providers offer; with none registered, the error says to reinstall."""

    def fail(self, message: str, param: click.Parameter | None = None, ctx: click.Context | None = None) -> NoReturn:
        hint = "" if REGISTRY.providers else f" ({REINSTALL})"
        super().fail(message + hint, param, ctx)


def _load(entry_point: importlib.metadata.EntryPoint) -> Provider | None:
    """The provider object ``entry_point`` names, or None (with a warning) when it cannot be used."""
    try:
        loaded = entry_point.load()
    except Exception as exc:  # a third party's import error must not stop the command
        _warn(f"provider entry point {entry_point.name} = {entry_point.value} failed to load: {exc!r}")
        return None
    if not isinstance(loaded, Provider):
        _warn(f"provider entry point {entry_point.name} = {entry_point.value} is not a portable_fn Provider")
        return None
    if loaded.name in CORE_KEYS or loaded.name in CORE_TABLES:
        # Its [NAME] table would be the core's, checked by the core schema instead of its own.
        _warn(f"provider entry point {entry_point.name} = {entry_point.value} takes the core key {loaded.name!r}")
        return None
    return loaded


def _warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


REGISTRY = Registry.discover()
