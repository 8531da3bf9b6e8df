"""``portable_fn.values`` vs ``@dataclass(frozen=True, slots=True)``, side by side, medians and ratios.

Four costs, each measured in alternating rounds on the same class bodies: importing the module (a
fresh interpreter that has loaded what awslambdaric loads: ``re``, ``json``, ``typing``); creating a
``Request``-shaped frozen class (five fields, one ``field(repr=False)``); constructing it (positional
and keyword, as the adapters build ``Request``/``Response`` per request); constructing the engine's
mutable ``Capture`` (a ``default_factory`` field).

    python benchmarks/value_classes.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import py_compile
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portable_fn import values  # noqa: E402

Decorate = Callable[[type], Any]
# name -> (frozen decorator, mutable decorator, field specifier)
DECORATORS: dict[str, tuple[Decorate, Decorate, Callable[..., Any]]] = {
    "dataclass": (dataclasses.dataclass(frozen=True, slots=True), dataclasses.dataclass(slots=True), dataclasses.field),
    "values": (values.frozen, values.mutable, values.field),
}
# The runtime client has these loaded before the handler module is imported. The values module is
# loaded from its compiled file (as a bundle ships it) without the portable_fn package around it.
PRELOADED = "import sys, re, json, typing, time, importlib.machinery as m; "
IMPORT = {
    "dataclass": "import dataclasses",
    "values": "m.SourcelessFileLoader('values', sys.argv[1]).load_module()",
}


def make_class(name: str) -> type:
    """The ``Request``-shaped class made frozen by ``name``'s decorator."""
    frozen, _, field = DECORATORS[name]
    annotations = {"method": "str", "path": "str", "query": "str", "headers": "tuple", "body": "bytes"}
    namespace = {"__annotations__": annotations, "method": "GET", "path": "/", "query": "", "headers": ()}
    namespace["body"] = field(default=b"", repr=False)
    return frozen(type("Request", (), namespace))  # type: ignore[no-any-return]


def make_capture(name: str) -> type:
    """The engine's ``Capture``-shaped mutable class (a factory default), by ``name``'s decorator."""
    _, mutable, field = DECORATORS[name]
    annotations = {"cap": "int", "chunks": "list[bytes]", "size": "int", "dropped": "int"}
    namespace = {"__annotations__": annotations, "chunks": field(default_factory=list), "size": 0, "dropped": 0}
    return mutable(type("Capture", (), namespace))  # type: ignore[no-any-return]


def time_import(name: str, compiled: Path) -> float:
    """Seconds a fresh interpreter (with the runtime client's modules loaded) spends on ``name``'s import."""
    code = f"{PRELOADED}t = time.perf_counter(); {IMPORT[name]}; print(time.perf_counter() - t)"
    result = subprocess.run(
        [sys.executable, "-S", "-c", code, str(compiled)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout)


def time_creation(name: str, number: int = 50) -> float:
    """Seconds to create one decorated class."""
    start = time.perf_counter()
    for _ in range(number):
        make_class(name)
    return (time.perf_counter() - start) / number


def time_construction(name: str, number: int = 100_000) -> float:
    """Seconds to construct one instance, half positional, half keyword."""
    cls = make_class(name)
    headers = (("host", "example.com"),)

    def build() -> None:
        cls("POST", "/a", "q=1", headers, b"body")
        cls(method="POST", path="/a", headers=headers, body=b"body")

    return timeit.timeit(build, number=number) / number / 2


def time_mutable_construction(name: str, number: int = 100_000) -> float:
    """Seconds to construct one mutable instance (the engine builds two per request)."""
    cls = make_capture(name)
    return timeit.timeit(lambda: cls(0), number=number) / number


def measure_alternately(measures: dict[str, Callable[[str], float]], rounds: int) -> dict[tuple[str, str], list[float]]:
    """Every measure for every decorator, ``rounds`` times, alternating: (measure, decorator) -> seconds."""
    samples: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):
        for measure, run in measures.items():
            for name in DECORATORS:
                samples.setdefault((measure, name), []).append(run(name))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        compiled = Path(scratch) / "values.pyc"
        py_compile.compile(str(ROOT / "portable_fn/values.py"), cfile=str(compiled), doraise=True)
        measures: dict[str, Callable[[str], float]] = {
            "import": functools.partial(time_import, compiled=compiled),
            "class creation": time_creation,
            "construction": time_construction,
            "mutable constr.": time_mutable_construction,
        }
        samples = measure_alternately(measures, args.rounds)
    print(f"{args.rounds} alternating rounds, medians")
    for measure in measures:
        base = statistics.median(samples[(measure, "dataclass")])
        for name in DECORATORS:
            median = statistics.median(samples[(measure, name)])
            print(f"{measure:<16}{name:<14}{median * 1e6:>10.2f} µs{median / base:>8.2f}x")


if __name__ == "__main__":
    main()
