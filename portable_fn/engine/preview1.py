"""Two WASI preview 1 calls replaced for core modules, so that limits hold inside host calls.

``poll_oneoff`` (every sleep) waits at most until the run's deadline, releasing the GIL, then
ends the run as GuestTimeout; wasmtime's own would block for as long as the guest asked.
``fd_write`` copies stdout and stderr straight into the run's capped ``Capture`` buffers: stdout
past its cap ends the run as OutputTooLarge before a byte of the excess is copied, stderr past its
cap is counted and dropped. wasmtime's own stdout and stderr stay unset (empty sinks), so no other
call (``fd_pwrite``, a renumbered descriptor) can write around the caps.

Both are raw ``_ffi`` callbacks (~15 µs a call): wasmtime-py's ``define_func`` costs more and
keeps a raised exception in a global that threads share. They follow wasmtime's own behaviour:
stdin (an in-memory buffer) is always readable, stdout and stderr always writable, each with
``nbytes`` 1; a subscription on any other descriptor fails the call with EBADF (wasmtime answers so
for directories; a granted regular file, which wasmtime reports ready, is the one difference).
"""

from __future__ import annotations

import ctypes
import functools
import logging
import struct
import time
from collections.abc import Callable

import wasmtime
from wasmtime import _ffi as ffi

from portable_fn.engine import native
from portable_fn.engine.runs import Runs
from portable_fn.errors import GuestTimeout, OutputTooLarge

_log = logging.getLogger("portable_fn.engine")
_SUCCESS, _EBADF, _EFAULT, _EINVAL = 0, 8, 21, 28
_REALTIME, _MONOTONIC = 0, 1
_CLOCK, _FD_READ, _FD_WRITE = 0, 1, 2
_ABSTIME = 1
_SUBSCRIPTION = struct.Struct("<QB7xI4xQQH6x")  # userdata, tag, clock id or fd, timeout, precision, flags
_EVENT = struct.Struct("<QHB5xQH6x")  # userdata, error, type, nbytes, flags
_IOVEC = struct.Struct("<II")
_U32 = struct.Struct("<I")
_U32_MASK = 0xFFFFFFFF


class _Memory:
    """The calling instance's exported linear memory, bounds-checked."""

    __slots__ = ("base", "size")

    def __init__(self, caller: ctypes._Pointer[ffi.wasmtime_caller_t]) -> None:
        item = ffi.wasmtime_extern_t()
        self.base, self.size = 0, 0
        found = native.caller_export_get(caller, b"memory", 6, ctypes.byref(item))
        # ctypes reads the c_uint8 `kind` field as a plain int, which the stubs do not know.
        if found and item.kind == native.EXTERN_MEMORY:  # type: ignore[comparison-overlap]
            context = native.caller_context(caller)
            memory = ctypes.addressof(item) + native.EXTERN_ITEM_OFFSET
            self.base = native.memory_data(context, memory) or 0
            self.size = native.memory_data_size(context, memory)

    def holds(self, pointer: int, length: int) -> bool:
        return pointer + length <= self.size

    def read(self, pointer: int, length: int) -> bytes:
        return ctypes.string_at(self.base + pointer, length)

    def write(self, pointer: int, data: bytes) -> None:
        ctypes.memmove(self.base + pointer, data, len(data))


def install(linker: wasmtime.Linker, runs: Runs) -> list[object]:
    """Shadow ``poll_oneoff`` and ``fd_write`` in ``linker`` (after ``define_wasi``).

    Returns the callback objects, which must live as long as the linker's instances.
    """
    ffi.wasmtime_linker_allow_shadowing(linker.ptr(), True)
    callbacks: list[object] = []
    for name, function in ((b"poll_oneoff", _poll_oneoff), (b"fd_write", _fd_write)):
        callback = ffi.wasmtime_func_unchecked_callback_t(functools.partial(_call, function, runs))
        signature = wasmtime.FuncType([wasmtime.ValType.i32()] * 4, [wasmtime.ValType.i32()])
        module = b"wasi_snapshot_preview1"
        error = ffi.wasmtime_linker_define_func_unchecked(
            linker.ptr(), module, len(module), name, len(name), signature.ptr(), callback, None, _NO_FINALIZER
        )
        if error:
            raise wasmtime.WasmtimeError._from_ptr(error)
        callbacks.append(callback)
    return callbacks


_Shim = Callable[[Runs, "_Memory", tuple[int, int, int, int]], "int | None"]


