"""HTTP throughput: `portable-fn serve` (hello sample) vs functions-framework serving the same
answer from Python, both with their default settings, measured with wrk in alternating rounds;
req/s and the server's CPU time per request (its whole process tree: wrk shares the cores).

    python benchmarks/serve_throughput.py [--rounds 3] [--seconds 10] [--connections 32] [--front-door]

``--front-door`` adds the other servers considered for `serve` (issue 12), each running the same
guest with 2 processes: granian's ASGI interface with the ASGI app `serve` runs, and gunicorn's
gthread workers (2 threads) with the WSGI bridge, the server `serve` used before.
Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import http.client
import os
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


def servers(port: int, cache: str, front_door: bool) -> dict[str, list[str]]:
    chosen = {
        "portable-fn serve": [
            sys.executable,
            "-m",
            "portable_fn",
            "serve",
            "--port",
            str(port),
            "--cache-dir",
            cache,
            "--quiet",
        ],
        "functions-framework": [
            "functions-framework",
            "--target",
            "hello",
            "--source",
            str(HERE / "ff_hello" / "main.py"),
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
        ],
    }
    if not front_door:
        return chosen
    return chosen | {
        "granian ASGI": [
            "granian", "--interface", "asgi", "--workers", "2", "--loop", "uvloop", "--no-log", "--port", str(port),
            "--factory", "benchmarks.front_door_apps:asgi_app",
        ],
        "gunicorn gthread": [
            "gunicorn", "--workers", "2", "--threads", "2", "--worker-class", "gthread", "--bind",
            f"127.0.0.1:{port}", "benchmarks.front_door_apps:wsgi_app()",
        ],
    }  # fmt: skip


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by process ``root`` and its live descendants."""
    stats: dict[int, tuple[int, int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    tree, grew = {root}, True
    while grew:
        grown = {pid for pid, (parent, _) in stats.items() if parent in tree}
        grew = not grown <= tree
        tree |= grown
    return sum(stats[pid][1] for pid in tree if pid in stats) / os.sysconf("SC_CLK_TCK")


def measure(command: list[str], port: int, seconds: int, connections: int) -> tuple[float, float]:
    """Requests per second, and the server's CPU microseconds per request, over one wrk run."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=HERE.parent)
    try:
        wait_for(port)
        url = f"http://127.0.0.1:{port}/"
        cpu_before = tree_cpu_seconds(process.pid)
        result = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url], capture_output=True, text=True, check=True
        )
        cpu = tree_cpu_seconds(process.pid) - cpu_before
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
        if errors:
            raise RuntimeError(f"{command[0]} answered {errors.group(1)} errors")
        rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
        total = re.search(r"(\d+) requests in", result.stdout)
        if not rate or not total:
            raise RuntimeError(f"cannot read wrk output: {result.stdout}")
        return float(rate.group(1)), cpu / int(total.group(1)) * 1e6
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--front-door", action="store_true", help="add the other servers considered for serve")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    results: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as cache:
        for _ in range(options.rounds):
            port = free_port()
            for name, command in servers(port, cache, options.front_door).items():
                rate, cpu = measure(command, port, options.seconds, options.connections)
                results.setdefault(name, []).append((rate, cpu))
                print(f"  {name:<20} {rate:>9.0f} req/s {cpu:>7.1f} us CPU/request", flush=True)
    medians = {
        name: [statistics.median(column) for column in zip(*rows, strict=True)] for name, rows in results.items()
    }
    for name, (rate, cpu) in medians.items():
        print(f"median: {name:<20} {rate:>9.0f} req/s {cpu:>7.1f} us CPU/request")
    ours, theirs = medians["portable-fn serve"], medians["functions-framework"]
    print(f"portable-fn / functions-framework: {ours[0] / theirs[0]:.2f}x req/s, {theirs[1] / ours[1]:.2f}x less CPU")


if __name__ == "__main__":
    main()
