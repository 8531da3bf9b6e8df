"""The core schema of ``portable-fn.toml``, its checkers and its one validator, used by ``package`` and at
every start-up.

Each key has a checker and a default. A checker takes the key's dotted name and its value and returns the
value, or raises ConfigError naming the key, what was expected and what was found::

    name = "hello"                  # letters, digits, '-' and '_' (Lambda's rule), at most 64
    artifact = "hello.wasm"         # paths are relative to the config and stay inside its folder
    cache_dir = ".portable_fn_cache"
    precompiled = ".portable_fn_cache/<key>.cwasm"

    [limits]                        # positive, finite numbers
    memory_mb = 256
    timeout_seconds = 30
    max_body_mb = 6
    max_output_mb = 16
    max_stderr_mb = 1

    [grants]
    env = ["GREETING"]              # host variables copied to the guest
    dirs = { "/data" = "data" }     # guest path = folder inside the config's folder, read-only
    authorization = false           # pass the Authorization header
    network = false                 # components: any outbound HTTP, name lookups (no per-host limit)

    [aws]                           # one table per provider, checked by the schema it declares
    architecture = "arm64"          # (Provider.config_table: adapters/<provider>/settings.py for ours)

A reader checks the core and the provider tables it is handed; a table of any other provider is refused,
naming the known ones. ``package`` and ``serve`` read a project file with every registered provider's
table; an entry point knows only its own provider (it never looks up the registry), and the bundle
``package`` writes holds only that provider's table.

Standard library only: every entry point imports this on its cold-start path.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any

from portable_fn.errors import ConfigError

Checker = Callable[[str, Any], Any]
Schema = dict[str, tuple[Checker, Any]]
# Each provider's table schema by the provider's name (the table's name).
ProviderTables = Mapping[str, Schema]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_ENV_NAME = re.compile(r"[^=\0]+")


def is_inside_path(name: str) -> bool:
    """True when ``name`` is a relative POSIX path without ``..``: joined to a folder, it stays inside."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def choice(*allowed: str) -> Checker:
    """A checker accepting one of ``allowed`` strings."""

    def check(key: str, value: Any) -> Any:
        if value not in allowed:
            raise ConfigError(f"{key} must be one of {', '.join(allowed)}, got {value!r}")
        return value

    return check


def choices(*allowed: str) -> Checker:
    """A checker accepting a list of some of ``allowed`` strings."""

    def check(key: str, value: Any) -> Any:
        if not isinstance(value, list) or not set(value) <= set(allowed):
            raise ConfigError(f"{key} must list some of {', '.join(allowed)}, got {value!r}")
        return value

    return check


