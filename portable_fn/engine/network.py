"""The network grant for components: link ``wasi:http`` or stand traps in for it, announce the budget.

With the grant, a component gets ``wasi:http`` (any outbound HTTP, loopback included: wasmtime's
``wasi:http`` ignores the WASI socket permissions and has no per-host setting) and name lookups
(``wasi:sockets/ip-name-lookup``). TCP and UDP sockets stay closed either way: with
wasmtime-py 50.0.1, ``wasi_config_inherit_network`` still leaves socket creation
``access-denied`` (measured), so it is not used. Without the grant, ``wasi:http`` imports are
traps, recognised here by the import they name, and name lookups fail inside the guest.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import wasmtime
from wasmtime import _ffi as ffi

from portable_fn.errors import NetworkNotGranted

if TYPE_CHECKING:
    import wasmtime.component

    from portable_fn.engine.programs import Invocation

HTTP_PACKAGE = "wasi:http/"
# The run's time left when it starts, in ms (named after Lambda's get_remaining_time_in_millis()).
REMAINING_TIME_VARIABLE = b"X_REMAINING_TIME_IN_MILLIS"
# How wasmtime reports a call to an import that define_unknown_imports_as_traps stood in for.
_UNKNOWN_HTTP_IMPORT = re.compile(r"unknown import: `(wasi:http/[^`]+)` has not been defined")


def link_network(
    linker: wasmtime.component.Linker, component: wasmtime.component.Component, engine: wasmtime.Engine, granted: bool
) -> None:
    """Add ``wasi:http`` to a linker that has WASI 0.2 when ``granted``; else, if the component
    imports it, define those imports as traps so it still instantiates.

    A linker with ``wasi:http`` needs ``open_network`` on every store it instantiates into.
    """
    if granted:
        linker.add_wasi_http()
    elif any(name.startswith(HTTP_PACKAGE) for name in component.type.imports(engine)):
        linker.define_unknown_imports_as_traps(component)


def open_network(store: wasmtime.Store) -> None:
    """Give a store whose WASI context is set the HTTP context ``wasi:http`` needs.

    A guest's first ``wasi:http`` call without it aborts the whole process (a Rust panic).
    """
    store.set_wasi_http()


def with_remaining_time(invocation: Invocation, deadline: float) -> Invocation:
    """``invocation`` plus ``X_REMAINING_TIME_IN_MILLIS``: whole ms left until ``deadline`` (monotonic)."""
    remaining_ms = max(0, int((deadline - time.monotonic()) * 1000))
    env = {**invocation.env, REMAINING_TIME_VARIABLE: str(remaining_ms).encode()}
    return type(invocation)(invocation.argv, env, invocation.stdin, invocation.dirs)


def allow_name_lookups(config: wasmtime.WasiConfig) -> None:
    """Let ``wasi:sockets/ip-name-lookup`` resolve names with the host's resolver."""
    ffi.wasi_config_allow_ip_name_lookup(config.ptr(), True)


def network_not_granted(exc: BaseException) -> NetworkNotGranted | None:
    """The error for a run stopped by a ``wasi:http`` call without the network grant, else None."""
    called = _UNKNOWN_HTTP_IMPORT.search(str(exc))
    if called is None:
        return None
    return NetworkNotGranted(
        f"guest called {called[1]}, but the network is not granted: "
        "run with --allow-network or set [grants] network = true"
    )
