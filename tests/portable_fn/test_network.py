"""Guests that call other services: granted, denied with a clear error, bounded by the deadline.

The fetch-js (componentize-js fetch()) and upstream-py (the shipped portable_fn_http client)
samples call a real upstream on 127.0.0.1 started by the test (tests/upstream.py).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from portable_fn import Function, Grants, Limits, NetworkNotGranted, Request
from portable_fn.config import spec_from_config
from portable_fn.errors import ConfigError
from tests.conftest import SAMPLE_CACHE, parse_echo, sample_path
from tests.upstream import BIG_BODY, Upstream

CALLERS = [pytest.param("fetch-js", id="js-fetch"), pytest.param("upstream-py", id="python-client")]
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with Upstream() as server:
        yield server


def load(name: str, upstream: Upstream, *, network: bool, timeout: float = 30.0) -> Function:
    environ = {"UPSTREAM_URL": upstream.url, "UPSTREAM_TOKEN": TOKEN}
    grants = Grants.from_host(["UPSTREAM_URL", "UPSTREAM_TOKEN"], network=network, environ=environ)
    limits = Limits(timeout_seconds=timeout)
    return Function.load(sample_path(name), limits=limits, grants=grants, cache_dir=SAMPLE_CACHE)


@pytest.mark.parametrize("name", CALLERS)
def test_granted_guest_calls_the_upstream_with_its_env_granted_secret(name: str, upstream: Upstream) -> None:
    with load(name, upstream, network=True) as function:
        response = function.handle(Request(path="/hello"))
    assert (response.status, response.body) == (200, f"hello from upstream; auth=Bearer {TOKEN}\n".encode())


@pytest.mark.parametrize("name", CALLERS)
def test_a_1mb_body_arrives_byte_exact_both_ways(name: str, upstream: Upstream) -> None:
    with load(name, upstream, network=True) as function:
        downloaded = function.handle(Request(path="/big"))
        uploaded = function.handle(Request(method="POST", path="/echo", body=BIG_BODY[::-1]))
    assert (downloaded.status, downloaded.body) == (200, BIG_BODY)
    assert (uploaded.status, uploaded.body) == (200, BIG_BODY[::-1])


@pytest.mark.parametrize("name", CALLERS)
def test_without_the_grant_the_call_is_refused_naming_it_and_the_function_keeps_serving(
    name: str, upstream: Upstream
) -> None:
    with load(name, upstream, network=False) as function:
        with pytest.raises(NetworkNotGranted, match=r"wasi:http/.*--allow-network.*\[grants\] network = true"):
            function.call(Request(path="/hello"))
        again = function.handle(Request(path="/hello"))
    assert again.status == 500
    assert b"the network is not granted: run with --allow-network" in again.body


@pytest.mark.parametrize("name", CALLERS)
def test_an_unreachable_upstream_is_the_guests_own_502(name: str) -> None:
    with socket.socket() as probe:  # a loopback port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        closed_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    grants = Grants.from_host(["UPSTREAM_URL"], network=True, environ={"UPSTREAM_URL": closed_url})
    with Function.load(sample_path(name), grants=grants, cache_dir=SAMPLE_CACHE) as function:
        response = function.handle(Request(path="/hello"))
    assert (response.status, response.body[:21]) == (502, b"upstream call failed:")


@pytest.mark.parametrize("name", CALLERS)
def test_a_stalled_upstream_is_the_guests_own_504_before_the_deadline(name: str, upstream: Upstream) -> None:
    with load(name, upstream, network=True, timeout=1.0) as function:
        started = time.monotonic()
        response = function.handle(Request(path="/stall"))
        elapsed = time.monotonic() - started
    # The guest's own answer (its call timed out from the announced budget), not the host's stop.
    assert (response.status, response.body[:21]) == (504, b"upstream call failed:")
    assert elapsed < 5.0, "the upstream stalls for 10 s: the call must end near the 1 s deadline"


@pytest.mark.parametrize("network", [True, False])
def test_the_grant_opens_name_lookups_while_tcp_sockets_stay_closed(network: bool, upstream: Upstream) -> None:
    port = upstream.url.rpartition(":")[2]
    with Function.load(sample_path("tcp-py"), grants=Grants(network=network), cache_dir=SAMPLE_CACHE) as function:
        lookup, connect = function.handle(Request(query=f"localhost:{port}")).body.decode().splitlines()
    refused_lookup = "refused: [Errno -4] Non-recoverable error"
    assert lookup == f"lookup: {'127.0.0.1' if network else refused_lookup}"
    # Measured on wasmtime-py 50.0.1: no C API switch lets a component create a TCP socket
    # (without the grant, connecting fails earlier, at its own name lookup).
    assert connect == f"connect: {'refused: [Errno 2] Permission denied' if network else refused_lookup}"


def test_granted_components_get_their_remaining_time_others_do_not() -> None:
    limits = Limits(timeout_seconds=7.0)
    granted = Function.load(sample_path("echo-js"), limits=limits, grants=Grants(network=True), cache_dir=SAMPLE_CACHE)
    plain = Function.load(sample_path("echo-js"), limits=limits, cache_dir=SAMPLE_CACHE)
    with granted, plain:
        granted_env, _, _ = parse_echo(granted.call(Request()).body)
        plain_env, _, _ = parse_echo(plain.call(Request()).body)
    assert 0 < int(granted_env["X_REMAINING_TIME_IN_MILLIS"]) <= 7000
    assert "X_REMAINING_TIME_IN_MILLIS" not in plain_env


def test_config_grants_the_network(tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text('artifact = "a.wasm"\n[grants]\nnetwork = true\n', encoding="utf-8")
    assert spec_from_config(config).grants.network
    config.write_text('artifact = "a.wasm"\n', encoding="utf-8")
    assert not spec_from_config(config).grants.network
    config.write_text('artifact = "a.wasm"\n[grants]\nnetwork = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"grants\.network must be true or false"):
        spec_from_config(config)
