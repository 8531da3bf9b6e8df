"""The per-provider tables of ``portable-fn.toml`` (``[aws]``, ``[azure]``, ``[gcp]``, ``[container]``).

Each key has a checker and a default, so a bundle can be built with no config file at all::

    [aws]
    architecture = "arm64"      # or "x86_64"
    memory_mb = 512
    timeout_seconds = 30
    role = "arn:aws:iam::123456789012:role/portable-fn"

    [azure]
    auth_level = "function"     # anonymous | function | admin
    route_prefix = "api"

    [gcp]
    region = "europe-west1"
    entry_point = "handle"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from portable_fn.errors import ConfigError

Checker = Callable[[str, Any], Any]


def choice(*allowed: str) -> Checker:
    """A checker accepting one of ``allowed`` strings."""

    def check(key: str, value: Any) -> Any:
        if value not in allowed:
            raise ConfigError(f"{key} must be one of {', '.join(allowed)}, got {value!r}")
        return value

    return check


def integer(low: int, high: int) -> Checker:
    """A checker accepting an integer in ``low..high``."""

    def check(key: str, value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ConfigError(f"{key} must be an integer from {low} to {high}, got {value!r}")
        return value

    return check


def text(key: str, value: Any) -> Any:
    """Accept a non-empty string."""
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key} must be a non-empty string, got {value!r}")
    return value


def route_prefix(key: str, value: Any) -> Any:
    """Accept a route prefix: a string without leading or trailing '/' (may be empty)."""
    if not isinstance(value, str) or value != value.strip("/"):
        raise ConfigError(f"{key} must be a string without leading or trailing '/', got {value!r}")
    return value


def flag(key: str, value: Any) -> Any:
    """Accept a boolean."""
    if not isinstance(value, bool):
        raise ConfigError(f"{key} must be true or false, got {value!r}")
    return value


def string_table(key: str, value: Any) -> Any:
    """Accept a table of string values (environment variables)."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f'{key} must be a table of NAME = "value" strings')
    return value


def string_list(key: str, value: Any) -> Any:
    """Accept a list of non-empty strings."""
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ConfigError(f"{key} must be a list of non-empty strings, got {value!r}")
    return value


# provider -> key -> (checker, default); None as default means "no value unless given".
SCHEMA: dict[str, dict[str, tuple[Checker, Any]]] = {
    "aws": {
        "architecture": (choice("x86_64", "arm64"), "x86_64"),
        "memory_mb": (integer(128, 10240), 512),
        "timeout_seconds": (integer(1, 900), 30),
        "role": (text, None),
        "runtime": (choice("python3.11", "python3.12", "python3.13"), "python3.11"),
        "region": (text, None),
        "function_url": (flag, False),
        "environment": (string_table, {}),
        "text_mime_types": (string_list, None),
    },
    "azure": {
        "auth_level": (choice("anonymous", "function", "admin"), "function"),
        "route_prefix": (route_prefix, "api"),
        "app_name": (text, None),
        # Read by adapters/azure_functions/settings.py, which checks the values in detail.
        "triggers": (string_list, None),
        "queue_name": (text, None),
        "queue_connection": (text, None),
        "blob_path": (text, None),
        "blob_connection": (text, None),
        "timer_schedule": (text, None),
    },
    "gcp": {
        "region": (text, "us-central1"),
        "entry_point": (text, None),
        "runtime": (choice("python311", "python312", "python313"), "python311"),
    },
    "container": {
        "base_image": (text, "python:3.11-slim"),
        "port": (integer(1, 65535), 8080),
        "workers": (integer(1, 256), 2),
    },
}


def check_provider_tables(data: Mapping[str, Any]) -> None:
    """Validate every provider table present in a parsed config. Raises ConfigError naming the bad key."""
    for provider, schema in SCHEMA.items():
        table = data.get(provider, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{provider} must be a table ([{provider}])")
        unknown = sorted(set(table) - set(schema))
        if unknown:
            raise ConfigError(
                f"unknown config key {provider}.{unknown[0]}; expected one of {', '.join(sorted(schema))}"
            )
        for key, value in table.items():
            schema[key][0](f"{provider}.{key}", value)


def provider_settings(data: Mapping[str, Any], provider: str) -> dict[str, Any]:
    """The ``provider`` table of a validated config with defaults filled in. Raises ConfigError."""
    check_provider_tables(data)
    table = data.get(provider, {})
    return {key: table.get(key, default) for key, (_, default) in SCHEMA[provider].items()}
