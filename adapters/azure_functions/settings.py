"""The ``[azure]`` config table, and what the Azure entry point reads of it and of host.json once at start-up.

The route prefix comes from ``host.json`` (``extensions.http.routePrefix``) because that is
the file the Functions host itself obeys; the packager writes it from the config.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from portable_fn import ConfigError
from portable_fn.schema import ProviderTables, Schema, check_table, choice, choices, text
from portable_fn.values import frozen

AuthLevelName = Literal["anonymous", "function", "admin"]
TriggerName = Literal["http", "queue", "blob", "eventgrid", "timer"]

DEFAULT_ROUTE_PREFIX = "api"
DEFAULT_TRIGGERS: tuple[TriggerName, ...] = ("http", "queue", "blob", "eventgrid")
_TEXT_KEYS = ("queue_name", "queue_connection", "blob_path", "blob_connection", "timer_schedule")


def prefix_segment(key: str, value: Any) -> Any:
    """Accept a route prefix: a string without leading or trailing '/' (may be empty)."""
    if not isinstance(value, str) or value != value.strip("/"):
        raise ConfigError(f"{key} must be a string without leading or trailing '/', got {value!r}")
    return value


NAME = "azure"
TABLE: Schema = {
    "auth_level": (choice(*get_args(AuthLevelName)), "function"),
    "route_prefix": (prefix_segment, DEFAULT_ROUTE_PREFIX),
    "app_name": (text, None),
    "triggers": (choices(*get_args(TriggerName)), None),
    **{key: (text, None) for key in _TEXT_KEYS},
}
# The provider tables the function app's entry point knows: its own.
OWN_TABLES: ProviderTables = {NAME: TABLE}


@frozen
class AzureSettings:
    """The bindings registered on the FunctionApp.

    Queue and blob names accept Azure binding expressions such as ``%MY_QUEUE%`` (an app
    setting). The timer is opt-in: a schedule nobody asked for would run the guest for nothing.
    """

    auth_level: AuthLevelName = "function"
    route_prefix: str = DEFAULT_ROUTE_PREFIX
    triggers: tuple[TriggerName, ...] = DEFAULT_TRIGGERS
    queue_name: str = "portable-fn"
    queue_connection: str = "AzureWebJobsStorage"
    blob_path: str = "portable-fn/{name}"
    blob_connection: str = "AzureWebJobsStorage"
    timer_schedule: str = "0 */5 * * * *"

    @property
    def script_name(self) -> str:
        """The path prefix the host serves HTTP functions under: ``/api``, or empty."""
        return f"/{self.route_prefix}" if self.route_prefix else ""


def settings_from_table(azure: Mapping[str, Any], route_prefix: str = DEFAULT_ROUTE_PREFIX) -> AzureSettings:
    """Build settings from an ``[azure]`` table, checked by the config schema; the keys only the packager
    reads (``app_name``) are left out. Raises ConfigError."""
    check_table(NAME, TABLE, azure)
    values: dict[str, Any] = {key: azure[key] for key in (*_TEXT_KEYS, "auth_level") if key in azure}
    triggers = azure.get("triggers", DEFAULT_TRIGGERS)
    return AzureSettings(route_prefix=route_prefix, triggers=tuple(dict.fromkeys(triggers)), **values)


def read_route_prefix(host_json: Path) -> str:
    """``extensions.http.routePrefix`` from host.json; ``api`` (the host's default) when unset.

    Raises ConfigError when the file exists but is not valid JSON.
    """
    try:
        data = json.loads(host_json.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return DEFAULT_ROUTE_PREFIX
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {host_json}: {exc}") from exc
    prefix = data.get("extensions", {}).get("http", {}).get("routePrefix", DEFAULT_ROUTE_PREFIX)
    if not isinstance(prefix, str):
        raise ConfigError(f"{host_json}: extensions.http.routePrefix must be a string, got {prefix!r}")
    return prefix.strip("/")
