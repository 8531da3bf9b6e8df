"""Limits that hold inside host calls for core modules: sleeps stop at the deadline, output caps hold in memory.

The sleeping guest is samples/sleep (C: sleep, nanosleep, usleep, clock_nanosleep); the writer is
samples/bigwrite (one 100 MiB writev, or GiBs of stderr, from a 1 MiB buffer). Memory is measured
in a child process: its peak RSS (VmHWM) plus whatever it left in /dev/shm.
"""

from __future__ import annotations

import json
import logging
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import wasmtime

from portable_fn import Function, GuestTimeout, Limits, OutputTooLarge, Request
from portable_fn.engine import Invocation
from portable_fn.engine.programs import wasi_config
from tests.conftest import ROOT, sample_path

LoadSample = Callable[..., Function]
SLEEP_LIMITS = Limits(timeout_seconds=1.0)
# A stop "at the deadline" is checked against generous slack: the guests ask for 10 s.
STOPPED_WELL_BEFORE_THE_SLEEP_ENDS = 5.0


def query(text: str, body: bytes = b"") -> Request:
    return Request("POST", "/", text, (("Host", "fn.test"),), body, request_id="req-1")


@pytest.mark.parametrize("mode", ["sleep", "nanosleep", "usleep", "absolute", "realtime"])
def test_a_sleeping_module_stops_at_its_deadline(load_sample: LoadSample, mode: str) -> None:
    function = load_sample("sleep-c", SLEEP_LIMITS)
    started = time.monotonic()
    with pytest.raises(GuestTimeout):
        function.call(query(mode))
    assert time.monotonic() - started < STOPPED_WELL_BEFORE_THE_SLEEP_ENDS
    assert function.handle(query(mode, b"")).status == 504


@pytest.mark.parametrize("mode", ["short", "stdin"])
def test_a_sleep_that_ends_before_the_deadline_completes(load_sample: LoadSample, mode: str) -> None:
    answer = load_sample("sleep-c", SLEEP_LIMITS).call(query(mode))
    assert (answer.status, answer.body) == (200, f"slept {mode}\n".encode())


