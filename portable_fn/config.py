"""``portable-fn.toml``: what a deployed entry point loads, read once at the edge.

A bundle carries this file next to its artifact; each provider's entry point reads it in
the provider's init phase. Minimal file::

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
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from portable_fn.errors import ConfigError
from portable_fn.function import Function, FunctionSpec
from portable_fn.limits import MIB, Grants, Limits
from portable_fn.provider_config import check_provider_tables

CONFIG_NAME = "portable-fn.toml"
_TOP_KEYS = {"name", "artifact", "cache_dir", "precompiled", "limits", "grants", "aws", "azure", "gcp", "container"}
_LIMIT_KEYS = {
    "memory_mb": "memory_bytes",
    "timeout_seconds": "timeout_seconds",
    "max_body_mb": "max_body_bytes",
    "max_output_mb": "max_output_bytes",
}
_GRANT_KEYS = {"env", "dirs", "authorization"}


def read_config(path: Path) -> dict[str, Any]:
    """Parse and validate a config file. Raises ConfigError naming the bad key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    _reject_unknown(data, _TOP_KEYS, "")
    _reject_unknown(data.get("limits", {}), set(_LIMIT_KEYS), "limits.")
    _reject_unknown(data.get("grants", {}), _GRANT_KEYS, "grants.")
    check_provider_tables(data)
    return data


def spec_from_config(path: Path, environ: Mapping[str, str] | None = None) -> FunctionSpec:
    """Build the FunctionSpec a config file describes; relative paths are relative to it.

    Granted env vars are copied from ``environ`` (the host's by default). Raises ConfigError.
    """
    return spec_from_data(read_config(path), path, environ)


def spec_from_data(data: Mapping[str, Any], path: Path, environ: Mapping[str, str] | None = None) -> FunctionSpec:
    """Like spec_from_config, for a config already read from ``path`` (an entry point that also
    reads its provider table reads the file once). Raises ConfigError."""
    base = path.parent
    artifact = data.get("artifact")
    if not isinstance(artifact, str) or not artifact:
        raise ConfigError(f"{path}: 'artifact' must name the .wasm file")
    limits = _limits(data.get("limits", {}))
    grants_table = data.get("grants", {})
    dirs = {guest: str(base / host) for guest, host in _table(grants_table, "dirs").items()}
    grants = Grants.from_host(
        _string_list(grants_table, "env"),
        dirs,
        authorization=bool(grants_table.get("authorization", False)),
        environ=environ,
    )
    return FunctionSpec(
        base / artifact,
        limits,
        grants,
        _optional_path(data, "cache_dir", base),
        _optional_path(data, "precompiled", base),
    )


def _optional_path(data: Mapping[str, Any], key: str, base: Path) -> Path | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"'{key}' must be a path string, got {value!r}")
    return base / value


def _limits(table: Mapping[str, Any]) -> Limits:
    values: dict[str, Any] = {}
    for key, field_name in _LIMIT_KEYS.items():
        if key in table:
            value = table[key]
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ConfigError(f"limits.{key} must be a number, got {value!r}")
            values[field_name] = int(value * MIB) if key.endswith("_mb") else float(value)
    return Limits(**values)


def _reject_unknown(table: Mapping[str, Any], known: set[str], prefix: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"unknown config key {prefix}{unknown[0]!s}; expected one of {', '.join(sorted(known))}")


def _table(table: Mapping[str, Any], key: str) -> dict[str, str]:
    value = table.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"grants.{key} must be a table of guest path = host path strings")
    return value


def _string_list(table: Mapping[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"grants.{key} must be a list of strings")
    return value


def locate_config(default_dir: Path, environ: Mapping[str, str]) -> Path:
    """The config an entry point loads: ``$PORTABLE_FN_CONFIG``, else ``portable-fn.toml`` in ``default_dir``."""
    return Path(environ.get("PORTABLE_FN_CONFIG") or default_dir / CONFIG_NAME)


def lazy_function(config: Path, environ: Mapping[str, str]) -> Callable[[], Function]:
    """A loader for an entry point: loads the Function ``config`` describes on first call, then
    returns the same one. Concurrent first calls wait for one load instead of each making a
    Function. Raises PortableFnError (each call, until loading succeeds)."""
    lock = threading.Lock()
    loaded: list[Function] = []

    def load() -> Function:
        if not loaded:
            with lock:
                if not loaded:
                    loaded.append(spec_from_config(config, environ).load())
        return loaded[0]

    return load
