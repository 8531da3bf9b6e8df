"""Bytecode shipped in the bundle: a provider's code directory is read-only, so without it every cold start
compiles every imported module from source again."""

from __future__ import annotations

import compileall
import py_compile
import sys

from portable_fn.errors import BundleError
from portable_fn.packaging.layout import Staging
from portable_fn.types import Report


def compile_bytecode(staging: Staging, python_version: str, report: Report) -> bool:
    """Write ``__pycache__`` for every module when this Python is the runtime's ``python_version``.

    Hash-based, unchecked .pyc files with bundle-relative names, so the bytes do not depend on file times
    or on where the bundle was staged. Returns False (nothing written) for another Python version.
    Raises BundleError when a module does not compile.
    """
    if python_version != f"{sys.version_info.major}.{sys.version_info.minor}":
        report(f"bytecode: skipped (building with Python {sys.version.split()[0]}, runtime is {python_version})")
        return False
    ok = compileall.compile_dir(
        str(staging.root),
        quiet=2,
        stripdir=str(staging.root),
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    if not ok:
        raise BundleError("a module in the bundle does not compile")
    report(f"bytecode: compiled for Python {python_version}")
    return True
