"""Why a run failed, as portable_fn's typed error: the host's own stop first, then the guest's trap."""

from __future__ import annotations

import wasmtime

from portable_fn.engine.runs import Breach
from portable_fn.errors import GuestError, GuestExit, GuestTimeout, GuestTrap, MemoryLimitExceeded, OutputTooLarge

_PAGE = 65536
# The last stderr line of a Python component whose app raised MemoryError (wsgi_guest.py writes it):
# memory.grow failing shows up there as a Python exception, not as a trap the host can see.
MEMORY_EXHAUSTED_LINE = b"portable_fn: MemoryError: the app ran out of memory\n"
# wasmtime's refusal to instantiate a memory whose declared minimum is past the store's cap; a
# component's memory cannot be seen from the host, so its message is all there is to go on.
_MINIMUM_PAST_CAP = "exceeds memory limits"


def explain(
    exc: wasmtime.WasmtimeError | wasmtime.Trap,
    breach: Breach | None,
    memory_size: int,
    limits: tuple[int, int],
) -> GuestError | None:
    """The typed error for a run wasmtime stopped (None for a clean ``exit(0)``), caused by ``exc``.

    ``memory_size`` is the guest's linear memory when it stopped (0 where it cannot be seen);
    ``limits`` is (memory cap, output cap) in bytes.
    """
    memory_bytes, max_output = limits
    error: GuestError
    if isinstance(exc, wasmtime.ExitTrap):
        if exc.code == 0:
            return None
        error = GuestExit(exc.code)
    elif breach is GuestTimeout:
        error = GuestTimeout("guest still running at its deadline")
    elif breach is OutputTooLarge:
        error = output_too_large(max_output)
    elif _is_memory_cap(exc, memory_size, memory_bytes):
        error = memory_limit_exceeded(memory_bytes, first_line(exc))
    else:
        error = GuestTrap(f"guest trapped: {first_line(exc)}")
    error.__cause__ = exc
    return error


def explain_exit(failure: GuestError | None, stderr: bytes, memory_bytes: int) -> GuestError | None:
    """A component's failed run is a memory-cap breach when its runner says the app ran out of memory."""
    if isinstance(failure, GuestExit) and stderr.endswith(MEMORY_EXHAUSTED_LINE):
        return memory_limit_exceeded(memory_bytes, "MemoryError")
    return failure


def _is_memory_cap(exc: wasmtime.WasmtimeError | wasmtime.Trap, memory_size: int, memory_bytes: int) -> bool:
    """Whether the run stopped at the memory cap: a trap with no room left to grow, or a memory
    whose declared minimum the cap refused at instantiation."""
    if _MINIMUM_PAST_CAP in str(exc):
        return True
    return memory_size + _PAGE > memory_bytes and _trap_code(exc) != wasmtime.TrapCode.STACK_OVERFLOW


def outcome(failure: GuestError | None, stdout: bytes | None, stderr: bytes, limits: tuple[int, int]) -> bytes:
    """A run's stdout, or its typed failure raised; ``limits`` is (memory cap, output cap) in bytes."""
    memory_bytes, max_output = limits
    failure = explain_exit(failure, stderr, memory_bytes)
    if failure is not None:
        raise failure
    if stdout is None:
        raise output_too_large(max_output)
    return stdout


def memory_limit_exceeded(memory_bytes: int, cause: str) -> MemoryLimitExceeded:
    return MemoryLimitExceeded(f"guest trapped at the memory cap of {memory_bytes} bytes: {cause}")


def output_too_large(max_output: int) -> OutputTooLarge:
    return OutputTooLarge(f"guest wrote more than the output cap of {max_output} bytes")


def _trap_code(exc: BaseException) -> wasmtime.TrapCode | None:
    # Only core-module traps carry a code: a component call fails with a plain WasmtimeError.
    return exc.trap_code if isinstance(exc, wasmtime.Trap) else None


def first_line(exc: BaseException) -> str:
    """The useful line of a wasmtime error: the trap cause, not the backtrace header.

    Component errors number their causes (``1: wasm trap: ...``); the number is dropped, so a
    module and a component trapping alike read alike.
    """
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    causes = [line.partition(": ")[2] if line[:1].isdigit() else line for line in lines]
    cause = next((line for line in reversed(causes) if line.startswith("wasm trap:")), None)
    return cause or (lines[0] if lines else type(exc).__name__)
