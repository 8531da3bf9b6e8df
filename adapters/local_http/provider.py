"""The container provider object (the local server in an image), registered under the
``portable_fn.providers`` entry points. Imported by the ``portable-fn`` command only.

Plain HTTP needs no emulation, and a container has no native events.
"""

from __future__ import annotations

from adapters.local_http.settings import NAME, TABLE
from portable_fn.providers import Bundler, Plugin, without_options


def _bundler() -> Bundler:
    from adapters.local_http.bundle import build_bundle

    return without_options(build_bundle)


provider = Plugin(
    name=NAME,
    package_help="Container build context (Dockerfile running the local server).",
    load_bundler=_bundler,
    config_table=TABLE,
)
