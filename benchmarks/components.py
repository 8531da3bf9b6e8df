"""Component guests: compile, load (deserialize), first response, per-request cost.

Each figure is measured for portable_fn (`Function`) and for a raw wasmtime-py script doing
the same work with the public API (Component, component.Linker.add_wasip2, WasiConfig with
files), in the same run, alternating; medians are printed.

    python benchmarks/components.py [echo-py echo-js ...]   (build them first: python samples/build.py)

``--roundtrip SIZES`` measures instead one POST round trip (binary body, echoed back) per guest
and body size through ``Function.call``: C echo against the Python and JS echo components (or
the guests named, names or .wasm paths), interleaved request by request, medians of wall and
of the calling thread's CPU time (the guest runs on it), each as a multiple of C's:

    python benchmarks/components.py --roundtrip 1MB,100B [echo-c echo-py echo-js]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import wasmtime
import wasmtime.component

from portable_fn import Function, Request

OUT = Path(__file__).resolve().parent.parent / "samples" / "out"
LOADS, REQUESTS = 5, 40
BODY = b"x" * 1024
ROUNDTRIP_GUESTS = ("echo-c", "echo-py", "echo-js")
ROUNDTRIP_REQUESTS = 41
_UNITS = {"B": 1, "KB": 1024, "MB": 1024 * 1024}


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


class RawScript:
    """What a user would write with wasmtime-py's public API for one WAGI request."""

    def __init__(self, engine: wasmtime.Engine, component: wasmtime.component.Component, scratch: Path) -> None:
        self.engine, self.component, self.scratch = engine, component, scratch
        self.linker = wasmtime.component.Linker(engine)
        self.linker.add_wasip2()
        # `portable-fn build` components import wasi:http; ungranted, portable_fn links it as traps too.
        self.linker.define_unknown_imports_as_traps(component)
        interface = next(n for n in component.type.exports(engine) if n.startswith("wasi:cli/run@"))
        run_index = component.get_export_index("run", component.get_export_index(interface))
        assert run_index is not None, "a wasi:cli/run interface always exports run"
        self.run_index = run_index
        (scratch / "in").write_bytes(BODY)

    def call(self) -> bytes:
        config = wasmtime.WasiConfig()
        config.argv = ["/"]
        config.env = [("REQUEST_METHOD", "POST"), ("CONTENT_LENGTH", str(len(BODY))), ("PATH_INFO", "/")]
        config.stdin_file = str(self.scratch / "in")
        config.stdout_file = str(self.scratch / "out")
        config.stderr_file = str(self.scratch / "err")
        store = wasmtime.Store(self.engine)
        store.set_wasi(config)
        instance = self.linker.instantiate(store, self.component)
        run = instance.get_func(store, self.run_index)
        assert run is not None
        run(store)
        return (self.scratch / "out").read_bytes()


def measure(name: str) -> dict[str, tuple[float, float]]:
    wasm = OUT / f"{name}.wasm"
    request = Request("POST", "/", "", (("Content-Type", "text/plain"),), BODY)
    figures: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as temp:
        scratch, cache = Path(temp), Path(temp) / "cache"
        engine = wasmtime.Engine()
        raw_compile = timed(lambda: wasmtime.component.Component.from_file(engine, str(wasm)))
        ours_compile = timed(lambda: Function.load(wasm, cache_dir=cache))
        figures["compile (s)"] = (ours_compile, raw_compile)
        serialized = scratch / "raw.cwasm"
        serialized.write_bytes(wasmtime.component.Component.from_file(engine, str(wasm)).serialize())
        (named,) = cache.glob("*.cwasm")
        ours_loads, named_loads, raw_loads = [], [], []
        for _ in range(LOADS):
            ours_loads.append(timed(lambda: Function.load(wasm, cache_dir=cache)))
            named_loads.append(timed(lambda: Function.load(wasm, precompiled=named)))
            raw_loads.append(timed(lambda: wasmtime.component.Component.deserialize_file(engine, str(serialized))))
        raw_load = statistics.median(raw_loads) * 1e3
        figures["load, found in cache by hash (ms)"] = (statistics.median(ours_loads) * 1e3, raw_load)
        figures["load, named precompiled file, as bundles do (ms)"] = (statistics.median(named_loads) * 1e3, raw_load)
        function = Function.load(wasm, cache_dir=cache)
        raw = RawScript(engine, wasmtime.component.Component.deserialize_file(engine, str(serialized)), scratch)
        figures["first response (ms)"] = (timed(lambda: function.call(request)) * 1e3, timed(raw.call) * 1e3)
        ours, theirs = [], []
        for _ in range(REQUESTS):
            ours.append(timed(lambda: function.call(request)))
            theirs.append(timed(raw.call))
        figures["per request (ms)"] = (statistics.median(ours) * 1e3, statistics.median(theirs) * 1e3)
    return figures


