"""The Azure Functions provider object, registered under the ``portable_fn.providers`` entry points.

Imported by the ``portable-fn`` command only; the function app's entry point never loads it.
"""

from __future__ import annotations

from adapters.azure_functions.settings import NAME, TABLE
from portable_fn.providers import Bundler, Emulation, EventInvoker, Plugin, without_options


def _bundler() -> Bundler:
    from adapters.azure_functions.bundle import build_bundle

    return without_options(build_bundle)


def _emulation() -> Emulation:
    from adapters.azure_functions.emulate import URL_PREFIX, build_app

    return Emulation(build_app, URL_PREFIX)


def _event_invoker() -> EventInvoker:
    from adapters.azure_functions.invoke import invoke_event

    return invoke_event


provider = Plugin(
    name=NAME,
    extra="azure",
    package_help="Azure Functions app folder and zip; prints the func and az commands.",
    load_bundler=_bundler,
    config_table=TABLE,
    emulations={"azure": _emulation},
    event_invoker=_event_invoker,
)
