"""The event-loop front door for real: `portable-fn serve` as a subprocess, raw sockets over loopback.

Slow or half-open clients, a full set of guest slots, a stop while a request is in flight, and the
framing of answers that carry no body.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CACHE, parse_echo, sample_path
from tests.servers import Answer, Server, request

HALF_OPEN = 64
# A request head that is never finished: no blank line after the last header.
UNFINISHED_HEAD = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


def serve(guest: str, *options: str) -> Server:
    # sleep-c sleeps on "/": it is probed with a request that returns at once.
    probe = "/?short" if guest == "sleep-c" else "/"
    return Server([str(sample_path(guest)), "--cache-dir", str(SAMPLE_CACHE), "--quiet", *options], probe=probe)


def hold_half_open(port: int) -> list[socket.socket]:
    connections = []
    for _ in range(HALF_OPEN):
        connection = socket.create_connection(("127.0.0.1", port), timeout=30)
        connection.sendall(UNFINISHED_HEAD)
        connections.append(connection)
    return connections


def test_half_open_connections_do_not_starve_normal_requests() -> None:
    server = serve("hello-c", "--threads", "2")
    held = hold_half_open(server.port)
    try:
        answers = [server.request("GET", "/") for _ in range(HALF_OPEN)]
        assert [(response.status, body) for response, body in answers] == [(200, b"hello\n")] * HALF_OPEN
    finally:
        for connection in held:
            connection.close()
        assert server.stop() == 0


# A request whose body stops after two of its 100 bytes (it used to hold the connection for ever).
STALLED_BODY = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nab"


@pytest.mark.parametrize("sent", [UNFINISHED_HEAD, STALLED_BODY], ids=["late-head", "stalled-body"])
def test_a_request_not_finished_in_time_gets_its_connection_closed(sent: bytes) -> None:
    server = serve("echo-c", "--header-timeout", "0.5")
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
            connection.sendall(sent)
            assert connection.recv(1024) == b""  # closed by the server, long before the 10 s socket timeout
        assert parse_echo(server.body("POST", "/", b"whole"))[2] == b"whole"
    finally:
        server.stop()


@pytest.mark.parametrize("emulate", ["none", "aws-url"])
@pytest.mark.parametrize("status", [204, 304])
def test_an_answer_without_body_carries_no_content_length_and_no_body(status: int, emulate: str) -> None:
    server = serve("rawstatus-c", "--emulate", emulate)  # answers the status its query names, with a body
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
            connection.sendall(f"GET /?{status} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := connection.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        assert head.startswith(f"HTTP/1.1 {status} ".encode())
        assert b"content-length" not in head.lower() and b"transfer-encoding" not in head.lower()
        assert body == b""
    finally:
        server.stop()


def test_when_every_guest_slot_stays_busy_a_request_gets_503_with_retry_after() -> None:
    server = serve("sleep-c", "--threads", "1", "--queue-timeout", "0.2", "--timeout", "3")
    try:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            sleeper, refused = occupy_the_only_slot(server, pool)
            assert refused.getheader("Retry-After") == "1"
            assert sleeper.result()[0].status == 504  # the sleeper ran to its 3 s deadline
        assert server.request("GET", "/?short")[0].status == 200
    finally:
        server.stop()


def test_sigterm_lets_the_request_in_flight_finish_and_exits_0() -> None:
    server = serve("sleep-c", "--threads", "1", "--queue-timeout", "0", "--timeout", "2")
    try:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            in_flight, _ = occupy_the_only_slot(server, pool)
            code = server.stop()
            response, _ = in_flight.result()
    finally:
        server.stop()  # already stopped, unless the test failed before
    assert code == 0
    assert response.status == 504  # answered at its 2 s deadline, not cut off by the stop


def occupy_the_only_slot(
    server: Server, pool: concurrent.futures.ThreadPoolExecutor
) -> tuple[concurrent.futures.Future[Answer], http.client.HTTPResponse]:
    """A sleeping request holding the server's only guest slot, and the 503 a short request got meanwhile.

    A short request may take the slot first, and the sleeper be the one refused: it is sent again.
    """
    while True:
        sleeper = pool.submit(server.request, "GET", "/?sleep")
        while not sleeper.done():
            response, _ = server.request("GET", "/?short")
            if response.status == 503:
                return sleeper, response
        assert sleeper.result()[0].status == 503, "the sleeper finished before any request found its slot busy"


def test_remote_addr_is_the_peer_whatever_x_forwarded_for_claims() -> None:
    server = serve("echo-c")
    try:
        env, _, _ = parse_echo(server.body("GET", "/", headers={"X-Forwarded-For": "203.0.113.9"}))
        assert (env["REMOTE_ADDR"], env["HTTP_X_FORWARDED_FOR"]) == ("127.0.0.1", "203.0.113.9")
    finally:
        server.stop()


def test_a_busy_port_is_one_error_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "portable_fn", "serve", "--port", str(port), "--cache-dir", str(SAMPLE_CACHE)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use (choose another with --port or PORT)"
    ]


def test_a_worker_that_dies_is_replaced_and_the_server_still_stops_cleanly() -> None:
    server = serve("hello-c", "--workers", "1")
    try:
        supervisor = server.process.process.pid
        (worker,) = worker_pids(supervisor)
        os.kill(worker, signal.SIGKILL)
        replaced = server.process.wait_for(lambda: worker_pids(supervisor) - {worker} or None, "a new worker")
        assert len(replaced) == 1
        assert server.process.wait_for(lambda: answered(server.port), "an answer from the new worker") == b"hello\n"
    finally:
        assert server.stop() == 0


def worker_pids(supervisor: int) -> set[int]:
    """The supervisor's live child processes (Linux lists them under /proc); zombies not yet reaped left out."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    return {int(pid) for pid in children if is_alive(int(pid))}


def is_alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def answered(port: int) -> bytes | None:
    try:
        return request(port, "GET", "/", timeout=5)[1]
    except (OSError, http.client.HTTPException):
        return None
