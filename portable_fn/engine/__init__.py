"""The only package that imports wasmtime: compile an artifact once, run it in fresh stores.

Everything wasmtime-specific stays inside and its errors are translated at this boundary
into portable_fn's own (see ``portable_fn.errors``). wasmtime is pinned to the version the
few ``_ffi`` calls used here were tested with.

- ``runtime``: the shared engines (one per process per setting) and their epoch tickers
- ``artifacts``: compile or deserialize a module or component into a Program
- ``programs``: run one invocation in a fresh store, with the limits enforced
- ``preview1``: the WASI calls replaced for core modules (sleeps, stdout/stderr writes)
- ``network``: the network grant for components (``wasi:http``, ``wasi:sockets``, time left)
- ``streams``, ``runs``, ``failures``: capped output, per-thread run state, typed failures

What cannot be stopped: a component other than a Python one built by ``portable-fn build``
that blocks in one WASI wait (``wasi:io/poll``, a monotonic-clock sleep) runs past its
deadline until that wait ends; the deadline fires as soon as its wasm code runs again.
"""

from portable_fn.engine.artifacts import ArtifactInfo, compile_artifact, describe, detect_kind
from portable_fn.engine.programs import Invocation, Program
from portable_fn.engine.runtime import Engine

__all__ = [
    "ArtifactInfo",
    "Engine",
    "Invocation",
    "Program",
    "compile_artifact",
    "describe",
    "detect_kind",
]