def parse_size(text: str) -> int:
    """``1MB``, ``64KB`` or ``100B`` (binary multiples) as a byte count."""
    number = text.rstrip("KMB")
    unit = text[len(number) :]
    if not number.isdigit() or unit not in _UNITS:
        raise argparse.ArgumentTypeError(f"expected a size like 1MB, 64KB or 100B, got {text!r}")
    return int(number) * _UNITS[unit]


def guest_path(name: str) -> Path:
    """A built sample by name (``echo-py``), or a .wasm file by path."""
    return Path(name) if name.endswith(".wasm") else OUT / f"{name}.wasm"


def roundtrip(names: Sequence[str], size: int, cache: Path) -> dict[str, tuple[float, float]]:
    """Median (wall, thread CPU) seconds of one echo round trip of ``size`` bytes, per guest."""
    body = bytes(range(256)) * (size // 256) + bytes(size % 256)
    request = Request("POST", "/", "", (("Content-Type", "application/octet-stream"),), body)
    functions = {name: Function.load(guest_path(name), cache_dir=cache) for name in names}
    for name, function in functions.items():
        answer = function.call(request)  # also the first, slower, call of each
        assert answer.status == 200 and answer.body.endswith(body), f"{name} did not echo the body"
    walls: dict[str, list[float]] = {name: [] for name in names}
    cpus: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(ROUNDTRIP_REQUESTS):
        for name, function in functions.items():
            cpu, wall = time.thread_time(), time.perf_counter()
            function.call(request)
            walls[name].append(time.perf_counter() - wall)
            cpus[name].append(time.thread_time() - cpu)
    return {name: (statistics.median(walls[name]), statistics.median(cpus[name])) for name in names}


def print_roundtrips(names: Sequence[str], sizes: Sequence[tuple[str, int]]) -> None:
    print(
        f"load average {os.getloadavg()[0]:.1f}; {ROUNDTRIP_REQUESTS} requests each, interleaved; ratio = ÷ {names[0]}"
    )
    print("| body | guest | wall ms | ratio | CPU ms | ratio |\n|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as temp:
        for label, size in sizes:
            figures = roundtrip(names, size, Path(temp))
            base_wall, base_cpu = figures[names[0]]
            for name, (wall, cpu) in figures.items():
                walls = f"{wall * 1e3:.2f} | {wall / base_wall:.2f}"
                print(f"| {label} | {name} | {walls} | {cpu * 1e3:.2f} | {cpu / base_cpu:.2f} |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("guests", nargs="*", help="sample names or .wasm paths")
    parser.add_argument("--roundtrip", metavar="SIZES", help="comma-separated body sizes, e.g. 1MB,100B")
    options = parser.parse_args(argv)
    if options.roundtrip:
        sizes = [(text, parse_size(text)) for text in options.roundtrip.split(",")]
        print_roundtrips(options.guests or ROUNDTRIP_GUESTS, sizes)
        return
    print("| guest | size MB | measure | portable_fn | raw wasmtime-py | ratio |\n|---|---|---|---|---|---|")
    for name in options.guests or ["echo-py", "echo-js"]:
        size = (OUT / f"{name}.wasm").stat().st_size / 1e6
        for measure_name, (ours, raw) in measure(name).items():
            print(f"| {name} | {size:.1f} | {measure_name} | {ours:.3g} | {raw:.3g} | {ours / raw:.2f} |")


if __name__ == "__main__":
    main()
