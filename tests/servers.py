"""Servers as real child processes, for tests that talk HTTP to them.

Every server binds port 0 and the test reads the port the OS chose from the server's start-up
line, so no port is probed free and then handed to a child that may lose it to another process.
Waiting follows readiness, not a fixed budget: it lasts while the server is alive and making
progress (its process tree uses CPU or it writes output), so a cold compile of an 18 MB component
on a slow machine is waited for, while a crash fails at once and a hang after STALL_SECONDS.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import NoReturn, TypeVar

import pytest

# portable-fn: "Serving hello.wasm on http://127.0.0.1:PORT/"; gunicorn: "Listening at: http://127.0.0.1:PORT
# (PID)"; uvicorn: "Uvicorn running on http://127.0.0.1:PORT".
LISTENING = re.compile(r"(?:Listening at:|running on|Serving \S+ on) http://\S*:(\d+)")
# Below pytest's own 300 s timeout, so the failure shows the server's log rather than a stack dump.
STARTUP_CAP_SECONDS = 240.0
STALL_SECONDS = 60.0
PROC = Path("/proc")
Ready = TypeVar("Ready")
Answer = tuple[http.client.HTTPResponse, bytes]


class ServerProcess:
    """A server command running as a child process, its output kept in a log file."""

    def __init__(
        self,
        command: list[str],
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        stall_seconds: float = STALL_SECONDS,
    ) -> None:
        self.stall_seconds = stall_seconds
        descriptor, name = tempfile.mkstemp(prefix="server-", suffix=".log")
        os.close(descriptor)
        self.log = Path(name)
        # A file, not a pipe (a full pipe would block the server's logging), appended to so that
        # reading it never moves the writer's offset.
        with self.log.open("ab") as sink:
            # A session of its own, so that stop() can end whatever the server left running.
            self.process = subprocess.Popen(
                command, env=env, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self) -> str:
        """Everything the server has written so far (stdout and stderr)."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, ready: Callable[[], Ready | None], what: str) -> Ready:
        """Poll ``ready`` until it returns a value, as long as the server lives and makes progress.

        Fails the test, showing the server's output, when the server exits, stalls (no CPU time
        and no output) for ``stall_seconds``, or is still not ready after STARTUP_CAP_SECONDS.
        """
        started = time.monotonic()
        progress = Progress(self.process.pid, self.log, self.stall_seconds)
        pause = 0.02
        while (code := self.process.poll()) is None:
            value = ready()
            if value is not None:
                return value
            waited = time.monotonic() - started
            if progress.stalled() or waited > STARTUP_CAP_SECONDS:
                self.give_up(f"no {what} after {waited:.0f} s")
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
        self.give_up(f"server exited with {code} before {what}")

    def give_up(self, reason: str) -> NoReturn:
        """Kill the server and fail the test with ``reason`` and the server's output."""
        output = self.output()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.log.unlink(missing_ok=True)
        pytest.fail(f"{reason}:\n{output}")

    def listening_port(self) -> int:
        """The port the server announces in its start-up line, once it does."""
        return self.wait_for(lambda: announced_port(self.output()), "listening line")

    def stop(self) -> int:
        """SIGTERM the server, wait for it, remove its log; returns its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # children that outlived it (serverless' python)
        self.log.unlink(missing_ok=True)
        return code

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


class Progress:
    """Whether a process tree is still doing something: its CPU time or its log grew recently."""

    def __init__(self, pid: int, log: Path, stall_seconds: float) -> None:
        self.pid = pid
        self.log = log
        self.stall_seconds = stall_seconds
        self.seen = (-1, -1)
        self.since = time.monotonic()

    def stalled(self) -> bool:
        """True once neither the tree's CPU time nor the log size has changed for ``stall_seconds``."""
        now = (tree_cpu_ticks(self.pid), self.log.stat().st_size)
        if now != self.seen:
            self.seen, self.since = now, time.monotonic()
        return time.monotonic() - self.since > self.stall_seconds


def tree_cpu_ticks(root: int) -> int:
    """CPU clock ticks used by process ``root`` and its live descendants (0 where /proc is absent,
    so that only the overall cap applies there)."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in PROC.glob("[0-9]*"):
        try:
            # Fields after the parenthesised command name: state, ppid, ..., utime, stime, cutime, cstime.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(entry.name)
        parents[pid], ticks[pid] = int(fields[1]), sum(int(field) for field in fields[11:15])
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    total, frontier = 0, [root]
    while frontier:
        pid = frontier.pop()
        total += ticks.get(pid, 0)
        frontier += children.get(pid, [])
    return total


def announced_port(output: str) -> int | None:
    """The port in the server's listening line, if it has printed one."""
    found = LISTENING.search(output)
    return int(found.group(1)) if found else None


def request(
    port: int, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None, timeout: float = 30
) -> Answer:
    """One HTTP request to 127.0.0.1:``port``; returns the response and its body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def answer_when_up(server: ServerProcess, port: int, target: str) -> Answer:
    """GET ``target`` once the server answers it, however long its workers take to be ready."""

    def answer() -> Answer | None:
        try:
            return request(port, "GET", target, timeout=5)
        except (OSError, http.client.HTTPException):
            return None

    return server.wait_for(answer, f"answer to GET {target}")


class Server:
    """A running `portable-fn serve` and a way to talk to it."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None, probe: str = "/") -> None:
        """Serve on a port of the OS's choosing (``--port 0``, or the PORT variable when ``env`` sets
        it) and wait until ``probe`` answers."""
        port_flag = [] if env and "PORT" in env else ["--port", "0"]
        command = [sys.executable, "-m", "portable_fn", "serve", *args, *port_flag, "--workers", "1"]
        self.process = ServerProcess(command, env)
        self.port = self.process.listening_port()
        answer_when_up(self.process, self.port, probe)

    def request(self, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Answer:
        return request(self.port, method, target, body, headers)

    def body(self, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
        return self.request(method, target, body, headers)[1]

    def stop(self) -> int:
        return self.process.stop()
