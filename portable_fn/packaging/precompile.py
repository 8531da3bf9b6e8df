"""Precompile an artifact for the machine a bundle runs on, with the wasmtime the bundle carries.

Always in a child process: wasmtime aborts the whole process (uncatchable) when asked for a foreign
target, and the child loads the bundle's own portable_fn and wasmtime, so the cache file name (the
engine's fingerprint: wasmtime version, machine, settings) is exactly what the bundle will look up.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from portable_fn.errors import BundleError
from portable_fn.packaging.layout import Staging
from portable_fn.packaging.manifest import CACHE_DIR, record_precompiled
from portable_fn.types import Report
from portable_fn.values import frozen

# Run inside the child: argv = [bundle root, artifact, cache dir, isolated?].
_SCRIPT = """
import sys
root, artifact, cache = sys.argv[1:4]
sys.path.insert(0, root)
from portable_fn import Function
Function.load(artifact, cache_dir=cache)
"""


@frozen
class Precompiled:
    """The outcome of precompiling: the cache file, or why there is none."""

    path: Path | None
    note: str


def host_machine() -> str:
    """This machine as ``platform.machine()`` names it (``x86_64``, ``aarch64``)."""
    return platform.machine()


def precompile(
    staging: Staging,
    artifact_name: str,
    machine: str,
    *,
    isolated: bool,
    runner: Sequence[str] | None = None,
    report: Report = lambda _: None,
) -> Precompiled:
    """Write ``.portable_fn_cache/<key>.cwasm`` for ``machine`` into the bundle.

    ``isolated`` runs the child without site-packages, so only the bundle's vendored wasmtime is used.
    ``runner`` is a command that runs a Python for ``machine`` (e.g. under qemu-user); without one, a
    foreign machine gets no precompiled artifact and compiles at its first cold start.
    Raises BundleError when the child fails or writes a file for another machine.
    """
    if runner is None and machine != host_machine():
        return Precompiled(None, f"no {machine} runner: the artifact compiles during the first cold start")
    python = list(runner) if runner else [sys.executable]
    cache = staging.path(CACHE_DIR)
    command = [
        *python,
        "-B",
        *(["-S"] if isolated else []),
        "-c",
        _SCRIPT,
        str(staging.root),
        artifact_name,
        str(cache),
    ]
    report(f"precompiling {artifact_name} for {machine} ...")
    result = subprocess.run(command, cwd=staging.root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BundleError(f"precompiling {artifact_name} for {machine} failed: {result.stderr.strip()[-2000:]}")
    digest = hashlib.sha256(staging.path(artifact_name).read_bytes()).hexdigest()[:32]
    written = sorted(cache.glob(f"{digest}-*.cwasm"))
    if len(written) != 1 or f"-{machine}-" not in written[0].name:
        names = ", ".join(path.name for path in written) or "nothing"
        raise BundleError(f"precompiling for {machine} wrote {names}, expected one {machine} artifact")
    size = written[0].stat().st_size
    record_precompiled(staging, f"{CACHE_DIR}/{written[0].name}")
    report(f"precompiled {written[0].name} ({size:,} bytes)")
    return Precompiled(written[0], f"precompiled for {machine}")
