"""Guests that call out, on every HTTP path: `portable-fn serve` and each `--emulate` adapter.

Each server is a real `portable-fn serve` child process; the upstream runs on 127.0.0.1 in the
test (tests/upstream.py), and its address and token reach the guest as env grants.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.adapters.test_conformance import ADAPTERS, PREFIX
from tests.conftest import SAMPLE_CACHE, sample_path
from tests.servers import Server
from tests.upstream import BIG_BODY, Upstream

CALLERS = ["fetch-js", "upstream-py"]
TOKEN = "path-token"


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with Upstream() as server:
        yield server


def serve(name: str, adapter: str, upstream: Upstream, *grant: str) -> Server:
    args = [str(sample_path(name)), "--emulate", adapter, "--cache-dir", str(SAMPLE_CACHE), "--threads", "1"]
    args += ["--env", "UPSTREAM_URL", "--env", "UPSTREAM_TOKEN", *grant]
    env = {**os.environ, "UPSTREAM_URL": upstream.url, "UPSTREAM_TOKEN": TOKEN}
    return Server(args, env, probe=PREFIX.get(adapter, "") + "/")


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize("name", CALLERS)
def test_granted_guest_calls_out_through_every_adapter(name: str, adapter: str, upstream: Upstream) -> None:
    server = serve(name, adapter, upstream, "--allow-network")
    prefix = PREFIX.get(adapter, "")
    try:
        hello = server.request("GET", prefix + "/hello")
        big = server.request("GET", prefix + "/big")
    finally:
        server.stop()
    assert (hello[0].status, hello[1]) == (200, f"hello from upstream; auth=Bearer {TOKEN}\n".encode())
    assert (big[0].status, big[1]) == (200, BIG_BODY)


@pytest.mark.parametrize("name", CALLERS)
def test_without_allow_network_serve_answers_500_naming_the_grant(name: str, upstream: Upstream) -> None:
    server = serve(name, "none", upstream)
    try:
        response, body = server.request("GET", "/hello")
        log = server.process.output()
    finally:
        server.stop()
    assert response.status == 500
    assert b"the network is not granted: run with --allow-network or set [grants] network = true" in body
    assert "Traceback" not in log
