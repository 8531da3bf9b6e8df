"""What the CLI tells people: guest logs, access lines, progress of long steps (the real CLI, in a temp folder)."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import pytest

from tests.conftest import run_cli, sample_path
from tests.servers import Server

REQUEST_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_invoke_shows_the_guest_log_tagged_with_the_request_id(tmp_path: Path) -> None:
    result = run_cli(["invoke", str(sample_path("stderr-c")), "--no-cache"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(rf"portable_fn\.guest \[{REQUEST_ID}\] guest log line$", result.stderr, re.MULTILINE)
    quiet = run_cli(["invoke", str(sample_path("stderr-c")), "--no-cache", "--quiet"], cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stdout == result.stdout
    assert "guest log line" not in quiet.stderr


def stop_and_read(server: Server) -> tuple[int, str]:
    """Stop the server (SIGTERM drains and flushes every log line), then its exit code and all it printed."""
    server.process.process.send_signal(signal.SIGTERM)
    server.process.process.wait(timeout=30)
    output = server.process.output()
    return server.stop(), output


@pytest.mark.parametrize("quiet", [pytest.param(False, id="default"), pytest.param(True, id="quiet")])
def test_serve_shows_guest_logs_and_one_access_line_per_request(tmp_path: Path, quiet: bool) -> None:
    server = Server([str(sample_path("stderr-c")), "--cache-dir", str(tmp_path), *(["-q"] if quiet else [])])
    try:
        server.body("GET", "/first?x=1", headers={"X-Request-Id": "req-42"})
        server.body("GET", "/second")
    finally:
        code, output = stop_and_read(server)
    assert code == 0
    shown = ["[req-42] guest log line", '"GET /first?x=1 HTTP/1.1" 200', '"GET /second HTTP/1.1" 200']
    assert [line in output for line in shown] == [not quiet] * 3, output
    # Without an X-Request-Id header the server makes one up: every guest line is tagged.
    assert len(re.findall(r"\[[0-9a-f]{16}\] guest log line", output)) == (0 if quiet else 2)  # probe, /second
    assert output.count('"GET / HTTP/1.1" 200') == (0 if quiet else 1)  # the start-up probe


def test_serve_under_a_url_prefix_prints_it_and_hints_outside_it(tmp_path: Path) -> None:
    server = Server([str(sample_path("hello-c")), "--cache-dir", str(tmp_path), "--emulate", "azure"], probe="/api/")
    try:
        response, body = server.request("GET", "/hello")
    finally:
        _, output = stop_and_read(server)
    assert f"on http://127.0.0.1:{server.port}/api/" in output
    assert response.status == 404
    assert b"under /api/" in body and b"try /api/hello" in body


def test_precompile_says_what_it_wrote_and_then_that_it_is_up_to_date(tmp_path: Path) -> None:
    args = ["precompile", str(sample_path("hello-c")), "--cache-dir", "cache"]
    first = run_cli(args, cwd=tmp_path)
    written = list((tmp_path / "cache").glob("*.cwasm"))
    assert first.returncode == 0 and len(written) == 1
    assert first.stdout == f"wrote {Path('cache') / written[0].name} ({written[0].stat().st_size:,} bytes)\n"
    again = run_cli(args, cwd=tmp_path)
    assert again.stdout == f"up to date: {Path('cache') / written[0].name}\n"


def test_a_slow_compile_is_announced(tmp_path: Path) -> None:
    # A 13 MB component takes seconds to compile, far above the notice's half second.
    result = run_cli(["precompile", str(sample_path("echo-js")), "--cache-dir", str(tmp_path)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"compiling echo-js\.wasm \(\d+\.\d MB\) for this machine \.\.\.\n", result.stderr)


def test_package_says_what_it_is_doing_and_what_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(["package", "container", str(sample_path("hello-c")), "-o", str(out)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"packaging hello-c.wasm for container into {out} ..."
    assert lines[-1] == f"wrote {out / 'bundle'}"


@pytest.mark.parametrize(
    ("event", "code"),
    [
        pytest.param("sqs.json", 0, id="sqs-partial-failure-is-a-successful-invocation"),
        pytest.param("sns.json", 1, id="sns-refusal-fails-the-invocation"),
    ],
)
def test_invoke_event_exits_as_the_provider_sees_the_invocation(
    tmp_path: Path, shared_events: Path, event: str, code: int
) -> None:
    args = ["invoke", str(sample_path("exit1-c")), "--provider", "aws", "--event", str(shared_events / "aws" / event)]
    result = run_cli([*args, "--no-cache", "--quiet"], cwd=tmp_path)
    assert result.returncode == code, result.stderr
    if code == 0:
        assert [item["itemIdentifier"] for item in json.loads(result.stdout)["batchItemFailures"]] == ["MessageID_1"]
    else:
        assert result.stderr.splitlines()[-1].startswith("Error: RecordsFailed (500): SNS")
