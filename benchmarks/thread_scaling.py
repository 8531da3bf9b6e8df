"""CPU-heavy guest, 1 thread vs 2 threads sharing one Function: wasm runs without the GIL.

python benchmarks/thread_scaling.py [--rounds 5] [--calls 16] [--n 20000000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from portable_fn import Function, Request

GUEST = Path(__file__).resolve().parent.parent / "samples" / "out" / "cpu-c.wasm"


def throughput(function: Function, request: Request, threads: int, calls: int) -> float:
    """Completed requests per second with ``threads`` workers sharing ``calls`` requests."""
    with ThreadPoolExecutor(threads) as pool:
        start = time.perf_counter()
        statuses = list(pool.map(lambda _: function.handle(request).status, range(calls)))
        elapsed = time.perf_counter() - start
    assert statuses == [200] * calls, statuses
    return calls / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=16)
    parser.add_argument("--n", type=int, default=20_000_000, help="loop iterations per request")
    options = parser.parse_args()
    function = Function.load(GUEST)
    request = Request(query=f"n={options.n}")
    single, double = [], []
    for _ in range(options.rounds):
        single.append(throughput(function, request, 1, options.calls))
        double.append(throughput(function, request, 2, options.calls))
    one, two = statistics.median(single), statistics.median(double)
    print(f"1 thread {one:.1f} req/s, 2 threads {two:.1f} req/s, speed-up {two / one:.2f}x")


if __name__ == "__main__":
    main()
