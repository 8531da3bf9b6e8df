"""What the Azure entry point reads once at start-up: the ``[azure]`` config table and host.json.

The route prefix comes from ``host.json`` (``extensions.http.routePrefix``) because that is
the file the Functions host itself obeys; the packager writes it from the config.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from portable_fn import ConfigError

AuthLevelName = Literal["anonymous", "function", "admin"]
TriggerName = Literal["http", "queue", "blob", "eventgrid", "timer"]
DEFAULT_ROUTE_PREFIX = "api"
DEFAULT_TRIGGERS: tuple[TriggerName, ...] = ("http", "queue", "blob", "eventgrid")
_TEXT_KEYS = ("queue_name", "queue_connection", "blob_path", "blob_connection", "timer_schedule")


@dataclass(frozen=True, slots=True)
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


def settings_from_table(table: Mapping[str, Any], route_prefix: str = DEFAULT_ROUTE_PREFIX) -> AzureSettings:
    """Build settings from an ``[azure]`` table; unknown keys are the packager's. Raises ConfigError."""
    values: dict[str, Any] = {"route_prefix": route_prefix}
    auth_level = table.get("auth_level", "function")
    if auth_level not in get_args(AuthLevelName):
        raise ConfigError(f"azure.auth_level must be anonymous, function or admin, got {auth_level!r}")
    values["auth_level"] = auth_level
    triggers = table.get("triggers", list(DEFAULT_TRIGGERS))
    if not isinstance(triggers, list) or not set(triggers) <= set(get_args(TriggerName)):
        raise ConfigError(f"azure.triggers must list some of http, queue, blob, eventgrid, timer, got {triggers!r}")
    values["triggers"] = tuple(dict.fromkeys(triggers))
    for key in _TEXT_KEYS:
        if key in table:
            if not isinstance(table[key], str) or not table[key]:
                raise ConfigError(f"azure.{key} must be a non-empty string, got {table[key]!r}")
            values[key] = table[key]
    return AzureSettings(**values)


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
