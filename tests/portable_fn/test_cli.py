"""The command line through click's runner; `serve` is exercised for real in the local_http tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from portable_fn.cli import main
from tests.conftest import parse_echo, sample_path


def command_names() -> list[str]:
    return sorted(main.commands)


@pytest.mark.parametrize("command", command_names())
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_invoke_prints_the_body_and_with_include_the_head_like_curl() -> None:
    result = CliRunner().invoke(main, ["invoke", str(sample_path("cookies-c")), "-i", "--no-cache"])
    assert result.exit_code == 0, result.output
    output = result.stdout_bytes
    assert output.startswith(b"HTTP/1.1 200 OK\r\n")
    assert output.count(b"Set-Cookie: ") == 3
    assert output.endswith(b"\r\n\r\ncookies\n")


def test_invoke_sends_method_path_headers_and_a_body_file(tmp_path: Path) -> None:
    body = tmp_path / "body.bin"
    body.write_bytes(b"\x00\x01payload")
    args = ["invoke", str(sample_path("echo-c")), "-X", "post", "--path", "/x?a=1", "-H", "X-Id: 7", "-d", f"@{body}"]
    result = CliRunner().invoke(main, [*args, "--no-cache"])
    assert result.exit_code == 0, result.output
    env, _, received = parse_echo(result.stdout_bytes)
    assert (env["REQUEST_METHOD"], env["PATH_INFO"], env["QUERY_STRING"], env["HTTP_X_ID"]) == (
        "POST",
        "/x",
        "a=1",
        "7",
    )
    assert received == b"\x00\x01payload"


def test_invoke_reports_guest_failures_as_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["invoke", str(sample_path("trap-wat")), "--no-cache"])
    assert result.exit_code == 1
    assert "GuestTrap (500): guest trapped" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["-H", "no colon"], "--header expects", id="bad-header"),
        pytest.param(["--dir", "relative=/tmp"], "--dir expects", id="bad-dir"),
        pytest.param(["-d", "@/nonexistent/file"], "cannot read --data file", id="missing-body-file"),
    ],
)
def test_bad_arguments_are_usage_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["invoke", str(sample_path("hello-c")), "--no-cache", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_missing_granted_env_var_is_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["invoke", str(sample_path("hello-c")), "--env", "SURELY_NOT_SET_ANYWHERE"])
    assert result.exit_code != 0
    assert "SURELY_NOT_SET_ANYWHERE" in str(result.exception) + result.output


def test_inspect_shows_kind_abi_and_imports() -> None:
    result = CliRunner().invoke(main, ["inspect", str(sample_path("hello-c"))])
    assert result.exit_code == 0, result.output
    assert "core module (WASI preview 1)" in result.output
    assert "wagi (CGI over WASI)" in result.output
    assert "wasi_snapshot_preview1.fd_write" in result.output


def test_precompile_writes_the_cache(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["precompile", str(sample_path("hello-c")), "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.cwasm"))) == 1


def test_invoke_event_reads_bom_files_and_rejects_bad_json_and_mixed_options(tmp_path: Path) -> None:
    base = ["invoke", str(sample_path("echo-c")), "--no-cache", "--provider", "gcp", "--event"]
    event = {"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "data": {"a": 1}}
    good = tmp_path / "bom.json"
    good.write_text(json.dumps(event), encoding="utf-8-sig")
    result = CliRunner().invoke(main, [*base, str(good)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"acknowledged": True, "status": 200}
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": ', encoding="utf-8")
    result = CliRunner().invoke(main, [*base, str(bad)])
    assert result.exit_code == 2
    assert f"cannot read --event file {str(bad)!r}" in result.output
    assert "Expecting value" in result.output
    result = CliRunner().invoke(main, [*base, str(good), "-X", "POST", "-d", "x"])
    assert result.exit_code == 2
    assert "--event cannot be combined with --method, --data" in result.output
    result = CliRunner().invoke(main, [*base[:-3], "--event", str(good)])
    assert result.exit_code == 2
    assert "--event and --provider go together" in result.output
