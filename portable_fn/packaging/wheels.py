"""Vendoring Linux wheels for a target machine with pip, never copying the host's site-packages."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from portable_fn.errors import BundleError
from portable_fn.packaging.layout import Staging
from portable_fn.types import Report

PLATFORMS = {"x86_64": "manylinux2014_x86_64", "aarch64": "manylinux2014_aarch64"}
# What the Lambda entry point imports beyond the standard library (click, uvicorn: CLI/server only).
RUNTIME_REQUIREMENTS = ("wasmtime",)


def pinned_requirements(names: tuple[str, ...] = RUNTIME_REQUIREMENTS) -> list[str]:
    """``name==version`` for each name, at the version installed here (the one the precompile uses).

    Raises BundleError when one is not installed.
    """
    pins = []
    for name in names:
        try:
            pins.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError as exc:
            raise BundleError(f"{name} is not installed here, so its version cannot be pinned") from exc
    return pins


def vendor_wheels(
    staging: Staging, machine: str, python_version: str, *, wheel_cache: Path | None = None, report: Report
) -> list[str]:
    """Install the runtime requirements' wheels for ``machine`` Linux into the bundle root.

    Uses ``pip install --platform ... --only-binary=:all: --target``; ``wheel_cache`` (a directory of
    wheels) is tried first and filled, so repeated builds need no network. Returns the pins.
    Raises BundleError when pip fails.
    """
    if machine not in PLATFORMS:
        raise BundleError(f"no wheel platform for machine {machine!r}; expected one of {', '.join(PLATFORMS)}")
    pins = pinned_requirements()
    report(f"fetching wheels for {PLATFORMS[machine]}: {', '.join(pins)} ...")
    options = ["--platform", PLATFORMS[machine], "--python-version", python_version, "--implementation", "cp"]
    options += ["--only-binary=:all:", "--no-deps", "--disable-pip-version-check"]
    with tempfile.TemporaryDirectory(prefix="portable_fn-wheels-") as scratch:
        downloads = wheel_cache or Path(scratch) / "wheels"
        _pip(["download", *options, "--dest", str(downloads), *_find_links(wheel_cache), *pins])
        target = Path(scratch) / "target"
        _pip(
            [
                "install",
                *options,
                "--no-index",
                "--find-links",
                str(downloads),
                "--target",
                str(target),
                "--no-compile",
                *pins,
            ]
        )
        for entry in sorted(target.iterdir()):
            if entry.name == "bin":
                continue
            if entry.is_dir():
                staging.add_tree(entry.name, entry)
            else:
                staging.add_file(entry.name, entry)
    shutil.rmtree(staging.path("wasmtime") / "__pycache__", ignore_errors=True)
    report(f"vendored {', '.join(pins)} for {machine}")
    return pins


def _find_links(wheel_cache: Path | None) -> list[str]:
    return ["--find-links", str(wheel_cache)] if wheel_cache and wheel_cache.is_dir() else []


def _pip(arguments: list[str]) -> None:
    command = [sys.executable, "-m", "pip", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BundleError(f"pip {arguments[0]} failed: {result.stderr.strip()[-2000:]}")
