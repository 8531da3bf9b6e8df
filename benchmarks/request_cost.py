"""Per-request cost: Function.handle() vs the naive public-API wasmtime-py script, same guest, same run.

The naive path is what a careful reader of wasmtime-py's docs writes: a fresh Store and
WasiConfig per request (env, argv, stdin bytes, stdout via stdout_custom), InstancePre, and
``instance.exports(store)["_start"]``. Rounds alternate between the two so machine noise
hits both alike; the figure is the median per-request time over the rounds.

    python benchmarks/request_cost.py [--rounds 15] [--calls 300]
"""

from __future__ import annotations

import argparse
import ctypes
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import wasmtime
from wasmtime import _ffi as ffi

from portable_fn import Function, Request
from portable_fn.abi.wagi import to_invocation
from portable_fn.limits import Grants

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "out"
REQUEST = Request(
    method="POST",
    path="/items/42",
    query="a=1&b=2",
    headers=(("Host", "localhost:8080"), ("User-Agent", "bench"), ("Accept", "*/*")),
    body=b'{"hello": "world"}',
)


def naive_runner(path: Path) -> Callable[[], bytes]:
    """The public-API path, given the same argv/env/stdin the host would build."""
    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    pre = linker.instantiate_pre(wasmtime.Module.from_file(engine, str(path)))
    invocation = to_invocation(REQUEST, Grants())
    argv = [item.decode() for item in invocation.argv]
    env = [(name.decode(), value.decode()) for name, value in invocation.env.items()]

    def run() -> bytes:
        chunks: list[bytes] = []
        config = wasmtime.WasiConfig()
        config.argv = argv
        config.env = env
        stdin = ffi.wasm_byte_vec_t()
        data = invocation.stdin
        pointer = ctypes.cast(ctypes.c_char_p(data), ctypes.POINTER(ffi.wasm_byte_t))
        ffi.wasm_byte_vec_new(ctypes.byref(stdin), len(data), pointer)
        ffi.wasi_config_set_stdin_bytes(config.ptr(), ctypes.byref(stdin))
        config.stdout_custom = chunks.append
        store = wasmtime.Store(engine)
        store.set_wasi(config)
        instance = pre.instantiate(store)
        try:
            start = instance.exports(store)["_start"]
            assert isinstance(start, wasmtime.Func)
            start(store)
        except wasmtime.ExitTrap as exit_trap:
            if exit_trap.code != 0:
                raise
        return b"".join(chunks)

    return run


def median_per_call(run: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        run()
    return (time.perf_counter() - start) / calls


def measure(guest: str, rounds: int, calls: int) -> tuple[float, float]:
    path = SAMPLES / f"{guest}.wasm"
    function = Function.load(path)
    naive = naive_runner(path)
    assert function.handle(REQUEST).status == 200 and naive()
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(median_per_call(lambda: function.handle(REQUEST), calls))
        theirs.append(median_per_call(naive, calls))
    return statistics.median(ours), statistics.median(theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=300)
    options = parser.parse_args()
    print(f"{'guest':<10} {'Function.handle':>16} {'naive script':>14} {'ratio':>7}")
    for guest in ("hello-c", "echo-c"):
        ours, theirs = measure(guest, options.rounds, options.calls)
        print(f"{guest:<10} {ours * 1e6:>13.1f} µs {theirs * 1e6:>11.1f} µs {ours / theirs:>6.2f}x")


if __name__ == "__main__":
    main()
