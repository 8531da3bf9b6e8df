"""The wasmtime engines portable_fn runs guests on: one per process per setting, each with its epoch ticker.

Engines are shared: every Function whose artifact needs the same settings uses the same engine,
so a process holds at most a few pools of reserved address space however many Functions it loads.
"""

from __future__ import annotations

import ctypes
import functools
import os
import threading
import types
import weakref
from pathlib import Path

import wasmtime
from wasmtime import _ffi as ffi

from portable_fn.engine.runs import Runs, on_tick
from portable_fn.types import MIB
from portable_fn.values import frozen

TICK_SECONDS = 0.01
# Concurrent instances a pooled engine holds: far more than a worker's threads. Each slot
# reserves address space (not memory) for a full 4 GiB linear memory plus its guard.
POOL_SLOTS = 256
# Bytes of each used slot's memory and tables kept resident between requests: a C guest's whole
# memory (2-3 pages), while bounding the zeroing cost of a guest that grew large (and RSS to
# this much per slot a worker has used, usually one per thread).
KEEP_RESIDENT_BYTES = 256 * 1024
# What the default settings reserve at most: a pool of full 4 GiB memories (plus guards), with room to spare.
_DEFAULT_ADDRESS_SPACE = 2 * POOL_SLOTS * (4096 + 32) * MIB

_DeadlineCallback = ctypes.CFUNCTYPE(
    ctypes.c_size_t,
    ctypes.POINTER(ffi.wasmtime_context_t),
    ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_uint64),
    ctypes.POINTER(ffi.wasmtime_update_deadline_kind_t),
)


@frozen
class EngineSettings:
    """What makes two engines different: the allocation strategy and the linear-memory reservation.

    ``memory_reservation`` None keeps wasmtime's default (4 GiB per memory: compiled code needs no
    bounds checks); a number is used where the process's address space is limited.
    """

    pooled: bool = False
    memory_reservation: int | None = None

    @property
    def label(self) -> str:
        """The settings as they appear in a precompiled artifact's file name."""
        reserved = f"-reserve{self.memory_reservation // MIB}m" if self.memory_reservation else ""
        return ("epoch-pooled" if self.pooled else "epoch") + reserved


def settings_for(*, pooled: bool, memory_bytes: int) -> EngineSettings:
    """The engine settings for a guest: pooled where asked, unless the address space is limited.

    Under an address-space limit (``ulimit -v``) too small for the pool, where even one default
    4 GiB reservation per instance hardly fits, instances are allocated on demand, each reserving
    only ``memory_bytes`` (rounded up to a MiB), at the price of bounds checks in compiled code
    (and a precompiled artifact of its own: the setting is part of the fingerprint).
    """
    import resource  # a builtin module: microseconds, once per load

    soft_limit, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft_limit == resource.RLIM_INFINITY or soft_limit >= _DEFAULT_ADDRESS_SPACE:
        return EngineSettings(pooled=pooled)
    return EngineSettings(pooled=False, memory_reservation=-(-memory_bytes // MIB) * MIB)


class Engine:
    """A wasmtime Engine with epoch interruption and the ticker thread that drives it.

    ``pooled`` engines use wasmtime's pooling allocator: instance slots reserved once and
    reset between requests, which cut a small module's request cost by about 30% here.
    The ticker runs while at least one Program holds the engine (``acquire``/``release``) and
    is started again in a forked child, where threads vanish.
    """

    def __init__(self, settings: EngineSettings = EngineSettings()) -> None:
        config = wasmtime.Config()
        config.epoch_interruption = True
        if settings.memory_reservation is not None:
            config.memory_reservation = settings.memory_reservation
            config.memory_reservation_for_growth = 0
        if settings.pooled:
            _use_pooling_allocator(config)
        self.settings = settings
        self.native = wasmtime.Engine(config)
        self.runs = Runs()
        self._lock = threading.Lock()
        self._users = 0
        self._ticker_pid = 0
        self._tickers: list[threading.Event] = []
        # Bound once: the same callback object serves every store of this engine.
        self.on_epoch = _DeadlineCallback(functools.partial(on_tick, self.runs))
        weakref.finalize(self, _stop_all, self._tickers)

    @property
    def fingerprint(self) -> str:
        """What a precompiled artifact must match: wasmtime version, CPU and engine settings."""
        return f"wasmtime{_wasmtime_version()}-{os.uname().machine}-{self.settings.label}"

    def acquire(self) -> None:
        """Count one more Program using this engine."""
        with self._lock:
            self._users += 1

    def release(self) -> None:
        """Count one Program fewer; the ticker stops when none is left."""
        with self._lock:
            self._users -= 1
            if self._users == 0:
                _stop_all(self._tickers)
                self._ticker_pid = 0

    def start_ticker(self) -> None:
        """Start the epoch ticker in this process if it is not running (again after a fork)."""
        if self._ticker_pid == _Process.pid:
            return
        with self._lock:
            if self._ticker_pid != _Process.pid:
                stop = threading.Event()
                self._tickers.append(stop)
                threading.Thread(target=_tick, args=(self.native, stop), name="portable_fn-epoch", daemon=True).start()
                self._ticker_pid = _Process.pid


class _Process:
    """This process's id, kept current across fork(): asked for on every request, getpid() is a system call."""

    pid = os.getpid()


def _note_fork() -> None:
    _Process.pid = os.getpid()


os.register_at_fork(after_in_child=_note_fork)


_shared: weakref.WeakValueDictionary[EngineSettings, Engine] = weakref.WeakValueDictionary()
_shared_lock = threading.Lock()


def shared_engine(settings: EngineSettings) -> Engine:
    """The process's engine for ``settings``, built on first use and kept while anything holds it."""
    with _shared_lock:
        engine = _shared.get(settings)
        if engine is None:
            engine = _shared[settings] = Engine(settings)
        return engine


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
    pooling = ffi.wasmtime_pooling_allocation_config_new()
    for setter in (
        ffi.wasmtime_pooling_allocation_config_total_memories_set,
        ffi.wasmtime_pooling_allocation_config_total_tables_set,
        ffi.wasmtime_pooling_allocation_config_total_core_instances_set,
        ffi.wasmtime_pooling_allocation_config_total_stacks_set,
    ):
        setter(pooling, POOL_SLOTS)
    # A freed slot's first bytes are zeroed in place rather than given back to the kernel: a small
    # guest's next request then takes no page faults (measured: ~20% of a C guest's request).
    ffi.wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(pooling, KEEP_RESIDENT_BYTES)
    ffi.wasmtime_pooling_allocation_config_table_keep_resident_set(pooling, KEEP_RESIDENT_BYTES)
    ffi.wasmtime_pooling_allocation_strategy_set(config.ptr(), pooling)
    ffi.wasmtime_pooling_allocation_config_delete(pooling)


def _tick(engine: wasmtime.Engine, stop: threading.Event) -> None:
    while not stop.wait(TICK_SECONDS):
        engine.increment_epoch()


def _stop_all(tickers: list[threading.Event]) -> None:
    for stop in tickers:
        stop.set()
    tickers.clear()


def component_model() -> types.ModuleType:
    # Imported on first use: it costs ~5 ms of every cold start and core modules never need it.
    import wasmtime.component

    return wasmtime.component
