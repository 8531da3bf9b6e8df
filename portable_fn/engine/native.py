"""The wasmtime C calls a request makes, bound straight to the library with plain-address arguments.

wasmtime-py's wrappers cost about a microsecond a call (a Python frame, a typed pointer made and
checked per argument, a finalizer per object) and a core module's request makes about fifteen.
These prototypes take addresses as ``c_void_p`` (an int, bytes or any ctypes object converts), so
a call is one ctypes conversion per argument. They are fresh function objects: wasmtime-py's own
keep their argument types. Whatever is made here is deleted here: a store by ``NativeStore.close``,
a WASI config by the store it is handed to.
"""

from __future__ import annotations

import ctypes
import functools
from array import array
from collections.abc import Mapping, Sequence
from itertools import accumulate
from typing import Any

import wasmtime
from wasmtime import _ffi as ffi

from portable_fn.limits import DirGrant

_VOID = ctypes.c_void_p
_SIZE = ctypes.c_size_t
_I64 = ctypes.c_int64
_BOOL = ctypes.c_bool


def _bind(name: str, restype: Any, *argtypes: Any) -> Any:
    function = ffi.dll[name]
    function.restype = restype
    function.argtypes = argtypes
    return function


_store_new = _bind("wasmtime_store_new", _VOID, _VOID, _VOID, _VOID)
_store_context = _bind("wasmtime_store_context", _VOID, _VOID)
_store_limiter = _bind("wasmtime_store_limiter", None, _VOID, _I64, _I64, _I64, _I64, _I64)
_store_delete = _bind("wasmtime_store_delete", None, _VOID)
_store_epoch_callback = _bind("wasmtime_store_epoch_deadline_callback", None, _VOID, _VOID, _VOID, _VOID)
_set_epoch_deadline = _bind("wasmtime_context_set_epoch_deadline", None, _VOID, ctypes.c_uint64)
_config_new = _bind("wasi_config_new", _VOID)
_config_delete = _bind("wasi_config_delete", None, _VOID)
_config_set_argv = _bind("wasi_config_set_argv", _BOOL, _VOID, _SIZE, _VOID)
_config_set_env = _bind("wasi_config_set_env", _BOOL, _VOID, _SIZE, _VOID, _VOID)
_config_set_stdin = _bind("wasi_config_set_stdin_bytes", None, _VOID, _VOID)
_config_preopen_dir = _bind("wasi_config_preopen_dir", _BOOL, _VOID, ctypes.c_char_p, ctypes.c_char_p, _BOOL)
_byte_vec_new = _bind("wasm_byte_vec_new", None, _VOID, _SIZE, _VOID)
_context_set_wasi = _bind("wasmtime_context_set_wasi", _VOID, _VOID, _VOID)
_instantiate = _bind("wasmtime_instance_pre_instantiate", _VOID, _VOID, _VOID, _VOID, _VOID)
_export_get = _bind("wasmtime_instance_export_get", _BOOL, _VOID, _VOID, ctypes.c_char_p, _SIZE, _VOID)
_func_call = _bind("wasmtime_func_call", _VOID, _VOID, _VOID, _VOID, _SIZE, _VOID, _SIZE, _VOID)
memory_data_size = _bind("wasmtime_memory_data_size", _SIZE, _VOID, _VOID)
caller_export_get = _bind("wasmtime_caller_export_get", _BOOL, _VOID, ctypes.c_char_p, _SIZE, _VOID)
caller_context = _bind("wasmtime_caller_context", _VOID, _VOID)
memory_data = _bind("wasmtime_memory_data", _VOID, _VOID, _VOID)

# Where an extern's payload (its func or memory handle) sits inside wasmtime_extern_t.
EXTERN_ITEM_OFFSET: int = ffi.wasmtime_extern_t.of.offset
EXTERN_MEMORY: int = ffi.WASMTIME_EXTERN_MEMORY.value
_EXTERN_FUNC: int = ffi.WASMTIME_EXTERN_FUNC.value
_POINTER_TYPECODE = {4: "I", 8: "Q"}[ctypes.sizeof(_VOID)]
_NUL_TERMINATED = (1).__add__


def address(pointer: ctypes._Pointer[Any]) -> int:
    """The address a ctypes pointer (wasmtime-py's ``ptr()``) holds."""
    return ctypes.cast(pointer, _VOID).value or 0


class CStrings:
    """Byte strings as C strings: one NUL-separated copy and an array of pointers into it.

    One copy and one array, where a ctypes array of strings converts each item on its own. An
    item with a NUL in it ends there, as a C string does; the pointers after it are not shifted.
    """

    __slots__ = ("_joined", "_pointers", "address", "pointer_size")

    def __init__(self, items: Sequence[bytes]) -> None:
        self._joined = b"\0".join(items) + b"\0"
        # The c_char_p's own storage holds the address of joined's bytes: read it back without a cast call.
        start = _VOID.from_buffer(ctypes.c_char_p(self._joined)).value or 0
        self._pointers = array(_POINTER_TYPECODE, accumulate(map(_NUL_TERMINATED, map(len, items)), initial=start))
        self.address: int = self._pointers.buffer_info()[0]
        self.pointer_size = self._pointers.itemsize


