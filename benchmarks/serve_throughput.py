"""HTTP throughput: `portable-fn serve` (hello sample) vs functions-framework serving the same
answer from Python, both with their default settings, measured with wrk in alternating rounds.

    python benchmarks/serve_throughput.py [--rounds 3] [--seconds 10] [--connections 32]

Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(port: int) -> None:
    for _ in range(400):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            assert connection.getresponse().read() == b"hello\n"
            connection.close()
            # Let every worker finish booting: wrk opens its keep-alive connections at once, and a
            # worker that is up first would take them all for the whole run.
            time.sleep(2)
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port}")


def servers(port: int, cache: str) -> dict[str, list[str]]:
    return {
        "portable-fn serve": [sys.executable, "-m", "portable_fn", "serve", "--port", str(port), "--cache-dir", cache],
        "functions-framework": [
            "functions-framework", "--target", "hello", "--source", str(HERE / "ff_hello" / "main.py"),
            "--port", str(port), "--host", "127.0.0.1",
        ],
    }  # fmt: skip


def requests_per_second(command: list[str], port: int, seconds: int, connections: int) -> float:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port)
        url = f"http://127.0.0.1:{port}/"
        result = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url], capture_output=True, text=True, check=True
        )
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
        if errors:
            raise RuntimeError(f"{command[0]} answered {errors.group(1)} errors")
        match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
        if not match:
            raise RuntimeError(f"cannot read wrk output: {result.stdout}")
        return float(match.group(1))
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as cache:
        for _ in range(options.rounds):
            port = free_port()
            for name, command in servers(port, cache).items():
                rate = requests_per_second(command, port, options.seconds, options.connections)
                results.setdefault(name, []).append(rate)
                print(f"  {name:<20} {rate:>9.0f} req/s", flush=True)
    ours = statistics.median(results["portable-fn serve"])
    theirs = statistics.median(results["functions-framework"])
    print(f"median: portable-fn {ours:.0f} req/s, functions-framework {theirs:.0f} req/s, ratio {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
