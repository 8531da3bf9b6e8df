"""Function end to end with real guests from samples/: contract, faults, sandbox, limits, cache."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from portable_fn import (
    ArtifactError,
    BadGuestOutput,
    BodyTooLarge,
    ConfigError,
    Function,
    Grants,
    GuestExit,
    GuestTimeout,
    GuestTrap,
    Limits,
    MemoryLimitExceeded,
    OutputTooLarge,
    Request,
)
from tests.conftest import parse_echo, sample_path

LoadSample = Callable[..., Function]
FAULT_LIMITS = Limits(memory_bytes=32 * 1024 * 1024, timeout_seconds=0.5, max_output_bytes=1024 * 1024)
ECHO_REQUEST = Request(
    method="POST",
    path="/caf%C3%A9/a%2Fb",
    query="x=1&x=2&y=%20z",
    headers=(("Host", "example.test:8443"), ("Content-Type", "application/x-thing"), ("X-Multi", "a")),
    body=bytes(range(256)) * 4,
    request_id="req-1",
)


@pytest.mark.parametrize("language", ["c", "zig", "rust", "go", "as"])
def test_echo_is_byte_identical_in_every_language(load_sample: LoadSample, language: str) -> None:
    reference = load_sample("echo-c").call(ECHO_REQUEST)
    response = load_sample(f"echo-{language}").call(ECHO_REQUEST)
    assert response == reference


def test_echo_sees_the_wagi_environment(load_sample: LoadSample) -> None:
    response = load_sample("echo-c").call(ECHO_REQUEST)
    env, argv, body = parse_echo(response.body)
    assert response.status == 200
    assert env["REQUEST_METHOD"] == "POST"
    assert env["PATH_INFO"] == "/café/a/b"
    assert env["X_RAW_PATH_INFO"] == "/caf%C3%A9/a%2Fb"
    assert env["QUERY_STRING"] == "x=1&x=2&y=%20z"
    assert env["CONTENT_LENGTH"] == "1024"
    assert env["CONTENT_TYPE"] == "application/x-thing"
    assert env["SERVER_NAME"] == "example.test"
    assert env["SERVER_PORT"] == "8443"
    assert env["HTTP_X_MULTI"] == "a"
    assert env["X_FULL_URL"] == "http://example.test:8443/caf%C3%A9/a%2Fb?x=1&x=2&y=%20z"
    assert argv == ["/", "x=1", "x=2", "y=%20z"]
    assert body == ECHO_REQUEST.body


@pytest.mark.parametrize(
    ("guest", "error", "status"),
    [
        pytest.param("trap-wat", GuestTrap, 500, id="trap"),
        pytest.param("stackoverflow-wat", GuestTrap, 500, id="stack-overflow"),
        pytest.param("membomb-wat", MemoryLimitExceeded, 500, id="memory-bomb"),
        pytest.param("exit1-c", GuestExit, 500, id="exit-1"),
        pytest.param("loop-wat", GuestTimeout, 504, id="infinite-loop"),
        pytest.param("noheaders-c", BadGuestOutput, 502, id="no-headers"),
        pytest.param("hugeoutput-c", OutputTooLarge, 502, id="huge-output"),
        pytest.param("crlfheader-c", BadGuestOutput, 502, id="crlf-in-header"),
        pytest.param("badstatus-c", BadGuestOutput, 502, id="bad-status"),
    ],
)
def test_each_fault_is_a_typed_error_and_the_next_request_succeeds(
    load_sample: LoadSample, guest: str, error: type[Exception], status: int
) -> None:
    faulty = load_sample(guest, FAULT_LIMITS)
    with pytest.raises(error):
        faulty.call(Request())
    answer = faulty.handle(Request())
    assert answer.status == status
    assert answer.body.strip()
    assert load_sample("hello-c", FAULT_LIMITS).call(Request()).body == b"hello\n"


def test_guest_sees_no_host_environment(load_sample: LoadSample, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "do-not-leak")
    env, _, _ = parse_echo(load_sample("echo-c").call(Request()).body)
    assert "AWS_SECRET_ACCESS_KEY" not in env
    assert "do-not-leak" not in "".join(env.values())
    assert "PATH" not in env and "HOME" not in env


def test_a_nul_in_one_value_ends_that_value_and_leaves_every_other_intact(load_sample: LoadSample) -> None:
    # argv and the environment reach wasmtime as C strings: the NUL ends its own string, nothing else.
    request = Request(query="a=1\0hidden&b=2", headers=(("X-Before", "x"), ("X-After", "y")))
    env, argv, _ = parse_echo(load_sample("echo-c").call(request).body)
    assert env["QUERY_STRING"] == "a=1"
    assert argv == ["/", "a=1", "b=2"]
    assert (env["HTTP_X_BEFORE"], env["HTTP_X_AFTER"], env["X_RAW_PATH_INFO"]) == ("x", "y", "/")


def test_requests_with_different_headers_each_see_exactly_their_own(load_sample: LoadSample) -> None:
    echo = load_sample("echo-c")
    first, second = Request(headers=(("X-One", "1"),)), Request(headers=(("X-Two", "2"), ("X-Three", "3")))
    for request in (first, second, first, second):
        env, _, _ = parse_echo(echo.call(request).body)
        assert {name: value for name, value in env.items() if name.startswith("HTTP_")} == {
            f"HTTP_{name.upper().replace('-', '_')}": value for name, value in request.headers
        }


def test_granted_env_vars_reach_the_guest_but_request_vars_win() -> None:
    grants = Grants(env=(("GREETING", "hi"), ("REQUEST_METHOD", "SPOOFED")))
    env, _, _ = parse_echo(Function.load(sample_path("echo-c"), grants=grants).call(Request(method="PUT")).body)
    assert env["GREETING"] == "hi"
    assert env["REQUEST_METHOD"] == "PUT"


def test_a_granted_value_no_byte_string_can_carry_is_a_config_error_at_load() -> None:
    # It used to load, then answer every request 400, as if each client had sent bad text.
    with pytest.raises(ConfigError, match="granted env var text is not valid Unicode"):
        Function.load(sample_path("hello-c"), grants=Grants(env=(("GREETING", "caf\ud800"),)))


def test_guest_cannot_read_host_files_without_a_grant(load_sample: LoadSample, tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("granted line\n")
    request = Request(query="path=/data/note.txt")
    denied = load_sample("readfile-c").call(request).body.decode()
    assert "open /etc/passwd: denied" in denied
    assert "open /data/note.txt: denied" in denied
    granted = Grants.from_host(dirs={"/data": str(tmp_path)})
    allowed = Function.load(sample_path("readfile-c"), grants=granted).call(request).body.decode()
    assert "open /data/note.txt: ok" in allowed
    assert "granted line" in allowed
    assert "open /etc/passwd: denied" in allowed


def test_body_over_the_cap_is_rejected_before_running() -> None:
    function = Function.load(sample_path("echo-c"), limits=Limits(max_body_bytes=10))
    with pytest.raises(BodyTooLarge, match="11 bytes"):
        function.call(Request(body=b"x" * 11))
    assert function.handle(Request(body=b"x" * 11)).status == 413


def test_timeout_argument_shortens_the_deadline(load_sample: LoadSample) -> None:
    with pytest.raises(GuestTimeout):
        load_sample("loop-wat").call(Request(), timeout=0.05)


def test_guest_stderr_goes_to_logging_with_the_request_id(
    load_sample: LoadSample, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="portable_fn.guest"):
        load_sample("stderr-c").call(Request(request_id="abc-123"))
    assert "[abc-123] guest log line" in caplog.messages


def test_concurrent_calls_from_threads_do_not_mix_outputs(load_sample: LoadSample) -> None:
    echo = load_sample("echo-c")
    results: dict[int, bytes] = {}

    def call(index: int) -> None:
        for _ in range(20):
            body = parse_echo(echo.call(Request(body=f"thread {index}".encode())).body)[2]
            results[index] = body if body == f"thread {index}".encode() else b"MIXED"

    threads = [threading.Thread(target=call, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {index: f"thread {index}".encode() for index in range(4)}


def test_wat_text_loads_as_a_module(tmp_path: Path) -> None:
    source = tmp_path / "ok.wat"
    source.write_text(
        '(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))'
        ' (memory (export "memory") 1) (data (i32.const 16) "Status: 204\\n\\n")'
        ' (func (export "_start") (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 13))'
        " (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"
    )
    function = Function.load(source)
    assert function.kind == "module"
    assert function.call(Request()).status == 204


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"\0asm\x01\0\0\0garbage", "not a valid WebAssembly", id="corrupt-binary"),
        pytest.param(b"(module)", "no `_start`", id="not-a-command"),
        pytest.param(b'(module (import "env" "f" (func)) (func (export "_start")))', "imports", id="unknown-import"),
        # It used to load, and its first request crashed the process (a call through a global's handle).
        pytest.param(
            b'(module (global (export "_start") i32 (i32.const 0)))', "no `_start` function", id="start-global"
        ),
    ],
)
def test_broken_artifacts_raise_artifact_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken.wat"
    path.write_bytes(content)
    with pytest.raises(ArtifactError, match=message):
        Function.load(path)


def test_missing_artifact_raises_artifact_error(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="cannot read"):
        Function.load(tmp_path / "absent.wasm")


def test_precompiled_artifact_is_reused_and_a_bad_one_falls_back_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    Function.load(sample_path("hello-c"), cache_dir=tmp_path)
    (cached,) = tmp_path.glob("*.cwasm")
    assert Function.load(sample_path("hello-c"), cache_dir=tmp_path).call(Request()).body == b"hello\n"
    cached.write_bytes(b"not a precompiled artifact")
    with caplog.at_level(logging.WARNING, logger="portable_fn.engine"):
        function = Function.load(sample_path("hello-c"), cache_dir=tmp_path)
    assert function.call(Request()).body == b"hello\n"
    assert any("compiling instead" in message for message in caplog.messages)
    assert cached.read_bytes() != b"not a precompiled artifact"


def test_guest_stderr_is_logged_when_the_guest_fails_too(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    source = tmp_path / "dies.wat"
    source.write_text(
        '(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))'
        ' (memory (export "memory") 1) (data (i32.const 16) "about to die\\n")'
        ' (func (export "_start") (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 13))'
        " (drop (call $w (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8))) unreachable))"
    )
    with caplog.at_level(logging.INFO, logger="portable_fn.guest"), pytest.raises(GuestTrap):
        Function.load(source).call(Request(request_id="r-9"))
    assert "[r-9] about to die" in caplog.messages