def test_eight_sleepers_at_once_all_stop_and_others_are_served_meanwhile(load_sample: LoadSample) -> None:
    sleeper = load_sample("sleep-c", SLEEP_LIMITS)
    outcomes: list[int] = []

    def sleep() -> None:
        outcomes.append(sleeper.handle(query("sleep")).status)

    threads = [threading.Thread(target=sleep) for _ in range(8)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    assert load_sample("hello-c").call(query("")).status == 200
    assert all(thread.is_alive() for thread in threads), "a normal request waited for the sleepers"
    for thread in threads:
        thread.join()
    assert outcomes == [504] * 8
    assert time.monotonic() - started < STOPPED_WELL_BEFORE_THE_SLEEP_ENDS


# Reads subscriptions from stdin, polls them, answers errno, nevents and the events verbatim.
POLL_GUEST = """(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "Content-Type: application/octet-stream\\n\\n")
  (func (export "_start") (local $count i32)
    (i32.store (i32.const 8000) (i32.const 1024))
    (i32.store (i32.const 8004) (i32.const 4096))
    (drop (call $fd_read (i32.const 0) (i32.const 8000) (i32.const 1) (i32.const 8008)))
    (local.set $count (i32.div_u (i32.load (i32.const 8008)) (i32.const 48)))
    (i32.store (i32.const 40) (call $poll (i32.const 1024) (i32.const 48) (local.get $count) (i32.const 44)))
    (i32.store (i32.const 8100) (i32.const 0))
    (i32.store (i32.const 8104) (i32.add (i32.const 48) (i32.mul (i32.const 32) (local.get $count))))
    (drop (call $fd_write (i32.const 1) (i32.const 8100) (i32.const 1) (i32.const 8108)))))
"""
CLOCK, FD_READ, FD_WRITE = 0, 1, 2
REALTIME, MONOTONIC = 0, 1


def subscription(userdata: int, kind: int, target: int, timeout: int = 0, flags: int = 0) -> bytes:
    return struct.pack("<QB7xI4xQQH6x", userdata, kind, target, timeout, 0, flags)


POLL_CASES = [
    pytest.param([subscription(1, FD_READ, 0), subscription(2, FD_WRITE, 1), subscription(3, FD_WRITE, 2)], id="stdio"),
    pytest.param([subscription(1, FD_READ, 0), subscription(2, CLOCK, MONOTONIC, 10**10)], id="stdin-before-clock"),
    pytest.param([subscription(1, CLOCK, MONOTONIC, 10**10), subscription(2, CLOCK, MONOTONIC, 0)], id="first-due"),
    pytest.param([subscription(7, CLOCK, MONOTONIC, 10_000_000)], id="relative-10ms"),
    pytest.param([subscription(7, CLOCK, MONOTONIC, 1, flags=1)], id="absolute-past"),
    pytest.param([subscription(7, CLOCK, REALTIME, 10_000_000)], id="realtime-relative"),
    pytest.param([subscription(7, CLOCK, REALTIME, 5, flags=1)], id="realtime-absolute-past"),
    pytest.param([subscription(7, CLOCK, 2, 0)], id="cputime-clock"),
    pytest.param([subscription(7, FD_READ, 9)], id="unknown-fd"),
    pytest.param([subscription(7, FD_WRITE, 0)], id="write-to-stdin"),
    pytest.param([subscription(7, FD_READ, 1)], id="read-from-stdout"),
    pytest.param([], id="no-subscriptions"),
]


@pytest.mark.parametrize("subscriptions", POLL_CASES)
def test_poll_oneoff_answers_as_wasmtimes_own(tmp_path: Path, subscriptions: list[bytes]) -> None:
    guest = tmp_path / "poll.wat"
    guest.write_text(POLL_GUEST)
    body = b"".join(subscriptions)
    with Function.load(guest) as function:
        ours = function.call(query("", body)).body
    assert ours == run_with_wasmtimes_own_wasi(guest, body, tmp_path / "stdout").split(b"\n\n", 1)[1]


def run_with_wasmtimes_own_wasi(guest: Path, stdin: bytes, stdout: Path) -> bytes:
    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    # stdin as the host gives it (in-memory bytes: always ready), wasmtime's own poll_oneoff.
    config = wasi_config(Invocation(argv=[b"poll"], env={}, stdin=stdin))
    config.stdout_file = str(stdout)
    config.stderr_file = str(stdout.parent / "stderr")
    store = wasmtime.Store(engine)
    store.set_wasi(config)
    start = linker.instantiate(store, wasmtime.Module.from_file(engine, str(guest))).exports(store)["_start"]
    assert isinstance(start, wasmtime.Func)
    start(store)
    return stdout.read_bytes()


def test_one_huge_write_past_the_output_cap_is_refused(load_sample: LoadSample) -> None:
    function = load_sample("bigwrite-c", Limits(max_output_bytes=4 * 1024 * 1024))
    assert function.call(query("out=3")).body.startswith(b"ok\nxxx")
    with pytest.raises(OutputTooLarge, match="4194304"):
        function.call(query("out=100"))


def test_stderr_past_its_cap_is_logged_up_to_the_cap_then_one_truncation_line(
    load_sample: LoadSample, caplog: pytest.LogCaptureFixture
) -> None:
    function = load_sample("bigwrite-c", Limits(max_stderr_bytes=1024 * 1024))
    with caplog.at_level(logging.INFO, logger="portable_fn.guest"):
        assert function.call(query("err=3")).status == 200
    logged = "".join(record.getMessage().removeprefix("[req-1] ") for record in caplog.records)
    assert logged == "x" * (1024 * 1024) + "[stderr truncated: 2097152 bytes past the 1048576-byte cap dropped]"


# Runs in a child: the peak of what the host holds for one run (RSS growth plus files in /dev/shm).
MEASURE = """
import glob, json, os, sys
from portable_fn import Function, Limits, Request

def peak_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))

limits = Limits(max_output_bytes=4 << 20, max_stderr_bytes=1 << 20)
function = Function.load(sys.argv[1], limits=limits)
request = lambda text: Request("GET", "/", text, (("Host", "fn.test"),), b"")
function.handle(request("out=3"))
function.handle(request("err=1"))
before = peak_kib()
status = function.handle(request(sys.argv[2])).status
files = sum(os.path.getsize(path) for path in glob.glob(f"/dev/shm/portable_fn-{os.getpid()}-*"))
print(json.dumps({"status": status, "held": (peak_kib() - before) * 1024 + files}))
"""


@pytest.mark.parametrize(
    ("query_text", "status"),
    [pytest.param("out=100", 502, id="one-100MiB-stdout-write"), pytest.param("err=2048", 200, id="2GiB-of-stderr")],
)
def test_a_capped_run_holds_no_more_than_its_cap_plus_1mib(query_text: str, status: int) -> None:
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE, str(sample_path("bigwrite-c")), query_text],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    result = json.loads(measured.stdout.splitlines()[-1])
    assert result["status"] == status
    assert result["held"] <= 4 * 1024 * 1024 + 1024 * 1024


BIG_MEMORY_RUN = """
import sys
from portable_fn import Function, Limits, MemoryLimitExceeded, Request
with Function.load(sys.argv[1], limits=Limits(memory_bytes=1024 * 1024)) as function:
    try:
        function.call(Request())
    except MemoryLimitExceeded as exc:
        print("refused:", exc)
    print("then:", function.handle(Request()).status)
"""


def test_a_module_whose_memory_minimum_is_past_the_cap_is_memory_limit_exceeded(tmp_path: Path) -> None:
    # In a child: reading the memory of an instance that was never made used to abort the process.
    module = tmp_path / "bigmemory.wat"
    module.write_text('(module (memory (export "memory") 40) (func (export "_start")))')
    done = subprocess.run(
        [sys.executable, "-c", BIG_MEMORY_RUN, str(module)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refused: guest trapped at the memory cap of 1048576 bytes: memory minimum size of 40 pages" in done.stdout
    assert "then: 500" in done.stdout
