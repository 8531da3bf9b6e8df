"""The one module that imports wasmtime: compile an artifact once, run it in fresh stores.

Everything wasmtime-specific stays here and its errors are translated at this boundary.
The per-request path uses a few of wasmtime-py's ``_ffi`` calls where the public API
costs tens of microseconds a request (stdin as bytes, env/argv arrays, one export lookup);
wasmtime is pinned to the version these calls were tested with.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import threading
import time
import types
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import wasmtime
from wasmtime import _ffi as ffi

if TYPE_CHECKING:
    import wasmtime.component

from portable_fn.errors import (
    ArtifactError,
    GuestError,
    GuestExit,
    GuestTimeout,
    GuestTrap,
    MemoryLimitExceeded,
    OutputTooLarge,
)
from portable_fn.limits import DirGrant

ArtifactKind = Literal["module", "component"]
TICK_SECONDS = 0.01
COMPONENT_LAYER = b"\x0d\x00\x01\x00"
_PAGE = 65536
_log = logging.getLogger("portable_fn.engine")


@dataclass(frozen=True, slots=True)
class Invocation:
    """What one run of a WASI command gets: argv, environment, stdin and read-only dirs."""

    argv: Sequence[bytes]
    env: Mapping[bytes, bytes]
    stdin: bytes
    dirs: Sequence[DirGrant] = ()


@dataclass(slots=True)
class _RunState:
    """Per-thread bookkeeping read by the epoch callback while the guest runs."""

    deadline: float = 0.0
    stdout_path: str = ""
    max_output: int = 0
    breach: type[GuestTimeout] | type[OutputTooLarge] | None = None


class _Scratch(threading.local):
    """Per-thread stdout/stderr files on tmpfs, read back after the run.

    Measured: a custom-output callback costs ~46 µs per write (it hops through a runtime
    thread) and even an unused one slows every run by ~60 µs; files cost a few µs.
    """

    def __init__(self) -> None:
        # /dev/shm is memory; Lambda has none, so its /tmp it is there.
        directory = "/dev/shm" if os.path.isdir("/dev/shm") else os.environ.get("TMPDIR", "/tmp")
        self.stdout_path = _temp_file(directory, f"{id(self)}.out")
        self.stderr_path = _temp_file(directory, f"{id(self)}.err")
        self.run = _RunState()
        weakref.finalize(self, _remove, self.stdout_path, self.stderr_path)


def _temp_file(directory: str, suffix: str) -> str:
    # os.open rather than tempfile: importing tempfile costs ~3 ms of every cold start.
    path = os.path.join(directory, f"portable_fn-{os.getpid()}-{threading.get_ident()}-{suffix}")
    os.close(os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600))
    return path


def _remove(*paths: str) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


_DeadlineCallback = ctypes.CFUNCTYPE(
    ctypes.c_size_t,
    ctypes.POINTER(ffi.wasmtime_context_t),
    ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_uint64),
    ctypes.POINTER(ffi.wasmtime_update_deadline_kind_t),
)


class Engine:
    """A wasmtime Engine with epoch interruption and the one ticker thread that drives it.

    ``pooled`` engines use wasmtime's pooling allocator: instance slots reserved once and
    reset between requests, which cut a small module's request cost by about 30% here.
    Only core modules use it; components need per-component sizing we cannot know upfront.
    """

    def __init__(self, *, pooled: bool = False) -> None:
        config = wasmtime.Config()
        config.epoch_interruption = True
        if pooled:
            _use_pooling_allocator(config)
        self.pooled = pooled
        self.native = wasmtime.Engine(config)
        self._ticker_pid = 0
        self._lock = threading.Lock()
        self.scratch = _Scratch()
        # Bound once: the same callback object serves every store of this engine.
        self.on_epoch = _DeadlineCallback(self._on_epoch)

    @property
    def fingerprint(self) -> str:
        """What a precompiled artifact must match: wasmtime version, CPU and engine settings."""
        settings = "epoch-pooled" if self.pooled else "epoch"
        return f"wasmtime{_wasmtime_version()}-{os.uname().machine}-{settings}"

    def start_ticker(self) -> None:
        """Start the epoch ticker in this process (again after a fork, where threads vanish)."""
        if self._ticker_pid == os.getpid():
            return
        with self._lock:
            if self._ticker_pid != os.getpid():
                engine = self.native
                thread = threading.Thread(target=_tick, args=(engine,), name="portable_fn-epoch", daemon=True)
                thread.start()
                self._ticker_pid = os.getpid()

    def _on_epoch(
        self, _context: object, _data: object, delta: ctypes.Array[ctypes.c_uint64], kind: ctypes.Array[ctypes.c_uint8]
    ) -> int:
        run = self.scratch.run
        if time.monotonic() >= run.deadline:
            run.breach = GuestTimeout
        elif os.stat(run.stdout_path).st_size > run.max_output:
            run.breach = OutputTooLarge
        else:
            delta[0] = 1
            kind[0] = 0  # WASMTIME_UPDATE_DEADLINE_CONTINUE
            return 0
        error = ffi.wasmtime_error_new(b"portable_fn: guest interrupted")
        return ctypes.cast(error, ctypes.c_void_p).value or 0


POOL_SLOTS = 256


@functools.cache
def _wasmtime_version() -> str:
    """The installed wasmtime-py version, read from its dist-info folder's name.

    importlib.metadata would cost ~15 ms of every cold start. A wrong answer only costs a
    recompile: deserializing checks the real version and falls back to compiling.
    """
    site = Path(wasmtime.__file__).resolve().parent.parent
    names = sorted(path.name for path in site.glob("wasmtime-*.dist-info"))
    return names[-1].removeprefix("wasmtime-").removesuffix(".dist-info") if names else "unknown"


def _use_pooling_allocator(config: wasmtime.Config) -> None:
    # POOL_SLOTS concurrent instances per engine: far more than a worker's threads. Each
    # slot reserves address space (not memory) for a full 4 GiB linear memory.
    pooling = ffi.wasmtime_pooling_allocation_config_new()
    for setter in (
        ffi.wasmtime_pooling_allocation_config_total_memories_set,
        ffi.wasmtime_pooling_allocation_config_total_tables_set,
        ffi.wasmtime_pooling_allocation_config_total_core_instances_set,
        ffi.wasmtime_pooling_allocation_config_total_stacks_set,
    ):
        setter(pooling, POOL_SLOTS)
    ffi.wasmtime_pooling_allocation_strategy_set(config.ptr(), pooling)
    ffi.wasmtime_pooling_allocation_config_delete(pooling)


def _tick(engine: wasmtime.Engine) -> None:
    while True:
        time.sleep(TICK_SECONDS)
        engine.increment_epoch()


def detect_kind(wasm: bytes) -> ArtifactKind:
    """Tell a core module from a component by the binary header (WAT text is a module)."""
    if wasm[:4] == b"\0asm":
        return "component" if wasm[4:8] == COMPONENT_LAYER else "module"
    return "module"


def compile_artifact(source: Path, cache_dir: Path | None, precompiled: Path | None = None) -> Program:
    """Compile ``source`` (.wasm or .wat), or deserialize its precompiled form.

    ``precompiled`` names the precompiled file directly (a bundle records it at build time), so
    the artifact is neither read nor hashed; otherwise ``cache_dir`` is searched by content
    hash. Each artifact gets its own engine (and epoch ticker). A precompiled file that does
    not match this wasmtime, CPU or engine setting is recompiled with one warning (and
    rewritten into ``cache_dir``). Raises ArtifactError.
    """
    kind = detect_kind(_read(source, 8))
    engine = Engine(pooled=kind == "module")
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
    return ComponentProgram(engine, compiled)


def _component_model() -> types.ModuleType:
    # Imported on first use: it costs ~5 ms of every cold start and core modules never need it.
    import wasmtime.component

    return wasmtime.component


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
    try:
        if kind == "component":
            component: wasmtime.component.Component = _component_model().Component(engine.native, wasm)
            return component
        return wasmtime.Module(engine.native, wasm if wasm[:4] == b"\0asm" else wasm.decode("utf-8"))
    except (wasmtime.WasmtimeError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{source} is not a valid WebAssembly {kind}: {exc}") from exc


def _load_cached(
    engine: Engine, kind: ArtifactKind, path: Path
) -> wasmtime.Module | wasmtime.component.Component | None:
    try:
        if kind == "component":
            component: wasmtime.component.Component = _component_model().Component.deserialize_file(
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


class Program:
    """A compiled artifact, shared by all threads, that runs each invocation in a fresh store."""

    kind: ArtifactKind

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(
        self,
        invocation: Invocation,
        *,
        memory_bytes: int,
        deadline: float,
        max_output: int,
        on_stderr: Callable[[bytes], None],
    ) -> bytes:
        """Run the command once in a fresh store and return its stdout.

        Whatever the guest wrote to stderr goes to ``on_stderr``, failed runs included (that is
        where a guest's traceback is). Raises GuestTrap, MemoryLimitExceeded, GuestExit,
        GuestTimeout or OutputTooLarge.
        """
        self.engine.start_ticker()
        scratch = self.engine.scratch
        run = scratch.run
        run.deadline, run.stdout_path, run.max_output, run.breach = deadline, scratch.stdout_path, max_output, None
        store = wasmtime.Store(self.engine.native)
        store.set_limits(memory_size=memory_bytes)
        store.set_wasi(_wasi_config(invocation, scratch.stdout_path, scratch.stderr_path))
        store.set_epoch_deadline(1)
        ffi.wasmtime_store_epoch_deadline_callback(store.ptr(), self.engine.on_epoch, None, _NO_FINALIZER)
        try:
            self._execute(store)
        except wasmtime.ExitTrap as exc:
            if exc.code != 0:
                raise GuestExit(exc.code) from exc
        except (wasmtime.Trap, wasmtime.WasmtimeError) as exc:
            raise self._explain(exc, store, run.breach, memory_bytes, max_output) from exc
        finally:
            stderr = _read_capped(scratch.stderr_path, max_output)
            if stderr:
                on_stderr(stderr)
        stdout = _read_capped(scratch.stdout_path, max_output)
        if stdout is None:
            raise OutputTooLarge(f"guest wrote more than the output cap of {max_output} bytes")
        return stdout

    def _explain(
        self, exc: Exception, store: wasmtime.Store, breach: type[GuestError] | None, memory_bytes: int, max_output: int
    ) -> GuestError:
        """The typed error for a run wasmtime stopped: our own interruption first, then the trap."""
        if breach is GuestTimeout:
            return GuestTimeout("guest still running at its deadline")
        if breach is OutputTooLarge:
            return OutputTooLarge(f"guest wrote more than the output cap of {max_output} bytes")
        if self._memory_size(store) + _PAGE > memory_bytes:
            return MemoryLimitExceeded(f"guest trapped at the memory cap of {memory_bytes} bytes: {_first_line(exc)}")
        return GuestTrap(f"guest trapped: {_first_line(exc)}")

    def _execute(self, store: wasmtime.Store) -> None:
        raise NotImplementedError

    def _memory_size(self, store: wasmtime.Store) -> int:
        """Bytes of linear memory the last run ended with (0 where it cannot be seen)."""
        return 0


class ModuleProgram(Program):
    """A core module exporting ``_start`` (WASI preview 1), pre-linked once (InstancePre)."""

    kind: ArtifactKind = "module"

    def __init__(self, engine: Engine, module: wasmtime.Module) -> None:
        super().__init__(engine)
        if not any(export.name == "_start" for export in module.exports):
            raise ArtifactError("module exports no `_start`: it is not a WASI command")
        linker = wasmtime.Linker(engine.native)
        linker.define_wasi()
        try:
            self._pre = linker.instantiate_pre(module)
        except wasmtime.WasmtimeError as exc:
            raise ArtifactError(f"module imports something the host does not provide: {_first_line(exc)}") from exc
        self._instances = threading.local()

    def _execute(self, store: wasmtime.Store) -> None:
        instance = self._pre.instantiate(store)
        self._instances.last = instance
        context = store._context()
        # One named lookup (2-3 µs) instead of Instance.exports(), which walks every export.
        start = ffi.wasmtime_extern_t()
        ffi.wasmtime_instance_export_get(context, ctypes.byref(instance._instance), b"_start", 6, ctypes.byref(start))
        trap = ctypes.POINTER(ffi.wasm_trap_t)()
        error = ffi.wasmtime_func_call(context, ctypes.byref(start.of.func), None, 0, None, 0, ctypes.byref(trap))
        if error:
            raise wasmtime.WasmtimeError._from_ptr(error)
        if trap:
            raise wasmtime.Trap._from_ptr(trap)

    def _memory_size(self, store: wasmtime.Store) -> int:
        memory = self._instances.last.exports(store).get("memory")
        return memory.data_len(store) if isinstance(memory, wasmtime.Memory) else 0


class ComponentProgram(Program):
    """A component exporting ``wasi:cli/run`` (WASI 0.2); wasmtime-py has no component InstancePre."""

    kind: ArtifactKind = "component"

    def __init__(self, engine: Engine, component: wasmtime.component.Component) -> None:
        super().__init__(engine)
        self._component = component
        interface = next(
            (name for name in component.type.exports(engine.native) if name.startswith("wasi:cli/run@")), None
        )
        if interface is None:
            raise ArtifactError("component exports no `wasi:cli/run`: it is not a WASI command")
        run_index = component.get_export_index("run", component.get_export_index(interface))
        if run_index is None:
            raise ArtifactError(f"component's `{interface}` has no `run` function")
        self._run_index = run_index
        self._linker = _component_model().Linker(engine.native)
        self._linker.add_wasip2()

    def _execute(self, store: wasmtime.Store) -> None:
        instance = self._linker.instantiate(store, self._component)
        run = instance.get_func(store, self._run_index)
        assert run is not None, "the export index was checked when the component was loaded"
        # `run` returns result<_, _>: wasmtime-py gives a Variant tagged "ok" or "err".
        if getattr(run(store), "tag", "ok") == "err":
            raise GuestExit(1)


_NO_FINALIZER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)()  # a NULL function pointer


def _wasi_config(invocation: Invocation, stdout_path: str, stderr_path: str) -> wasmtime.WasiConfig:
    config = wasmtime.WasiConfig()
    pointer = config.ptr()
    argv = _char_array(invocation.argv)
    ffi.wasi_config_set_argv(pointer, len(invocation.argv), argv)
    # One array holding names then values: half the ctypes conversions of two arrays.
    count = len(invocation.env)
    both = (ctypes.c_char_p * (2 * count))(*invocation.env.keys(), *invocation.env.values())
    names = ctypes.cast(both, _CHAR_PP)
    values = ctypes.cast(ctypes.addressof(both) + count * ctypes.sizeof(ctypes.c_char_p), _CHAR_PP)
    ffi.wasi_config_set_env(pointer, count, names, values)
    stdin = ffi.wasm_byte_vec_t()
    data = invocation.stdin
    ffi.wasm_byte_vec_new(
        ctypes.byref(stdin), len(data), ctypes.cast(ctypes.c_char_p(data), ctypes.POINTER(ffi.wasm_byte_t))
    )
    ffi.wasi_config_set_stdin_bytes(pointer, ctypes.byref(stdin))
    config.stdout_file = stdout_path
    config.stderr_file = stderr_path
    for grant in invocation.dirs:
        config.preopen_dir(grant.host_path, grant.guest_path, False)
    return config


_CHAR_PP = ctypes.POINTER(ctypes.POINTER(ctypes.c_char))


def _char_array(items: Sequence[bytes]) -> object:
    return ctypes.cast((ctypes.c_char_p * len(items))(*items), _CHAR_PP)


def _read_capped(path: str, cap: int) -> bytes | None:
    """Read a run's output file, or None when it holds more than ``cap`` bytes."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(descriptor).st_size
        return None if size > cap else os.read(descriptor, size)
    finally:
        os.close(descriptor)


def _first_line(exc: BaseException) -> str:
    """The useful line of a wasmtime error: the trap cause, not the backtrace header."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    cause = next((line for line in reversed(lines) if line.startswith("wasm trap:")), None)
    return cause or (lines[0] if lines else type(exc).__name__)


@dataclass(frozen=True, slots=True)
class ArtifactInfo:
    """What ``inspect`` shows about an artifact."""

    kind: ArtifactKind
    imports: tuple[str, ...]
    exports: tuple[str, ...]


def describe(source: Path) -> ArtifactInfo:
    """List an artifact's kind, imports and exports. Raises ArtifactError."""
    engine = Engine()
    wasm = _read(source)
    compiled = _compile(engine, detect_kind(wasm), wasm, source)
    if isinstance(compiled, wasmtime.Module):
        imports = tuple(f"{item.module}.{item.name}" for item in compiled.imports)
        return ArtifactInfo("module", imports, tuple(item.name or "" for item in compiled.exports))
    component_type = compiled.type
    return ArtifactInfo(
        "component", tuple(component_type.imports(engine.native)), tuple(component_type.exports(engine.native))
    )
