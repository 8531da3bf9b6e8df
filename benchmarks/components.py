"""Component guests: compile, load (deserialize), first response, per-request cost.

Each figure is measured for portable_fn (`Function`) and for a raw wasmtime-py script doing
the same work with the public API (Component, component.Linker.add_wasip2, WasiConfig with
files), in the same run, alternating; medians are printed.

    python benchmarks/components.py [echo-py echo-js ...]   (build them first: python samples/build.py)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import wasmtime
import wasmtime.component

from portable_fn import Function, Request

OUT = Path(__file__).resolve().parent.parent / "samples" / "out"
LOADS, REQUESTS = 5, 40
BODY = b"x" * 1024


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


def main(names: list[str]) -> None:
    print("| guest | size MB | measure | portable_fn | raw wasmtime-py | ratio |\n|---|---|---|---|---|---|")
    for name in names:
        size = (OUT / f"{name}.wasm").stat().st_size / 1e6
        for measure_name, (ours, raw) in measure(name).items():
            print(f"| {name} | {size:.1f} | {measure_name} | {ours:.3g} | {raw:.3g} | {ours / raw:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:] or ["echo-py", "echo-js"])
