"""Programs: a compiled artifact that runs each invocation in a fresh store, with limits enforced.

The per-request path uses a few of wasmtime-py's ``_ffi`` calls where the public API costs
tens of microseconds a request (stdin as bytes, env/argv arrays, one export lookup).
"""

from __future__ import annotations

import ctypes
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import wasmtime
from wasmtime import _ffi as ffi

from portable_fn.engine import native, preview1
from portable_fn.engine import network as outbound
from portable_fn.engine.failures import explain, first_line, outcome
from portable_fn.engine.runs import RunState
from portable_fn.engine.runtime import Engine, component_model
from portable_fn.engine.streams import Capture, StreamFiles, with_truncation_note
from portable_fn.errors import ArtifactError, GuestError, GuestExit
from portable_fn.limits import DirGrant
from portable_fn.types import ArtifactKind
from portable_fn.values import frozen

if TYPE_CHECKING:
    import wasmtime.component


@frozen
class Invocation:
    """What one run of a WASI command gets: argv, environment, stdin and read-only dirs."""

    argv: Sequence[bytes]
    env: Mapping[bytes, bytes]
    stdin: bytes
    dirs: Sequence[DirGrant] = ()


class Program:
    """A compiled artifact, shared by all threads, that runs each invocation in a fresh store.

    It holds its engine (keeping the epoch ticker running) until ``close()``.
    """

    kind: ArtifactKind

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        engine.acquire()
        self._release = weakref.finalize(self, engine.release)

    def close(self) -> None:
        """Let go of the engine: its ticker stops when no other Program uses it. Idempotent."""
        self._release()

    def run(
        self,
        invocation: Invocation,
        *,
        memory_bytes: int,
        deadline: float,
        max_output: int,
        max_stderr: int,
        on_stderr: Callable[[bytes], None],
    ) -> bytes:
        """Run the command once in a fresh store and return its stdout.

        Whatever the guest wrote to stderr (its first ``max_stderr`` bytes, then one line saying
        how much was dropped) goes to ``on_stderr``, failed runs included (that is where a
        guest's traceback is). Raises GuestTrap, MemoryLimitExceeded, GuestExit, GuestTimeout or
        OutputTooLarge, and ArtifactError once closed.
        """
        run = self._begin(deadline, max_output, max_stderr)
        store = self._new_store(invocation, run, memory_bytes)
        failure: GuestError | None = None
        try:
            if not self._execute(store):
                failure = GuestExit(1)
        except (wasmtime.Trap, wasmtime.WasmtimeError) as exc:
            failure = explain(exc, run.breach, self._memory_size(store), (memory_bytes, max_output))
        finally:
            stdout, stderr = self._collect(run)
            if stderr:
                on_stderr(stderr)
        return outcome(failure, stdout, stderr, (memory_bytes, max_output))

    def _begin(self, deadline: float, max_output: int, max_stderr: int) -> RunState:
        """This thread's fresh run state, once the engine's ticker runs. Raises ArtifactError once closed."""
        if not self._release.alive:
            raise ArtifactError("this Function is closed: load it again to run it")
        self.engine.start_ticker()
        run = self.engine.runs.current = RunState(deadline, stdout=Capture(max_output), stderr=Capture(max_stderr))
        return run

    def _new_store(self, invocation: Invocation, run: RunState, memory_bytes: int) -> wasmtime.Store:
        """A fresh store: the memory cap, the invocation's WASI context, the epoch callback."""
        store = wasmtime.Store(self.engine.native)
        store.set_limits(memory_size=memory_bytes)
        store.set_wasi(self._wasi_config(invocation, run))
        run.clock_base = time.monotonic_ns()
        store.set_epoch_deadline(1)
        ffi.wasmtime_store_epoch_deadline_callback(store.ptr(), self.engine.on_epoch, None, _NO_FINALIZER)
        return store

    def _wasi_config(self, invocation: Invocation, run: RunState) -> wasmtime.WasiConfig:
        """The WASI context for one run, its stdout and stderr wired to ``run``."""
        raise NotImplementedError

    def _collect(self, run: RunState) -> tuple[bytes | None, bytes]:
        """The run's stdout (None past its cap) and its stderr as it is logged."""
        raise NotImplementedError

    def _execute(self, store: wasmtime.Store) -> bool:
        """Run the command in ``store``: False when it reports failure; raises what wasmtime raises."""
        raise NotImplementedError

    def _memory_size(self, store: wasmtime.Store) -> int:
        """Bytes of linear memory the last run ended with (0 where it cannot be seen)."""
        return 0


