"""One thread's current run: its deadline, its output, and why the host stopped it, if it did."""

from __future__ import annotations

import ctypes
import threading
import time

from wasmtime import _ffi as ffi

from portable_fn.engine.streams import Capture, StreamFiles
from portable_fn.errors import GuestTimeout, OutputTooLarge
from portable_fn.values import field, mutable

Breach = type[GuestTimeout] | type[OutputTooLarge]


@mutable
class RunState:
    """What the epoch callback and the WASI shims read and write while one guest runs on a thread.

    Core modules fill ``stdout``/``stderr`` through the shimmed ``fd_write``; components write
    into ``files`` instead.
    """

    deadline: float = 0.0
    clock_base: int = 0  # time.monotonic_ns() when the guest's monotonic clock read 0
    stdout: Capture = field(default_factory=lambda: Capture(0))
    stderr: Capture = field(default_factory=lambda: Capture(0))
    files: StreamFiles | None = None
    breach: Breach | None = None


class Runs(threading.local):
    """Each thread's current run, read by the epoch callback and the WASI shims while a guest runs."""

    def __init__(self) -> None:
        self.current = RunState()


def on_tick(
    runs: Runs,
    _context: object,
    _data: object,
    delta: ctypes.Array[ctypes.c_uint64],
    kind: ctypes.Array[ctypes.c_uint8],
) -> int:
    """The epoch-deadline callback: stop the guest at its deadline or past its output cap, else go on."""
    run = runs.current
    if time.monotonic() >= run.deadline:
        run.breach = GuestTimeout
    elif run.files is not None and run.files.stdout_exceeded():
        run.breach = OutputTooLarge
    else:
        delta[0] = 1
        kind[0] = 0  # WASMTIME_UPDATE_DEADLINE_CONTINUE
        return 0
    return interrupt(run.breach)


def interrupt(breach: Breach) -> int:
    """A wasmtime error (as the callback's integer) that ends the run, after ``breach`` was recorded."""
    error = ffi.wasmtime_error_new(f"portable_fn: guest interrupted ({breach.__name__})".encode())
    return ctypes.cast(error, ctypes.c_void_p).value or 0
