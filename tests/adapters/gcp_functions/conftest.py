"""Real functions-framework servers running the template main.py around built sample guests."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator

import pytest

from tests.bundles import write_config
from tests.conftest import ROOT, sample_path
from tests.servers import ServerProcess

MAIN = ROOT / "adapters" / "gcp_functions" / "template" / "main.py"
Server = Callable[[str, str], str]


@pytest.fixture(scope="module")
def ff_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Start (once per module) ``functions-framework --target TARGET`` serving SAMPLE; returns its base URL."""
    running: dict[tuple[str, str], str] = {}
    servers: list[ServerProcess] = []

    def start(target: str, sample: str) -> str:
        if (target, sample) not in running:
            folder = tmp_path_factory.mktemp(f"{target}-{sample}")
            config = write_config(folder, sample_path(sample))
            env = {**os.environ, "PORTABLE_FN_CONFIG": str(config), "PYTHONPATH": str(ROOT), "WORKERS": "1"}
            # gunicorn announces the port it was given at info level (functions-framework sets "error").
            env |= {"THREADS": "2", "GUNICORN_LOG_LEVEL": "info"}
            command = [sys.executable, "-m", "functions_framework", "--target", target, "--source", str(MAIN)]
            server = ServerProcess([*command, "--host", "127.0.0.1", "--port", "0"], env)
            servers.append(server)
            running[(target, sample)] = f"http://127.0.0.1:{server.listening_port()}"
        return running[(target, sample)]

    yield start
    for server in servers:
        server.stop()