def integer(low: int, high: int) -> Checker:
    """A checker accepting an integer in ``low..high``."""

    def check(key: str, value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ConfigError(f"{key} must be an integer from {low} to {high}, got {value!r}")
        return value

    return check


def positive_number(key: str, value: Any) -> Any:
    """Accept a finite number above zero (NaN and infinity would switch a limit off)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{key} must be a positive number, got {value!r}")
    return value


def text(key: str, value: Any) -> Any:
    """Accept a non-empty string."""
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key} must be a non-empty string, got {value!r}")
    return value


def function_name(key: str, value: Any) -> Any:
    """Accept a function name that is also a safe file name: letters, digits, '-', '_'; at most 64."""
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise ConfigError(
            f"{key} must be 1-64 letters, digits, '-' or '_' starting with a letter or digit, got {value!r}"
        )
    return value


def bundle_path(key: str, value: Any) -> Any:
    """Accept a path relative to the config's folder that stays inside it."""
    if not isinstance(value, str) or not is_inside_path(value):
        raise ConfigError(f"{key} must be a relative path inside the config's folder (no '..'), got {value!r}")
    return value


def flag(key: str, value: Any) -> Any:
    """Accept a boolean."""
    if not isinstance(value, bool):
        raise ConfigError(f"{key} must be true or false, got {value!r}")
    return value


def string_table(key: str, value: Any) -> Any:
    """Accept a table of string values (environment variables)."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f'{key} must be a table of NAME = "value" strings, got {value!r}')
    return value


def string_list(key: str, value: Any) -> Any:
    """Accept a list of non-empty strings."""
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ConfigError(f"{key} must be a list of non-empty strings, got {value!r}")
    return value


def env_names(key: str, value: Any) -> Any:
    """Accept a list of environment variable names."""
    if not isinstance(value, list) or not all(isinstance(item, str) and _ENV_NAME.fullmatch(item) for item in value):
        raise ConfigError(f'{key} must be a list of variable names like ["GREETING"], got {value!r}')
    return value


def dir_table(key: str, value: Any) -> Any:
    """Accept a table of absolute guest path = host folder inside the config's folder."""
    if not isinstance(value, dict):
        raise ConfigError(f'{key} must be a table of "/guest/path" = "folder" strings, got {value!r}')
    for guest, host in value.items():
        if not guest.startswith("/"):
            raise ConfigError(f"{key}: guest path {guest!r} must be absolute (start with '/')")
        bundle_path(f"{key}.{guest!r}", host)
    return value


def table(schema: Schema) -> Checker:
    """A checker accepting a table whose keys are in ``schema``, each value passing its checker."""

    def check(key: str, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ConfigError(f"{key} must be a table ([{key}]), got {value!r}")
        unknown = sorted(set(value) - set(schema))
        if unknown:
            where = f"{key}.{unknown[0]}" if key else unknown[0]
            raise ConfigError(f"unknown config key {where}; expected one of {', '.join(sorted(schema))}")
        for name, item in value.items():
            schema[name][0](f"{key}.{name}" if key else name, item)
        return value

    return check


# None as default means "no value unless given" (Limits' own default applies for a limit).
LIMITS: Schema = {
    name: (positive_number, None)
    for name in ("memory_mb", "timeout_seconds", "max_body_mb", "max_output_mb", "max_stderr_mb")
}
GRANTS: Schema = {
    "env": (env_names, []),
    "dirs": (dir_table, {}),
    "authorization": (flag, False),
    "network": (flag, False),
}
CORE_KEYS: Schema = {
    "name": (function_name, None),
    "artifact": (bundle_path, None),
    "cache_dir": (bundle_path, None),
    "precompiled": (bundle_path, None),
}
CORE_TABLES: dict[str, Schema] = {"limits": LIMITS, "grants": GRANTS}
# What a reader that knows no provider accepts besides the core: no provider's table.
NO_PROVIDERS: ProviderTables = MappingProxyType({})


def check_table(name: str, schema: Schema, values: Mapping[str, Any]) -> None:
    """Check one table (``limits``, a provider's ...) against its ``schema``. Raises ConfigError naming the bad key."""
    table(schema)(name, dict(values))


def validate_config(data: Mapping[str, Any], provider_tables: ProviderTables = NO_PROVIDERS) -> None:
    """Check a parsed config: the core keys and tables, and each provider's table against its schema in
    ``provider_tables`` (the providers the reader knows).

    Raises ConfigError naming the first bad key, or a table no known provider declares (with the known ones).
    """
    tables = {**provider_tables, **CORE_TABLES}
    unknown = sorted(set(data) - set(CORE_KEYS) - set(tables))
    if unknown:
        raise ConfigError(_unknown_message(unknown[0], data[unknown[0]], tables))
    table({**CORE_KEYS, **{name: (table(schema), {}) for name, schema in tables.items()}})("", dict(data))


def _unknown_message(key: str, value: Any, tables: ProviderTables) -> str:
    known = ", ".join(f"[{name}]" for name in sorted(tables))
    if isinstance(value, dict):
        return f"unknown config table [{key}]; known tables: {known}"
    return f"unknown config key {key}; expected one of {', '.join(sorted(CORE_KEYS))} or a table {known}"


def provider_settings(data: Mapping[str, Any], provider: str, schema: Schema) -> dict[str, Any]:
    """The ``provider`` table of a parsed config, checked against its ``schema``, with defaults filled in.

    Raises ConfigError naming the bad key.
    """
    given = data.get(provider, {})
    check_table(provider, schema, given)
    return {key: given.get(key, default) for key, (_, default) in schema.items()}