class ModuleProgram(Program):
    """A core module exporting ``_start`` (WASI preview 1), pre-linked once (InstancePre).

    Its run makes the store, WASI context and call through ``engine.native`` rather than
    wasmtime-py's objects: the same steps as ``Program.run``, at half the Python cost.
    """

    kind: ArtifactKind = "module"

    def __init__(self, engine: Engine, module: wasmtime.Module) -> None:
        super().__init__(engine)
        if not any(export.name == "_start" and isinstance(export.type, wasmtime.FuncType) for export in module.exports):
            raise ArtifactError("module exports no `_start` function: it is not a WASI command")
        linker = wasmtime.Linker(engine.native)
        linker.define_wasi()
        self._shims = preview1.install(linker, engine.runs)
        try:
            self._pre = linker.instantiate_pre(module)
        except wasmtime.WasmtimeError as exc:
            raise ArtifactError(f"module imports something the host does not provide: {first_line(exc)}") from exc
        # Both stay alive with this Program (engine and _pre): their addresses are used on every run.
        self._engine_address = native.address(engine.native.ptr())
        self._pre_address = native.address(self._pre.ptr())

    def run(
        self,
        invocation: Invocation,
        *,
        memory_bytes: int,
        deadline: float,
        max_output: int,
        max_stderr: int,
        on_stderr: Callable[[bytes], None],
    ) -> bytes:
        run = self._begin(deadline, max_output, max_stderr)
        store = native.NativeStore(self._engine_address, memory_bytes)
        try:
            failure = self._start(store, invocation, run, (memory_bytes, max_output))
        finally:
            store.close()
            stderr = run.stderr
            stdout, log = run.stdout.data(), with_truncation_note(stderr.data(), stderr.dropped, stderr.cap)
            if log:
                on_stderr(log)
        return outcome(failure, stdout, log, (memory_bytes, max_output))

    def _start(
        self, store: native.NativeStore, invocation: Invocation, run: RunState, limits: tuple[int, int]
    ) -> GuestError | None:
        """Run ``_start`` in ``store``: the typed failure, or None for a clean exit."""
        # stdout and stderr stay unset: the shimmed fd_write fills run.stdout and run.stderr.
        store.set_wasi(invocation.argv, invocation.env, invocation.stdin, invocation.dirs)
        run.clock_base = time.monotonic_ns()
        store.set_epoch_callback(self.engine.on_epoch)
        try:
            store.run_start(self._pre_address)
        except (wasmtime.Trap, wasmtime.WasmtimeError) as exc:
            return explain(exc, run.breach, store.memory_size(), limits)
        return None


class ComponentProgram(Program):
    """A component exporting ``wasi:cli/run`` (WASI 0.2); wasmtime-py has no component InstancePre.

    ``network`` links ``wasi:http``, allows name lookups and announces the run's time left
    (see ``engine.network``); without it, a ``wasi:http`` call fails the run as NetworkNotGranted.
    """

    kind: ArtifactKind = "component"

    def __init__(self, engine: Engine, component: wasmtime.component.Component, *, network: bool = False) -> None:
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
        self._network = network
        self._linker = component_model().Linker(engine.native)
        self._linker.add_wasip2()
        outbound.link_network(self._linker, component, engine.native, network)

    def _new_store(self, invocation: Invocation, run: RunState, memory_bytes: int) -> wasmtime.Store:
        store = super()._new_store(invocation, run, memory_bytes)
        if self._network:
            outbound.open_network(store)  # always paired with link_network's wasi:http
        return store

    def _wasi_config(self, invocation: Invocation, run: RunState) -> wasmtime.WasiConfig:
        if self._network:
            invocation = outbound.with_remaining_time(invocation, run.deadline)
        config = wasi_config(invocation)
        if self._network:
            outbound.allow_name_lookups(config)
        files = run.files = StreamFiles(run.stdout.cap, run.stderr.cap)
        config.stdout_file = files.stdout_path
        config.stderr_file = files.stderr_path
        files.release_names()
        return config

    def _collect(self, run: RunState) -> tuple[bytes | None, bytes]:
        files = run.files
        assert files is not None, "_wasi_config made them"
        try:
            return files.stdout(), files.stderr()
        finally:
            files.close()

    def _execute(self, store: wasmtime.Store) -> bool:
        instance = self._linker.instantiate(store, self._component)
        run = instance.get_func(store, self._run_index)
        assert run is not None, "the export index was checked when the component was loaded"
        try:
            # `run` returns result<_, _>: wasmtime-py gives a Variant tagged "ok" or "err".
            return getattr(run(store), "tag", "ok") != "err"
        except wasmtime.WasmtimeError as exc:
            denied = None if self._network else outbound.network_not_granted(exc)
            if denied is not None:
                raise denied from exc
            raise


_NO_FINALIZER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)()  # a NULL function pointer


def wasi_config(invocation: Invocation) -> wasmtime.WasiConfig:
    """A WASI context with the invocation's argv, environment, stdin and read-only dirs."""
    config = wasmtime.WasiConfig()
    pointer = native.address(config.ptr())
    native.configure_wasi(pointer, invocation.argv, invocation.env, invocation.stdin)
    native.preopen_dirs(pointer, invocation.dirs)
    return config
