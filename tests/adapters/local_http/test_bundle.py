"""The container build context: its files, and its entry command run outside Docker (no engine here)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from adapters.local_http.bundle import build_bundle
from portable_fn.packaging import CACHE_DIR
from tests.conftest import sample_path
from tests.servers import ServerProcess, answer_when_up


def test_context_entry_command_serves_on_port_and_stops_on_sigterm(tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text('name = "hello"\nartifact = "hello-c.wasm"\n[limits]\nmemory_mb = 64\n[container]\nworkers = 1\n')
    bundle = build_bundle(sample_path("hello-c"), config, tmp_path / "out")
    context = bundle.directory
    dockerfile = (context / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile and "USER 10001" in dockerfile and "STOPSIGNAL SIGTERM" in dockerfile
    assert (context / "requirements.txt").read_text().startswith("wasmtime==50.0.1\nclick==")
    assert len(list((context / CACHE_DIR).glob("*-x86_64-*.cwasm"))) == 1
    entry = json.loads(dockerfile.split("ENTRYPOINT ", 1)[1].splitlines()[0])
    cmd = json.loads(dockerfile.split("\nCMD ", 1)[1].splitlines()[0])
    assert cmd[:3] == ["/app/hello-c.wasm", "--workers", "1"] and "--memory-mb" in cmd
    # The image's ENV, with /app replaced by the unpacked context; port 0: the OS picks one.
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(context), "HOST": "127.0.0.1", "PORT": "0"}
    env["PORTABLE_FN_CACHE_DIR"] = str(context / CACHE_DIR)
    command = [sys.executable if entry[0] == "python" else entry[0], *entry[1:]]
    command += [arg.replace("/app/", f"{context}/") for arg in cmd]
    server = ServerProcess(command, env, cwd=context)
    try:
        _, body = answer_when_up(server, server.listening_port(), "/")
        assert body == b"hello\n"
    finally:
        output = server.output()
        code = server.stop()
    assert code == 0, output
    assert "compiling instead" not in output
