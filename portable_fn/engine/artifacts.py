"""Artifacts: tell modules from components, compile or deserialize them, describe them."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import wasmtime

from portable_fn.engine.programs import ComponentProgram, ModuleProgram, Program
from portable_fn.engine.runtime import Engine, EngineSettings, component_model, settings_for, shared_engine
from portable_fn.errors import ArtifactError
from portable_fn.types import MIB, ArtifactKind
from portable_fn.values import frozen

if TYPE_CHECKING:
    import wasmtime.component

COMPONENT_LAYER = b"\x0d\x00\x01\x00"


_log = logging.getLogger("portable_fn.engine")


def detect_kind(wasm: bytes) -> ArtifactKind:
    """Tell a core module from a component by the binary header (WAT text is a module)."""
    if wasm[:4] == b"\0asm":
        return "component" if wasm[4:8] == COMPONENT_LAYER else "module"
    return "module"


def compile_artifact(
    source: Path,
    cache_dir: Path | None,
    precompiled: Path | None = None,
    *,
    memory_bytes: int = 256 * MIB,
    network: bool = False,
) -> Program:
    """Compile ``source`` (.wasm or .wat), or deserialize its precompiled form.

    ``precompiled`` names the precompiled file directly (a bundle records it at build time), so
    the artifact is neither read nor hashed; otherwise ``cache_dir`` is searched by content
    hash. Programs share the process's engine for their settings (see ``settings_for``; the
    address space it may reserve depends on ``memory_bytes`` only under ``ulimit -v``). A
    precompiled file that does not match this wasmtime, CPU or engine setting is recompiled with
    one warning (and rewritten into ``cache_dir``). ``network`` grants a component outbound
    HTTP and sockets (see ComponentProgram); a core module has neither. Raises ArtifactError.
    """
    kind = detect_kind(_read(source, 8))
    engine = shared_engine(settings_for(pooled=kind == "module", memory_bytes=memory_bytes))
    compiled = _load_cached(engine, kind, precompiled) if precompiled and precompiled.exists() else None
    if compiled is None:
        wasm = _read(source)
        cached = cache_dir / f"{_digest(wasm)}-{engine.fingerprint}.cwasm" if cache_dir else None
        compiled = _load_cached(engine, kind, cached) if cached and cached.exists() else None
        if compiled is None:
            compiled = _compile(engine, kind, wasm, source)
            if cached is not None:
                _write_atomically(cached, bytes(compiled.serialize()))
    if isinstance(compiled, wasmtime.Module):
        return ModuleProgram(engine, compiled)
    return ComponentProgram(engine, compiled, network=network)


def _read(source: Path, size: int = -1) -> bytes:
    try:
        with source.open("rb") as stream:
            return stream.read(size)
    except OSError as exc:
        raise ArtifactError(f"cannot read artifact {source}: {exc.strerror}") from exc


def _digest(wasm: bytes) -> str:
    import hashlib  # only when looking up by content: bundles name their precompiled file

    return hashlib.sha256(wasm).hexdigest()[:32]


def _compile(
    engine: Engine, kind: ArtifactKind, wasm: bytes, source: Path
) -> wasmtime.Module | wasmtime.component.Component:
    is_binary = wasm[:4] == b"\0asm"
    if not wasm.strip():
        raise ArtifactError(f"{source} is empty: expected a WebAssembly binary or WAT text")
    try:
        if kind == "component":
            component: wasmtime.component.Component = component_model().Component(engine.native, wasm)
            return component
        return wasmtime.Module(engine.native, wasm if is_binary else wasm.decode("utf-8"))
    except (wasmtime.WasmtimeError, UnicodeDecodeError) as exc:
        problem = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else _one_line(exc)
        what = f"not a valid WebAssembly {kind}" if is_binary else "neither a WebAssembly binary nor WAT text"
        raise ArtifactError(f"{source} is {what}: {problem}") from exc


def _one_line(error: wasmtime.WasmtimeError) -> str:
    """wasmtime's message without its multi-line layout: the error, its cause and the WAT position."""
    lines = (line.strip() for line in str(error).splitlines())
    kept = (line.replace("--> <anon>:", "at line ") for line in lines if line and line[0] not in "|0123456789")
    return " ".join(line for line in kept if line != "Caused by:")


def _load_cached(
    engine: Engine, kind: ArtifactKind, path: Path
) -> wasmtime.Module | wasmtime.component.Component | None:
    try:
        if kind == "component":
            component: wasmtime.component.Component = component_model().Component.deserialize_file(
                engine.native, str(path)
            )
            return component
        return wasmtime.Module.deserialize_file(engine.native, str(path))
    except wasmtime.WasmtimeError as exc:
        _log.warning("precompiled artifact %s does not match this host (%s); compiling instead", path, exc)
        return None


def _write_atomically(path: Path, data: bytes) -> None:
    import tempfile  # only when writing a cache file, never on a bundle's cold start

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except OSError as exc:
        # A read-only cache (a provider's code directory) only costs the next cold start.
        _log.warning("cannot write precompiled artifact %s: %s", path, exc)


@frozen
class ArtifactInfo:
    """What ``inspect`` shows about an artifact."""

    kind: ArtifactKind
    imports: tuple[str, ...]
    exports: tuple[str, ...]


def describe(source: Path) -> ArtifactInfo:
    """List an artifact's kind, imports and exports. Raises ArtifactError."""
    engine = shared_engine(EngineSettings())
    wasm = _read(source)
    compiled = _compile(engine, detect_kind(wasm), wasm, source)
    if isinstance(compiled, wasmtime.Module):
        imports = tuple(f"{item.module}.{item.name}" for item in compiled.imports)
        return ArtifactInfo("module", imports, tuple(item.name or "" for item in compiled.exports))
    component_type = compiled.type
    return ArtifactInfo(
        "component", tuple(component_type.imports(engine.native)), tuple(component_type.exports(engine.native))
    )
