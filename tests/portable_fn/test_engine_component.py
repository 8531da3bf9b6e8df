"""WASI 0.2 command components (Python via componentize-py, JS via componentize-js) through Function.

They speak the same WAGI contract as the core-module guests: the echo components must give
exactly what echo-c gives for the same Request. Components compile in seconds, so they are
loaded once per session from a precompiled cache beside the built samples.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import wasmtime

from portable_fn import Function, GuestTimeout, GuestTrap, Limits, MemoryLimitExceeded, Request
from portable_fn.http import header_values
from tests.conftest import SAMPLE_CACHE, parse_echo

ECHO_COMPONENTS = [pytest.param("echo-py", id="python"), pytest.param("echo-js", id="javascript")]


def request(
    body: bytes = b"", *, method: str = "POST", path: str = "/items/caf%C3%A9", query: str = "a=1&b=%202"
) -> Request:
    headers = (("Host", "fn.example"), ("Content-Type", "application/octet-stream"), ("X-Trace", "t-1"))
    return Request(method, path, query, headers, body, script_name="/api", request_id="req-1")


@pytest.mark.parametrize("name", ECHO_COMPONENTS)
def test_echo_component_is_a_component(name: str, load_sample: Callable[..., Function]) -> None:
    assert load_sample(name).kind == "component"


@pytest.mark.parametrize("name", ECHO_COMPONENTS)
@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"hello\n", id="text"),
        pytest.param(bytes(range(256)) * 4096, id="1mb-binary"),
    ],
)
def test_echo_component_answers_byte_for_byte_like_echo_c(
    name: str, body: bytes, load_sample: Callable[..., Function]
) -> None:
    sent = request(body)
    expected = load_sample("echo-c").call(sent)
    answer = load_sample(name).call(sent)
    assert answer.status == expected.status == 200
    assert answer.headers == expected.headers
    env, argv, received = parse_echo(answer.body)
    assert (env, argv) == parse_echo(expected.body)[:2]
    assert received == body
    assert env["PATH_INFO"] == "/items/café"
    assert argv == ["/api", "a=1", "b=%202"]
    assert answer.body == expected.body


@pytest.mark.parametrize("name", ECHO_COMPONENTS)
def test_each_component_request_gets_a_fresh_instance(name: str, load_sample: Callable[..., Function]) -> None:
    function = load_sample(name)
    first = parse_echo(function.call(request(b"one")).body)
    second = parse_echo(function.call(request(b"two", query="")).body)
    assert first[1:] == (["/api", "a=1", "b=%202"], b"one")
    assert second[1:] == (["/api"], b"two")
    assert second[0]["QUERY_STRING"] == ""


def test_python_json_app_describes_get_and_sums_post(load_sample: Callable[..., Function]) -> None:
    function = load_sample("json-py")
    got = function.call(request(method="GET", path="/x", query="q=1"))
    assert got.header("content-type") == "application/json"
    assert json.loads(got.body) == {"method": "GET", "path": "/x", "query": {"q": "1"}}
    summed = function.call(request(b"[1, 2, 3.5]"))
    assert (summed.status, json.loads(summed.body)) == (200, {"sum": 6.5})
    refused = function.call(request(b"{not json"))
    assert refused.status == 400
    assert "expected a JSON list" in json.loads(refused.body)["error"]


def test_python_cookies_app_sets_three_cookies_like_cookies_c(load_sample: Callable[..., Function]) -> None:
    answer = load_sample("cookies-py").call(request(method="GET"))
    expected = load_sample("cookies-c").call(request(method="GET"))
    assert header_values(answer.headers, "set-cookie") == header_values(expected.headers, "set-cookie")
    assert header_values(answer.headers, "set-cookie") == ["a=1; Path=/", "b=2; HttpOnly", "c=3; Secure; SameSite=Lax"]
    assert answer.body == expected.body == b"cookies\n"


def test_flask_app_runs_inside_the_component(load_sample: Callable[..., Function]) -> None:
    function = load_sample("flask-py")
    greeting = function.call(request(method="GET", path="/", query="who=w%C3%B6rld"))
    assert (greeting.status, json.loads(greeting.body)) == (200, {"hello": "flask", "args": {"who": "wörld"}})
    binary = bytes(range(256)) * 256
    echoed = function.call(request(binary, path="/echo", query=""))
    assert (echoed.status, echoed.body) == (200, binary)
    assert function.call(request(method="GET", path="/missing")).status == 404


def test_component_past_its_deadline_times_out_and_keeps_serving(load_sample: Callable[..., Function]) -> None:
    function = load_sample("loop-py", Limits(timeout_seconds=0.5))
    with pytest.raises(GuestTimeout):
        function.call(request(method="GET"))
    assert function.handle(request(method="GET")).status == 504


def test_component_cache_holds_the_precompiled_artifact(load_sample: Callable[..., Function]) -> None:
    load_sample("echo-py")
    assert any(path.suffix == ".cwasm" for path in SAMPLE_CACHE.iterdir())


def test_a_sleeping_python_component_stops_at_its_deadline(load_sample: Callable[..., Function]) -> None:
    function = load_sample("sleep-py", Limits(timeout_seconds=1.0))
    started = time.monotonic()
    with pytest.raises(GuestTimeout):
        function.call(request(method="GET", query=""))
    assert time.monotonic() - started < 5.0, "the app asked for 10 s"
    assert function.call(request(method="GET", query="short")).body == b"slept\n"


def test_a_python_component_past_its_memory_cap_is_memory_limit_exceeded(
    load_sample: Callable[..., Function],
) -> None:
    function = load_sample("membomb-py", Limits(memory_bytes=64 * 1024 * 1024))
    with pytest.raises(MemoryLimitExceeded, match="guest trapped at the memory cap of 67108864 bytes"):
        function.call(request(method="GET"))
    assert function.handle(request(method="GET")).status == 500


OUT_OF_BOUNDS_LOAD = '(memory 1) (func (export "run") (result i32) (i32.load (i32.const 70000)))'
OUT_OF_BOUNDS_COMPONENT = f"""(component
  (core module $m {OUT_OF_BOUNDS_LOAD})
  (core instance $i (instantiate $m))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-instance)))"""
OUT_OF_BOUNDS_MODULE = f"""(module {OUT_OF_BOUNDS_LOAD}
  (func (export "_start") (drop (call 0))))"""


BIG_MEMORY_COMPONENT = """(component
  (core module $m (memory 40) (func (export "run") (result i32) (i32.const 0)))
  (core instance $i (instantiate $m))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-instance)))"""


def test_a_component_whose_memory_minimum_is_past_the_cap_is_memory_limit_exceeded(tmp_path: Path) -> None:
    component = tmp_path / "bigmemory.wasm"
    component.write_bytes(wasmtime.wat2wasm(BIG_MEMORY_COMPONENT))
    with Function.load(component, limits=Limits(memory_bytes=1024 * 1024)) as function:
        with pytest.raises(MemoryLimitExceeded, match="memory cap of 1048576 bytes: memory minimum size of 40 pages"):
            function.call(request())
        assert function.handle(request()).status == 500


def test_a_component_trap_reads_like_the_same_trap_in_a_module(tmp_path: Path) -> None:
    component, module = tmp_path / "oob.wasm", tmp_path / "oob.wat"
    component.write_bytes(wasmtime.wat2wasm(OUT_OF_BOUNDS_COMPONENT))
    module.write_text(OUT_OF_BOUNDS_MODULE)
    messages = []
    for path in (component, module):
        with Function.load(path) as function, pytest.raises(GuestTrap) as trapped:
            function.call(request())
        messages.append(str(trapped.value))
    assert messages == ["guest trapped: wasm trap: out of bounds memory access"] * 2


def test_component_stderr_past_its_cap_is_trimmed_to_the_cap(
    load_sample: Callable[..., Function], caplog: pytest.LogCaptureFixture
) -> None:
    function = load_sample("logspam-py", Limits(max_stderr_bytes=64 * 1024))
    with caplog.at_level(logging.INFO, logger="portable_fn.guest"):
        assert function.call(request(method="GET", query="n=4")).body == b"logged\n"
    lines = [record.getMessage() for record in caplog.records]
    dropped = 4 * 1024 * 1024 - 64 * 1024
    assert lines[-1] == f"[req-1] [stderr truncated: {dropped} bytes past the 65536-byte cap dropped]"
    assert len(lines) == 64 + 1