def _call(
    function: _Shim,
    runs: Runs,
    _env: object,
    caller: ctypes._Pointer[ffi.wasmtime_caller_t],
    values: ctypes._Pointer[ffi.wasmtime_val_raw_t],
    _n: int,
) -> int:
    """Run one shim on its four i32 arguments; None from it means: trap (its breach is recorded).

    An exception here is our bug: it is logged with its traceback and ends the run as a trap,
    never a success code handed to the guest (ctypes would swallow it and return 0).
    """
    arguments = (
        values[0].i32 & _U32_MASK,
        values[1].i32 & _U32_MASK,
        values[2].i32 & _U32_MASK,
        values[3].i32 & _U32_MASK,
    )
    try:
        errno = function(runs, _Memory(caller), arguments)
    except Exception:
        _log.exception("portable_fn bug in the WASI shim %s", function.__name__)
        errno = None
    if errno is None:
        message = b"portable_fn: guest stopped in a host call"
        return ctypes.cast(ffi.wasmtime_trap_new(message, len(message)), ctypes.c_void_p).value or 0
    values[0].i32 = errno
    return 0


def _poll_oneoff(runs: Runs, memory: _Memory, arguments: tuple[int, int, int, int]) -> int | None:
    """Wait for the first subscription due, but never past the run's deadline (then: None, a trap)."""
    subscriptions, events, count, nevents = arguments
    if count == 0:
        return _EINVAL
    sizes = ((subscriptions, count * _SUBSCRIPTION.size), (events, count * _EVENT.size), (nevents, 4))
    if not all(memory.holds(pointer, length) for pointer, length in sizes):
        return _EFAULT
    run = runs.current
    raw, now = memory.read(subscriptions, count * _SUBSCRIPTION.size), time.monotonic_ns()
    parsed = [_parse(raw, index, run.clock_base, now) for index in range(count)]
    errors = [item for item in parsed if isinstance(item, int)]
    if errors:
        return errors[0]
    due = [item for item in parsed if not isinstance(item, int)]
    deadline = int(run.deadline * 1e9)
    if min(when for _userdata, _kind, when in due) > deadline:
        _sleep_until(deadline)
        run.breach = GuestTimeout
        return None
    _sleep_until(min(when for _userdata, _kind, when in due))
    now = time.monotonic_ns()
    ready = [(userdata, kind) for userdata, kind, when in due if when <= now]
    for index, (userdata, kind) in enumerate(ready):
        memory.write(events + index * _EVENT.size, _EVENT.pack(userdata, 0, kind, 0 if kind == _CLOCK else 1, 0))
    memory.write(nevents, _U32.pack(len(ready)))
    return _SUCCESS


def _parse(raw: bytes, index: int, clock_base: int, now: int) -> tuple[int, int, int] | int:
    """One subscription as (userdata, event type, when it is due as ``time.monotonic_ns()``), or an errno.

    The guest's monotonic clock counts from ``clock_base``, when its WASI context was made.
    """
    userdata, kind, target, timeout, _precision, flags = _SUBSCRIPTION.unpack_from(raw, index * _SUBSCRIPTION.size)
    absolute = flags & _ABSTIME
    if kind == _CLOCK and target == _MONOTONIC:
        return userdata, kind, clock_base + timeout if absolute else now + timeout
    if kind == _CLOCK and target == _REALTIME:
        return userdata, kind, now + (max(0, timeout - time.time_ns()) if absolute else timeout)
    if kind == _CLOCK or kind not in (_FD_READ, _FD_WRITE):
        return _EINVAL
    return (userdata, kind, now) if (kind, target) in _READY_STREAMS else _EBADF


_READY_STREAMS = frozenset({(_FD_READ, 0), (_FD_WRITE, 1), (_FD_WRITE, 2)})


def _sleep_until(when: int) -> None:
    remaining = when - time.monotonic_ns()
    if remaining > 0:
        time.sleep(remaining / 1e9)  # releases the GIL: other requests run meanwhile


def _fd_write(runs: Runs, memory: _Memory, arguments: tuple[int, int, int, int]) -> int | None:
    """Copy stdout or stderr into the run's capture; stdout past its cap is None (a trap)."""
    descriptor, vectors_at, count, written_at = arguments
    run = runs.current
    stream = run.stdout if descriptor == 1 else run.stderr if descriptor == 2 else None
    if stream is None:
        return _EBADF
    if not (memory.holds(vectors_at, count * _IOVEC.size) and memory.holds(written_at, 4)):
        return _EFAULT
    raw = memory.read(vectors_at, count * _IOVEC.size)
    vectors = [_IOVEC.unpack_from(raw, index * _IOVEC.size) for index in range(count)]
    if not all(memory.holds(pointer, length) for pointer, length in vectors):
        return _EFAULT
    total = sum(length for _pointer, length in vectors)
    if stream is run.stdout and stream.size + total > stream.cap:
        run.breach = OutputTooLarge
        return None
    for pointer, length in vectors:
        kept = min(length, stream.cap - stream.size)
        stream.add(memory.read(pointer, kept) if kept else b"", length)
    memory.write(written_at, _U32.pack(total & _U32_MASK))
    return _SUCCESS


_NO_FINALIZER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)()  # a NULL function pointer
