"""WAT: <sample>/<sample>.wat, assembled by ``wasmtime.wat2wasm`` (the host's own dependency)."""

from __future__ import annotations

from pathlib import Path

import wasmtime

from buildtools.target import Language, Target, named, per_sample
from portable_fn.errors import BuildError


def build_wat(target: Target) -> None:
    """Assemble the text module; raises BuildError naming the file when it does not parse."""
    try:
        binary = wasmtime.wat2wasm(target.entry.read_text(encoding="utf-8"))
    except wasmtime.WasmtimeError as error:
        raise BuildError(f"{target.entry}: {error}") from error
    target.output.write_bytes(bytes(binary))


def always_installed() -> str | None:
    """wasmtime is portable_fn's own dependency: this build could not start without it."""
    return None


WAT = Language("wat", Path(__file__), per_sample("wat", named("wat")), always_installed, build_wat)
