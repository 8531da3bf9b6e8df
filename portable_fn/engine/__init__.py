"""The only package that imports wasmtime: compile an artifact once, run it in fresh stores.

Everything wasmtime-specific stays inside and its errors are translated at this boundary
into portable_fn's own (see ``portable_fn.errors``). wasmtime is pinned to the version the
few ``_ffi`` calls used here were tested with.
"""

from portable_fn.engine.artifacts import ArtifactInfo, compile_artifact, describe, detect_kind
from portable_fn.engine.programs import ArtifactKind, Invocation, Program
from portable_fn.engine.runtime import Engine

__all__ = [
    "ArtifactInfo",
    "ArtifactKind",
    "Engine",
    "Invocation",
    "Program",
    "compile_artifact",
    "describe",
    "detect_kind",
]