# Requests to one guest carry the same variable names again and again: their pointers are made once.
_NAME_SETS_KEPT = 64
_names = functools.lru_cache(maxsize=_NAME_SETS_KEPT)(CStrings)


def configure_wasi(config: int, argv: Sequence[bytes], env: Mapping[bytes, bytes], stdin: bytes) -> None:
    """Give the WASI config at ``config`` its argv, environment and stdin (wasmtime copies all three)."""
    names = _names(tuple(env))
    strings = CStrings([*argv, *env.values()])
    _config_set_argv(config, len(argv), strings.address)
    _config_set_env(config, len(env), names.address, strings.address + strings.pointer_size * len(argv))
    if stdin:  # without it, stdin is already empty: reads see end of file
        vector = ffi.wasm_byte_vec_t()
        _byte_vec_new(ctypes.byref(vector), len(stdin), stdin)
        _config_set_stdin(config, ctypes.byref(vector))


def preopen_dirs(config: int, dirs: Sequence[DirGrant]) -> None:
    """Give the WASI config at ``config`` each granted directory, read-only."""
    for grant in dirs:
        _config_preopen_dir(config, grant.host_path.encode(), grant.guest_path.encode(), False)


class NativeStore:
    """One request's store for a core module; ``close()`` deletes it and everything in it."""

    __slots__ = ("_instance", "_instantiated", "address", "context")

    def __init__(self, engine: int, memory_bytes: int) -> None:
        self.address: int = _store_new(engine, None, None)
        self.context: int = _store_context(self.address)
        self._instance = ffi.wasmtime_instance_t()
        # Asking wasmtime about an instance that was never made aborts the process (a store mismatch).
        self._instantiated = False
        _store_limiter(self.address, memory_bytes, -1, -1, -1, -1)

    def close(self) -> None:
        """Delete the store: its instance, memory and WASI context."""
        _store_delete(self.address)

    def set_wasi(
        self, argv: Sequence[bytes], env: Mapping[bytes, bytes], stdin: bytes, dirs: Sequence[DirGrant]
    ) -> None:
        """Give the store a WASI context. Raises WasmtimeError when wasmtime refuses it."""
        config = _config_new()
        try:
            configure_wasi(config, argv, env, stdin)
            preopen_dirs(config, dirs)
        except BaseException:
            _config_delete(config)
            raise
        _raise_failure(_context_set_wasi(self.context, config), None)

    def set_epoch_callback(self, callback: object) -> None:
        """Call ``callback`` (a ctypes epoch-deadline callback) at the engine's next epoch tick."""
        _set_epoch_deadline(self.context, 1)
        _store_epoch_callback(self.address, callback, None, None)

    def run_start(self, instance_pre: int) -> None:
        """Instantiate the InstancePre at ``instance_pre`` and call its ``_start`` export.

        Raises wasmtime.Trap, or WasmtimeError (an ExitTrap for ``proc_exit``).
        """
        trap = _VOID()
        _raise_failure(_instantiate(instance_pre, self.context, ctypes.byref(self._instance), ctypes.byref(trap)), trap)
        self._instantiated = True
        start = self._export(b"_start")
        if start is None or start.kind != _EXTERN_FUNC:  # type: ignore[comparison-overlap]
            raise wasmtime.WasmtimeError("the module's `_start` export is not a function")
        item = ctypes.addressof(start) + EXTERN_ITEM_OFFSET
        _raise_failure(_func_call(self.context, item, None, 0, None, 0, ctypes.byref(trap)), trap)

    def memory_size(self) -> int:
        """Bytes of linear memory the instance exports as ``memory`` (0 without one or without an instance)."""
        memory = self._export(b"memory") if self._instantiated else None
        if memory is None or memory.kind != EXTERN_MEMORY:  # type: ignore[comparison-overlap]
            return 0
        return int(memory_data_size(self.context, ctypes.addressof(memory) + EXTERN_ITEM_OFFSET))

    def _export(self, name: bytes) -> ffi.wasmtime_extern_t | None:
        item = ffi.wasmtime_extern_t()
        found = _export_get(self.context, ctypes.byref(self._instance), name, len(name), ctypes.byref(item))
        return item if found else None


def _raise_failure(error: int | None, trap: ctypes.c_void_p | None) -> None:
    if error:
        raise wasmtime.WasmtimeError._from_ptr(ctypes.cast(error, ctypes.POINTER(ffi.wasmtime_error_t)))
    if trap:
        raise wasmtime.Trap._from_ptr(ctypes.cast(trap, ctypes.POINTER(ffi.wasm_trap_t)))
