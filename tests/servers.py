"""`portable-fn serve` as a real subprocess, for tests that talk HTTP to it."""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
import tempfile
import time

from tests.conftest import free_port


class Server:
    """A running `portable-fn serve` process and a way to talk to it."""

    def __init__(
        self, args: list[str], env: dict[str, str] | None = None, port: int | None = None, probe: str = "/"
    ) -> None:
        """Start serving and wait until ``probe`` answers; with ``port`` given, the server must
        find it in the environment itself."""
        self.probe = probe
        self.port = port or free_port()
        port_flag = [] if port else ["--port", str(self.port)]
        command = [sys.executable, "-m", "portable_fn", "serve", *args, *port_flag, "--workers", "1"]
        # A file, not a pipe: a full pipe would block the server's logging.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        for _ in range(300):
            if self.process.poll() is not None:
                self.log.seek(0)
                output = self.log.read().decode(errors="replace")
                self.log.close()
                raise AssertionError(f"server exited early with {self.process.returncode}: {output}")
            try:
                self.request("GET", self.probe)
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("server did not start listening")

    def request(
        self, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, target, body=body, headers=headers or {})
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()

    def body(self, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
        return self.request(method, target, body, headers)[1]

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.log.close()
        return code
