"""Engines are shared per process and setting, Functions close what they started, loading scales.

The lifetime tests run in a child process: a ticker thread or an address-space reservation
left by another test in this session must not decide them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from portable_fn.engine import compile_artifact
from tests.conftest import ROOT, SAMPLE_CACHE, sample_path


def run_child(script: str, *arguments: str) -> str:
    """Run ``script`` in a fresh Python with this checkout on its path; its stdout, or the test fails."""
    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    return child.stdout


def test_programs_of_one_kind_share_one_engine() -> None:
    hello, echo = sample_path("hello-c"), sample_path("echo-c")
    first, second = compile_artifact(hello, SAMPLE_CACHE), compile_artifact(echo, SAMPLE_CACHE)
    try:
        assert first.engine is second.engine
    finally:
        first.close()
        second.close()


def test_close_stops_the_ticker_and_a_closed_function_refuses_calls() -> None:
    output = run_child(
        """
        import sys, threading
        from portable_fn import ArtifactError, Function, Request

        def tickers():
            return [t for t in threading.enumerate() if t.name == "portable_fn-epoch"]

        request = Request("GET", "/", "", (("Host", "fn.test"),), b"")
        with Function.load(sys.argv[1]) as function:
            assert function.call(request).status == 200
            assert len(tickers()) == 1
        for thread in tickers():
            thread.join(timeout=10)
        print("tickers left:", len(tickers()))
        try:
            function.call(request)
        except ArtifactError as exc:
            print("after close:", exc)
        """,
        str(sample_path("hello-c")),
    )
    assert "tickers left: 0" in output
    assert "after close: this Function is closed" in output


def test_a_forked_child_runs_its_own_ticker_so_deadlines_hold_there() -> None:
    # The parent's ticker thread does not survive fork(): without a new one, a loop would never stop.
    output = run_child(
        """
        import os, sys, time
        from portable_fn import Function, Limits, Request

        looping = Function.load(sys.argv[1], limits=Limits(timeout_seconds=0.5))
        print("parent:", Function.load(sys.argv[2]).handle(Request()).status, flush=True)
        child = os.fork()
        if child == 0:
            started = time.monotonic()
            status = looping.handle(Request()).status
            print("child:", status, time.monotonic() - started < 5, flush=True)
            os._exit(0)
        os.waitpid(child, 0)
        """,
        str(sample_path("loop-wat")),
        str(sample_path("hello-c")),
    )
    assert "parent: 200" in output
    assert "child: 504 True" in output


def test_a_thousand_loads_in_one_process_work() -> None:
    output = run_child(
        """
        import sys
        from portable_fn import Function, Request

        request = Request("GET", "/", "", (("Host", "fn.test"),), b"")
        loaded = [Function.load(sys.argv[1], cache_dir=sys.argv[2]) for _ in range(1000)]
        print("answers:", sum(function.call(request).status == 200 for function in loaded[::100]))
        """,
        str(sample_path("hello-c")),
        str(SAMPLE_CACHE),
    )
    assert "answers: 10" in output


def test_loading_and_concurrent_runs_work_under_an_8_gib_address_space_limit() -> None:
    output = run_child(
        """
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))
        from concurrent.futures import ThreadPoolExecutor
        from portable_fn import Function, Limits, Request

        request = Request("GET", "/", "", (("Host", "fn.test"),), b"")
        hello = Function.load(sys.argv[1])
        membomb = Function.load(sys.argv[2], limits=Limits(memory_bytes=64 << 20))
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda f: f.handle(request).status, [hello] * 32 + [membomb] * 8))
        print("statuses:", sorted(set(statuses)), statuses.count(200))
        """,
        str(sample_path("hello-c")),
        str(sample_path("membomb-wat")),
    )
    assert "statuses: [200, 500] 32" in output
