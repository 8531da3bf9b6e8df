"""The Google Cloud Functions provider object, registered under the ``portable_fn.providers`` entry points.

Imported by the ``portable-fn`` command only; the deployed ``main.py`` never loads it.
"""

from __future__ import annotations

from adapters.gcp_functions.settings import NAME, TABLE
from portable_fn.providers import Bundler, Emulation, EventInvoker, Plugin, without_options


def _bundler() -> Bundler:
    from adapters.gcp_functions.bundle import build_bundle

    return without_options(build_bundle)


def _emulation() -> Emulation:
    from adapters.gcp_functions.emulate import build_app

    return Emulation(build_app)


def _event_invoker() -> EventInvoker:
    from adapters.gcp_functions.invoke import invoke_event

    return invoke_event


provider = Plugin(
    name=NAME,
    extra="gcp",
    package_help="Google Cloud Functions source folder and zip; prints the gcloud command.",
    load_bundler=_bundler,
    config_table=TABLE,
    emulations={"gcp": _emulation},
    event_invoker=_event_invoker,
)
