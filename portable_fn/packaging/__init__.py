"""The declared build-time API for providers: deterministic zips, bundle staging, precompiling, wheel vendoring.

A provider's bundler (``adapters/<provider>/bundle.py``, or a third party's) may import what ``__all__`` names
here, besides the public ``portable_fn`` API; nothing else of portable_fn's internals. It never imports a
provider: a bundler hands over its own package folder (``Path(__file__).parent``) for its template and code.
Build time only: never imported at request time, and left out of every bundle.
"""

from portable_fn.errors import BundleError
from portable_fn.packaging.archive import ArchiveSize, list_tree, write_zip
from portable_fn.packaging.bytecode import compile_bytecode
from portable_fn.packaging.layout import Staging, check_relative
from portable_fn.packaging.manifest import CACHE_DIR, Manifest, read_manifest, stage_manifest
from portable_fn.packaging.precompile import Precompiled, host_machine, precompile
from portable_fn.packaging.result import (
    LAMBDA_UNZIPPED_LIMIT,
    LAMBDA_ZIPPED_LIMIT,
    Bundle,
    check_size,
    describe_size,
    stage_in,
)
from portable_fn.packaging.source import SOURCE_MACHINE, stage_source_bundle, zip_source_bundle
from portable_fn.packaging.wheels import PLATFORMS, pinned_requirements, vendor_wheels
from portable_fn.types import CONFIG_NAME, Report

__all__ = [
    "CACHE_DIR",
    "CONFIG_NAME",
    "LAMBDA_UNZIPPED_LIMIT",
    "LAMBDA_ZIPPED_LIMIT",
    "PLATFORMS",
    "SOURCE_MACHINE",
    "ArchiveSize",
    "Bundle",
    "BundleError",
    "Manifest",
    "Precompiled",
    "Report",
    "Staging",
    "check_relative",
    "check_size",
    "compile_bytecode",
    "describe_size",
    "host_machine",
    "list_tree",
    "pinned_requirements",
    "precompile",
    "read_manifest",
    "stage_in",
    "stage_manifest",
    "stage_source_bundle",
    "vendor_wheels",
    "write_zip",
    "zip_source_bundle",
]
