"""The container build context: its files, and its entry command run outside Docker (no engine here)."""

from __future__ import annotations

import json
import os
import shlex
import stat
import sys
from pathlib import Path

from adapters.local_http.bundle import build_bundle
from portable_fn.packaging import CACHE_DIR
from tests.conftest import parse_echo, sample_path
from tests.servers import ServerProcess, answer_when_up, request

CONFIG = """name = "echo"
artifact = "echo-c.wasm"
[limits]
memory_mb = 64
max_output_mb = 0.01
[grants]
authorization = true
[container]
workers = 1
"""


def image_command(context: Path) -> tuple[list[str], dict[str, str]]:
    """The image's ENTRYPOINT + CMD and ENV, with /app replaced by the unpacked context; port 0: the OS picks one."""
    dockerfile = (context / "Dockerfile").read_text()
    entry = json.loads(dockerfile.split("ENTRYPOINT ", 1)[1].splitlines()[0])
    cmd = json.loads(dockerfile.split("\nCMD ", 1)[1].splitlines()[0])
    declared = dockerfile.split("\nENV ", 1)[1].split("\nWORKDIR", 1)[0].replace("\\\n", " ")
    env = dict(item.replace("/app", str(context)).split("=", 1) for item in shlex.split(declared))
    env |= {"PATH": os.environ["PATH"], "HOST": "127.0.0.1", "PORT": "0"}
    return [sys.executable if entry[0] == "python" else entry[0], *entry[1:], *cmd], env


def make_read_only(root: Path) -> None:
    """Take write permission off every file and folder under ``root`` (and ``root``)."""
    for path in [*root.rglob("*"), root]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)


def without_write_override() -> list[str]:
    """A command prefix under which permissions hold for this test's user: root loses the capabilities
    that let it write (and read) regardless of them, as the image's non-root USER never had them."""
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []


def test_context_files(tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text(CONFIG)
    context = build_bundle(sample_path("echo-c"), config, tmp_path / "out").directory
    dockerfile = (context / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile and "USER 10001" in dockerfile and "STOPSIGNAL SIGTERM" in dockerfile
    assert "PORTABLE_FN_CONFIG=/app/portable-fn.toml" in dockerfile
    assert dockerfile.endswith('CMD ["--workers", "1", "--threads", "2"]\n')
    assert (context / "requirements.txt").read_text().startswith("wasmtime==50.0.1\nclick==")
    assert len(list((context / CACHE_DIR).glob("*-x86_64-*.cwasm"))) == 1


def test_image_command_keeps_every_limit_and_grant_and_stops_on_sigterm(tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text(CONFIG)
    context = build_bundle(sample_path("echo-c"), config, tmp_path / "out").directory
    command, env = image_command(context)
    server = ServerProcess(command, env, cwd=context)
    try:
        port = server.listening_port()
        answer_when_up(server, port, "/")
        _, body = request(port, "GET", "/", headers={"Authorization": "Bearer t"})
        environment, _, _ = parse_echo(body)
        assert environment["HTTP_AUTHORIZATION"] == "Bearer t"  # grants.authorization
        refused, _ = request(port, "POST", "/", body=b"x" * 20_000)
        assert refused.status == 502  # limits.max_output_mb (10 kB) holds in the image
    finally:
        output = server.output()
        code = server.stop()
    assert code == 0, output
    assert "compiling instead" not in output


def test_image_command_starts_read_only_without_home_and_logs_no_error(tmp_path: Path) -> None:
    # The image's user is --no-create-home: $HOME does not exist and cannot be made; /app is read-only.
    config = tmp_path / "portable-fn.toml"
    config.write_text(CONFIG)
    context = build_bundle(sample_path("echo-c"), config, tmp_path / "out").directory
    command, env = image_command(context)
    env["HOME"] = str(context / "home-of-a-user-without-one")
    make_read_only(context)
    server = ServerProcess([*without_write_override(), *command], env, cwd=context)
    try:
        port = server.listening_port()
        answer_when_up(server, port, "/")
        response, body = request(port, "POST", "/?a=1", body=b"ping")
        assert response.status == 200
        environment, _, echoed = parse_echo(body)
        assert (environment["QUERY_STRING"], echoed) == ("a=1", b"ping")
    finally:
        output = server.output()
        code = server.stop()
    assert code == 0, output
    assert "[ERROR]" not in output and "Traceback" not in output, output
