"""The container build context: its files, and its entry command run outside Docker (no engine here)."""

from __future__ import annotations

import json
import os
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
    config = dockerfile.split("PORTABLE_FN_CONFIG=", 1)[1].split()[0]
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(context), "HOST": "127.0.0.1", "PORT": "0"}
    env["PORTABLE_FN_CONFIG"] = config.replace("/app/", f"{context}/")
    return [sys.executable if entry[0] == "python" else entry[0], *entry[1:], *cmd], env


def test_context_files(tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text(CONFIG)
    context = build_bundle(sample_path("echo-c"), config, tmp_path / "out").directory
    dockerfile = (context / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile and "USER 10001" in dockerfile and "STOPSIGNAL SIGTERM" in dockerfile
    assert "PORTABLE_FN_CONFIG=/app/portable-fn.toml" in dockerfile
    assert dockerfile.endswith('CMD ["--workers", "1"]\n')
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
