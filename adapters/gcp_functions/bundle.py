"""Build the Google Cloud Functions (2nd gen) source folder and zip.

Runs at build time on the user's machine (``portable-fn package gcp``), never inside Google Cloud.
"""

from __future__ import annotations

from pathlib import Path

from adapters.gcp_functions.settings import NAME, TABLE
from portable_fn.packaging import Bundle, Report, read_manifest, stage_source_bundle, zip_source_bundle
from portable_fn.schema import NO_PROVIDERS, ProviderTables
from portable_fn.types import MIB

# The name template/main.py gives its HTTP function (``--target``); the CloudEvent one is ``event``.
HTTP_ENTRY_POINT = "http"


def build_bundle(
    artifact: Path,
    config: Path | None,
    out: Path,
    *,
    provider_tables: ProviderTables = NO_PROVIDERS,
    report: Report = lambda _: None,
) -> Bundle:
    """Write ``out/bundle/`` (main.py at its root) and ``out/<name>-gcp.zip``; say the deploy command.

    The entry point is ``gcp.entry_point``, else the template's HTTP function. ``provider_tables``: the
    other providers' tables a project file may hold (left out of the bundle). Raises BundleError or ConfigError.
    """
    manifest = read_manifest(artifact, config, NAME, TABLE, provider_tables)
    settings = manifest.settings
    staging, precompiled = stage_source_bundle(manifest, out, Path(__file__).parent, ("functions-framework",), report)
    entry_point = settings["entry_point"] or HTTP_ENTRY_POINT
    archive = out / f"{manifest.name}-gcp.zip"
    size = zip_source_bundle(staging, archive)
    command = (
        f"gcloud functions deploy {manifest.name} --gen2 --runtime {settings['runtime']} "
        f"--region {settings['region']} --source . --entry-point {entry_point} --trigger-http"
    )
    instructions = (
        f"folder: {staging.root}",
        f"zip: {archive} ({size.zipped / MIB:.1f} MB)",
        f"entry point: {entry_point}",
        f"precompiled: {precompiled.note}",
        f"deploy: cd {staging.root} && {command}",
    )
    return Bundle(staging.root, archive, size, precompiled, instructions)
