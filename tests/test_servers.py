"""The test harness's own server helpers: waiting follows readiness, ports come from the server."""

from __future__ import annotations

import socket
import sys

import pytest

from tests.servers import ServerProcess

# Stands in for a server that compiles before it binds: CPU-busy for a while, then port 0.
BUSY_THEN_LISTEN = """
import socket, time
started = time.monotonic()
while time.monotonic() - started < 3:
    pass
listener = socket.create_server(("127.0.0.1", 0))
print(f"Listening at: http://127.0.0.1:{listener.getsockname()[1]} (1)", flush=True)
time.sleep(60)
"""


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_server_busy_for_longer_than_the_stall_window_is_waited_for() -> None:
    with ServerProcess(python(BUSY_THEN_LISTEN), stall_seconds=1) as server:
        port = server.listening_port()
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass


def test_an_idle_server_that_never_listens_fails_after_the_stall_window() -> None:
    server = ServerProcess(python("import time; print('waiting', flush=True); time.sleep(60)"), stall_seconds=1)
    with pytest.raises(pytest.fail.Exception, match=r"no listening line after \d+ s:\nwaiting"):
        server.listening_port()
    assert server.process.poll() is not None


def test_a_server_that_exits_fails_at_once_with_its_output() -> None:
    server = ServerProcess(python("import sys; print('bad flag', file=sys.stderr); sys.exit(3)"))
    with pytest.raises(pytest.fail.Exception, match="server exited with 3 before listening line:\nbad flag"):
        server.listening_port()
