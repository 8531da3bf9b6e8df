"""``portable-fn.toml``: what a deployed entry point loads, read once at the edge.

A bundle carries this file next to its artifact; each provider's entry point reads it in
the provider's init phase, checked against the one schema (``portable_fn.schema``) that
``package`` and ``serve --config`` apply too. Each reader passes the provider tables it knows
(``provider_tables``): an entry point its own provider's only, so a table of another provider is
refused there (a bundle never holds one); the CLI every registered provider's. Minimal file::

    name = "hello"
    artifact = "hello.wasm"
    # written by `portable-fn package`: the precompiled artifact, loaded without hashing
    # precompiled = ".portable_fn_cache/<key>.cwasm"

    [limits]
    memory_mb = 256
    timeout_seconds = 30

    [grants]
    env = ["GREETING"]
    dirs = { "/data" = "data" }
    network = false     # true: the guest may call any host (see Grants)
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portable_fn.config_file import load_config_data
from portable_fn.errors import ConfigError
from portable_fn.function import Function, FunctionSpec
from portable_fn.limits import Grants, Limits
from portable_fn.schema import LIMITS, NO_PROVIDERS, ProviderTables, check_table, validate_config
from portable_fn.types import CONFIG_NAME, MIB, Loader

_LIMIT_FIELDS = {
    "memory_mb": "memory_bytes",
    "timeout_seconds": "timeout_seconds",
    "max_body_mb": "max_body_bytes",
    "max_output_mb": "max_output_bytes",
    "max_stderr_mb": "max_stderr_bytes",
}


def read_config(path: Path, provider_tables: ProviderTables = NO_PROVIDERS) -> dict[str, Any]:
    """Read (portable_fn.config_file: a bundle's generated literal, else the TOML) and validate a config
    file against the core schema and ``provider_tables`` (portable_fn.schema).

    Raises ConfigError naming the bad key, or a table of a provider not in ``provider_tables``.
    """
    data = load_config_data(path)
    validate_config(data, provider_tables)
    return data


def spec_from_config(
    path: Path, environ: Mapping[str, str] | None = None, provider_tables: ProviderTables = NO_PROVIDERS
) -> FunctionSpec:
    """Build the FunctionSpec a config file describes; relative paths are relative to it.

    Granted env vars are copied from ``environ`` (the host's by default). Raises ConfigError, also for
    a table of a provider not in ``provider_tables``.
    """
    return spec_from_data(read_config(path, provider_tables), path, environ, provider_tables)


def spec_from_data(
    data: Mapping[str, Any],
    path: Path,
    environ: Mapping[str, str] | None = None,
    provider_tables: ProviderTables = NO_PROVIDERS,
) -> FunctionSpec:
    """Like spec_from_config, for a config already read from ``path`` (an entry point that also
    reads its provider table reads the file once).

    Every path the config names must stay inside the config's folder, symlinks resolved.
    Raises ConfigError.
    """
    validate_config(data, provider_tables)
    base = path.parent
    if "artifact" not in data:
        raise ConfigError(f"{path}: 'artifact' must name the .wasm file")
    grants = data.get("grants", {})
    dirs = {guest: str(inside(base, host, f"grants.dirs.{guest!r}")) for guest, host in grants.get("dirs", {}).items()}
    return FunctionSpec(
        inside(base, data["artifact"], "artifact"),
        limits_from_table(data.get("limits", {})),
        Grants.from_host(
            grants.get("env", []),
            dirs,
            authorization=grants.get("authorization", False),
            network=grants.get("network", False),
            environ=environ,
        ),
        _optional_inside(base, data, "cache_dir"),
        _optional_inside(base, data, "precompiled"),
    )


def limits_from_table(values: Mapping[str, Any]) -> Limits:
    """Limits from a ``[limits]`` table (``memory_mb`` ... in MB and seconds); the CLI's options map through
    here too. Missing keys keep Limits' defaults. Raises ConfigError naming the bad key."""
    check_table("limits", LIMITS, values)
    fields: dict[str, Any] = {
        _LIMIT_FIELDS[key]: int(value * MIB) if key.endswith("_mb") else float(value) for key, value in values.items()
    }
    return Limits(**fields)


def inside(base: Path, relative: str, key: str) -> Path:
    """``base / relative``, refused when it resolves outside ``base`` (a symlink leading out).

    Raises ConfigError naming ``key``.
    """
    path = base / relative
    if not path.resolve().is_relative_to(base.resolve()):
        raise ConfigError(f"{key} = {relative!r} resolves to {path.resolve()}, outside {base}")
    return path


def _optional_inside(base: Path, data: Mapping[str, Any], key: str) -> Path | None:
    return inside(base, data[key], key) if key in data else None


def locate_config(default_dir: Path, environ: Mapping[str, str]) -> Path:
    """The config an entry point loads: ``$PORTABLE_FN_CONFIG``, else ``portable-fn.toml`` in ``default_dir``."""
    return Path(environ.get("PORTABLE_FN_CONFIG") or default_dir / CONFIG_NAME)


def lazy_function(config: Path, environ: Mapping[str, str], provider_tables: ProviderTables = NO_PROVIDERS) -> Loader:
    """A loader for an entry point: loads the Function ``config`` describes (its provider's own table in
    ``provider_tables``) on first call, then returns the same one. Concurrent first calls wait for one
    load instead of each making a Function. Raises PortableFnError (each call, until loading succeeds)."""
    lock = threading.Lock()
    loaded: list[Function] = []

    def load() -> Function:
        if not loaded:
            with lock:
                if not loaded:
                    loaded.append(spec_from_config(config, environ, provider_tables).load())
        return loaded[0]

    return load
