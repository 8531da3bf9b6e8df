"""Real functions-framework servers running the template main.py around built sample guests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.bundles import write_config
from tests.conftest import ROOT, free_port, sample_path

MAIN = ROOT / "adapters" / "gcp_functions" / "template" / "main.py"
Server = Callable[[str, str], str]


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Return once the server accepts connections; fail with its log if it exits or never listens."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"functions-framework exited: {log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"functions-framework did not listen on {port}: {log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def ff_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Start (once per module) ``functions-framework --target TARGET`` serving SAMPLE; returns its base URL."""
    running: dict[tuple[str, str], str] = {}
    processes: list[subprocess.Popen[bytes]] = []

    def start(target: str, sample: str) -> str:
        if (target, sample) not in running:
            folder = tmp_path_factory.mktemp(f"{target}-{sample}")
            config = write_config(folder, sample_path(sample))
            port = free_port()
            env = {**os.environ, "PORTABLE_FN_CONFIG": str(config), "PYTHONPATH": str(ROOT), "WORKERS": "1"}
            env["THREADS"] = "2"
            log = folder / "server.log"
            command = [sys.executable, "-m", "functions_framework", "--target", target, "--source", str(MAIN)]
            with log.open("wb") as sink:
                process = subprocess.Popen(
                    [*command, "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=sink, stderr=sink
                )
            processes.append(process)
            wait_for_port(port, process, log)
            running[(target, sample)] = f"http://127.0.0.1:{port}"
        return running[(target, sample)]

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)
