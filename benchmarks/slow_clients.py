"""Slow clients: `portable-fn serve` (hello sample) while 64 connections hold request heads that are
never finished, reopened whenever the server closes them (as a slowloris client does), for 30 s.
Normal requests, one connection each, are timed meanwhile; prints their count, p50, p99 and max.

    python benchmarks/slow_clients.py [--seconds 30] [--half-open 64] [--checkout /work/main]

``--checkout`` serves from another source tree (its ``portable_fn``), to measure an older server the
same way; a request not answered within 10 s counts as a failure.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

UNFINISHED_HEAD = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
ANSWER_TIMEOUT = 10.0
ROOT = Path(__file__).resolve().parent.parent


def start_server(checkout: Path, cache: str) -> tuple[subprocess.Popen[bytes], int]:
    """`portable-fn serve --port 0` from ``checkout``; returns the process and the port it announced."""
    command = [sys.executable, "-m", "portable_fn", "serve", "--port", "0", "--cache-dir", cache, "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    process = subprocess.Popen(command, cwd=checkout, env=env, stderr=subprocess.PIPE)
    assert process.stderr is not None
    for line in process.stderr:
        found = re.search(rb"(?:Serving \S+ on|Listening at:) http://\S*:(\d+)", line)
        if found:
            port = int(found.group(1))
            threading.Thread(target=process.stderr.read, daemon=True).start()  # keep the pipe drained
            return process, port
    raise RuntimeError("the server exited before announcing its port")


def wait_until_answering(port: int) -> None:
    for _ in range(600):
        if answer_seconds(port) is not None:
            time.sleep(2)  # every worker up
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port}")


def answer_seconds(port: int) -> float | None:
    """Seconds one GET / took on a new connection, or None when it failed or took over ANSWER_TIMEOUT."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=ANSWER_TIMEOUT)
    try:
        connection.request("GET", "/")
        ok = connection.getresponse().read() == b"hello\n"
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()
    return time.perf_counter() - started if ok else None


class HalfOpen:
    """``count`` connections holding unfinished request heads, each reopened once the server closes it."""

    def __init__(self, port: int, count: int) -> None:
        self.port = port
        self.connections = [self.open() for _ in range(count)]
        self.reopened = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.keep_open, daemon=True)
        self.thread.start()

    def open(self) -> socket.socket:
        connection = socket.create_connection(("127.0.0.1", self.port))
        connection.sendall(UNFINISHED_HEAD)
        return connection

    def keep_open(self) -> None:
        while not self.stopped.wait(0.2):
            readable, _, _ = select.select(self.connections, [], [], 0)
            for closed in readable:  # readable with nothing to send: the server closed it
                closed.close()
                self.connections[self.connections.index(closed)] = self.open()
                self.reopened += 1

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        for connection in self.connections:
            connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--half-open", type=int, default=64)
    parser.add_argument("--checkout", type=Path, default=ROOT)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        process, port = start_server(options.checkout.resolve(), cache)
        try:
            wait_until_answering(port)
            held = HalfOpen(port, options.half_open)
            timings: list[float | None] = []
            ends = time.monotonic() + options.seconds
            while time.monotonic() < ends:
                timings.append(answer_seconds(port))
            held.close()
        finally:
            process.terminate()
            process.wait(timeout=60)
    answered = sorted(seconds * 1000 for seconds in timings if seconds is not None)
    failed = len(timings) - len(answered)
    if len(answered) < 2:
        print(f"{options.half_open} half-open connections: {len(answered)} of {len(timings)} requests answered")
        return
    p99 = statistics.quantiles(answered, n=100)[98]
    print(
        f"{options.half_open} half-open connections for {options.seconds:g} s (reopened {held.reopened}): "
        f"{len(answered)} answered, {failed} failed; p50 {statistics.median(answered):.1f} ms, "
        f"p99 {p99:.1f} ms, max {answered[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
