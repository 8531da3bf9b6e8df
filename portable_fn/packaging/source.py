"""Source bundles (Azure Functions, Google Cloud Functions): the provider installs requirements.txt."""

from __future__ import annotations

from pathlib import Path

from portable_fn.packaging.archive import ArchiveSize, write_zip
from portable_fn.packaging.layout import Staging
from portable_fn.packaging.manifest import Manifest, stage_manifest
from portable_fn.packaging.precompile import Precompiled, precompile
from portable_fn.packaging.result import stage_in
from portable_fn.packaging.wheels import pinned_requirements
from portable_fn.types import Report

# Azure Functions and Cloud Functions run Python on x86_64 Linux.
SOURCE_MACHINE = "x86_64"


def stage_source_bundle(
    manifest: Manifest, out: Path, adapter: Path, requirements: tuple[str, ...], report: Report
) -> tuple[Staging, Precompiled]:
    """Stage the template and packages of the provider package folder ``adapter``, ``requirements.txt``
    (exact pins), artifact, config and precompiled form.

    Raises BundleError.
    """
    staging = stage_in(out)
    staging.add_template(adapter)
    staging.add_packages(adapter)
    pins = pinned_requirements((*requirements, "wasmtime"))
    staging.add_bytes("requirements.txt", ("\n".join(pins) + "\n").encode())
    artifact_name = stage_manifest(staging, manifest)
    precompiled = precompile(staging, artifact_name, SOURCE_MACHINE, isolated=False, report=report)
    return staging, precompiled


def zip_source_bundle(staging: Staging, archive: Path) -> ArchiveSize:
    """Zip the staged folder. Raises BundleError."""
    return write_zip(staging.root, archive)
