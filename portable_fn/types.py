"""The project's shared vocabulary: one name, one home, for what several modules speak of.

Only names and type aliases live here (no behaviour), so any module, the engine and every
adapter can import it without pulling anything else in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from portable_fn.function import Function, FunctionSpec

# The config file a bundle carries and ``portable-fn`` looks for by default.
CONFIG_NAME = "portable-fn.toml"
# One mebibyte: every ``*_mb`` setting and every size the tools print is in these units.
MIB = 1024 * 1024

# What a guest artifact is: a WASI preview 1 core module, or a WASI 0.2 component.
ArtifactKind = Literal["module", "component"]

# PEP 3333: the environ a WSGI server hands an app, its start_response, and the app itself.
WSGIEnviron = dict[str, Any]
StartResponse = Callable[..., object]
WSGIApp = Callable[[WSGIEnviron, StartResponse], Iterable[bytes]]

# Returns the process's one Function, loading it on the first call (``portable_fn.lazy_function``).
Loader = Callable[[], "Function"]
# Builds the WSGI app a server worker runs, after forking, from the spec of its Function.
AppFactory = Callable[["FunctionSpec"], WSGIApp]
# Receives one human-readable progress line (build and packaging steps).
Report = Callable[[str], None]
