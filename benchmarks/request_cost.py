"""Per-request cost: Function.handle() vs the naive public-API wasmtime-py script, same guest, same run.

The naive path is what a careful reader of wasmtime-py's docs writes: a fresh Store and
WasiConfig per request (env, argv, stdin bytes, stdout via stdout_custom), InstancePre, and
``instance.exports(store)["_start"]``. ``--compare-with CHECKOUT`` adds Function.handle() as
another checkout of this repository has it (say, main's), to measure a change side by side.

Each runner lives in its own process (a checkout is its PYTHONPATH) and rounds alternate between
them, so machine noise hits all alike. The figures are medians over the rounds of the time per
request: wall clock, and the runner's CPU time (steadier on a busy machine).

    python benchmarks/request_cost.py [--rounds 15] [--calls 300] [--compare-with ../main]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import wasmtime
from wasmtime import _ffi as ffi

# Each runner process imports the portable_fn of its checkout (its PYTHONPATH).
from portable_fn import Function, Request
from portable_fn.limits import Grants

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "out"
GUESTS = ("hello-c", "echo-c")


REQUEST = Request(
    method="POST",
    path="/items/42",
    query="a=1&b=2",
    headers=(("Host", "localhost:8080"), ("User-Agent", "bench"), ("Accept", "*/*")),
    body=b'{"hello": "world"}',
)


def function_runner(path: Path) -> Callable[[], object]:
    """Function.handle() of whichever portable_fn is on the path."""
    function = Function.load(path)
    assert function.handle(REQUEST).status == 200
    return lambda: function.handle(REQUEST)


def naive_runner(path: Path) -> Callable[[], object]:
    """The public-API path, given the same argv/env/stdin this checkout's host would build."""
    from portable_fn.abi.wagi import Gateway  # here: an older checkout, compared with, may lack it

    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    pre = linker.instantiate_pre(wasmtime.Module.from_file(engine, str(path)))
    invocation = Gateway(Grants()).invocation(REQUEST)
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

    assert run()
    return run


def serve_rounds(kind: str, guest: str, calls: int) -> None:
    """The child's loop: for each line on stdin, time ``calls`` requests; print wall and CPU µs per request."""
    run = (function_runner if kind == "function" else naive_runner)(SAMPLES / f"{guest}.wasm")
    for _ in range(calls):
        run()
    for _line in sys.stdin:
        wall, cpu = time.perf_counter(), time.thread_time()
        for _ in range(calls):
            run()
        print((time.perf_counter() - wall) / calls * 1e6, (time.thread_time() - cpu) / calls * 1e6, flush=True)


class Runner:
    """One child process timing one runner on one checkout."""

    def __init__(self, label: str, kind: str, checkout: Path, guest: str, calls: int) -> None:
        self.label = label
        environment = {**os.environ, "PYTHONPATH": str(checkout)}
        command = [sys.executable, __file__, "--serve", kind, guest, "--calls", str(calls)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment
        )
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def round(self) -> None:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        wall, cpu = self.process.stdout.readline().split()
        self.wall.append(float(wall))
        self.cpu.append(float(cpu))

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait()


def measure(guest: str, rounds: int, calls: int, other: Path | None) -> list[Runner]:
    runners = [Runner("Function.handle", "function", ROOT, guest, calls)]
    if other is not None:
        runners.append(Runner(f"handle in {other.name}", "function", other, guest, calls))
    runners.append(Runner("naive script", "naive", ROOT, guest, calls))
    try:
        for _ in range(rounds):
            for runner in runners:
                runner.round()
    finally:
        for runner in runners:
            runner.close()
    return runners


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--compare-with", type=Path, metavar="CHECKOUT", help="another checkout's portable_fn")
    parser.add_argument("--serve", nargs=2, metavar=("KIND", "GUEST"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        kind, guest = options.serve
        serve_rounds(kind, guest, options.calls)
        return
    print(f"load average {os.getloadavg()[0]:.2f}; medians of {options.rounds} rounds of {options.calls} requests")
    print(f"{'guest':<8} {'runner':<24} {'wall':>10} {'CPU':>10} {'CPU ÷ first':>12}")
    for guest in GUESTS:
        runners = measure(guest, options.rounds, options.calls, options.compare_with)
        first = statistics.median(runners[0].cpu)
        for runner in runners:
            wall, cpu = statistics.median(runner.wall), statistics.median(runner.cpu)
            print(f"{guest:<8} {runner.label:<24} {wall:7.1f} µs {cpu:7.1f} µs {cpu / first:11.2f}x")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
