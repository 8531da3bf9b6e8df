"""The container provider object (the local server in an image), registered under the
``portable_fn.providers`` entry points. Imported by the ``portable-fn`` command only.

Plain HTTP needs no emulation, and a container has no native events.
"""

from __future__ import annotations

from portable_fn.providers import Bundler, Plugin
from portable_fn.schema import PROVIDERS


def _bundler() -> Bundler:
    from adapters.local_http.bundle import build_bundle

    return lambda artifact, config, out, _options, report: build_bundle(artifact, config, out, report=report)


provider = Plugin(
    name="container",
    package_help="Container build context (Dockerfile running the local server).",
    load_bundler=_bundler,
    config_table=PROVIDERS["container"],
)
