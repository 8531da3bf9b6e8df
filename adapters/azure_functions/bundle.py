"""Build the Azure Functions app folder and zip (Python v2 model), deployable with func or zip deploy.

Runs at build time on the user's machine (``portable-fn package azure``), never inside Azure.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adapters.azure_functions.settings import DEFAULT_TRIGGERS, NAME, TABLE
from portable_fn.packaging import (
    Bundle,
    BundleError,
    Report,
    Staging,
    read_manifest,
    stage_source_bundle,
    zip_source_bundle,
)
from portable_fn.schema import NO_PROVIDERS, ProviderTables
from portable_fn.types import MIB

# The local storage emulator (Azurite), as Azure's own local templates set it.
DEVELOPMENT_STORAGE = "UseDevelopmentStorage=true"
FUNCIGNORE = ".venv\n__pycache__/\n*.pyc\nlocal.settings.json\ntests/\n"


def build_bundle(
    artifact: Path,
    config: Path | None,
    out: Path,
    *,
    provider_tables: ProviderTables = NO_PROVIDERS,
    report: Report = lambda _: None,
) -> Bundle:
    """Write ``out/bundle/`` (the function-app folder) and ``out/<name>-azure.zip``.

    host.json gets the config's ``azure.route_prefix``. ``provider_tables``: the other providers' tables a
    project file may hold (left out of the bundle). Raises BundleError or ConfigError.
    """
    manifest = read_manifest(artifact, config, NAME, TABLE, provider_tables)
    settings = manifest.settings
    staging, precompiled = stage_source_bundle(manifest, out, Path(__file__).parent, ("azure-functions",), report)
    write_route_prefix(staging, settings["route_prefix"])
    if not staging.path(".funcignore").exists():
        staging.add_bytes(".funcignore", FUNCIGNORE.encode())
    archive = out / f"{manifest.name}-azure.zip"
    size = zip_source_bundle(staging, archive)
    # After zipping: local settings are for `func start` here, never deployed (.funcignore agrees).
    staging.add_bytes("local.settings.json", local_settings(settings).encode())
    app = settings["app_name"] or manifest.name
    instructions = (
        f"folder: {staging.root}",
        f"zip: {archive} ({size.zipped / MIB:.1f} MB)",
        f"precompiled: {precompiled.note}",
        f"deploy with Core Tools: cd {staging.root} && func azure functionapp publish {app} --python",
        "or zip deploy (remote build installs requirements.txt): "
        f"az functionapp deployment source config-zip --resource-group RESOURCE_GROUP --name {app} "
        f"--src {archive} --build-remote true",
    )
    return Bundle(staging.root, archive, size, precompiled, instructions)


def local_settings(settings: dict[str, Any]) -> str:
    """``local.settings.json`` for Core Tools: the Python worker, and Azurite storage for storage triggers."""
    values = {"FUNCTIONS_WORKER_RUNTIME": "python"}
    triggers = set(settings["triggers"] or DEFAULT_TRIGGERS)
    if triggers - {"http"}:
        # The host keeps its own state in AzureWebJobsStorage whenever a non-HTTP trigger is registered.
        values["AzureWebJobsStorage"] = DEVELOPMENT_STORAGE
    for trigger in ("queue", "blob"):
        if trigger in triggers:
            values[settings[f"{trigger}_connection"] or "AzureWebJobsStorage"] = DEVELOPMENT_STORAGE
    return json.dumps({"IsEncrypted": False, "Values": values}, indent=2) + "\n"


def write_route_prefix(staging: Staging, prefix: str) -> None:
    """Set ``extensions.http.routePrefix`` in the bundle's host.json. Raises BundleError."""
    path = staging.path("host.json")
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig")) if path.exists() else {"version": "2.0"}
    except ValueError as exc:
        raise BundleError(f"template host.json is not valid JSON: {exc}") from exc
    data.setdefault("extensions", {}).setdefault("http", {})["routePrefix"] = prefix
    staging.add_bytes("host.json", (json.dumps(data, indent=2) + "\n").encode())
