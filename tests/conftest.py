"""Fixtures every test module shares: built sample guests, public event samples."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from portable_fn import Function, Limits

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_OUT = ROOT / "samples" / "out"
# Public provider event samples, copied with their provenance (tests/events/SOURCES.md).
EVENT_SAMPLES = ROOT / "tests" / "events"
# Precompiled samples kept between sessions: components take seconds to compile.
SAMPLE_CACHE = SAMPLES_OUT / ".cwasm-cache"


def sample_path(name: str) -> Path:
    """Path of a guest built by ``python samples/build.py`` (``echo-c``, ``hello-wat``, ...).

    With no samples built at all, stops the whole session once with the command to run (rather
    than failing each of the hundreds of tests that need one); one missing sample fails its test.
    """
    path = SAMPLES_OUT / f"{name}.wasm"
    if path.exists():
        return path
    if not any(SAMPLES_OUT.glob("*.wasm")):
        pytest.exit(
            f"no sample guests in {SAMPLES_OUT}: run `python samples/build.py` (on a fresh machine, "
            "`bash scripts/setup.sh` installs the toolchains and builds them)",
            returncode=pytest.ExitCode.TESTS_FAILED,
        )
    sample = name.rsplit("-", 1)[0]
    pytest.fail(f"sample {path.name} is not built: run `python samples/build.py --only {sample}`")


@pytest.fixture(scope="session")
def load_sample() -> Callable[..., Function]:
    """Load a built sample as a Function, once per (name, limits) for the whole session,
    precompiled into samples/out/.cwasm-cache."""
    loaded: dict[tuple[str, Limits], Function] = {}

    def load(name: str, limits: Limits | None = None) -> Function:
        key = (name, limits or Limits())
        if key not in loaded:
            loaded[key] = Function.load(sample_path(name), limits=key[1], cache_dir=SAMPLE_CACHE)
        return loaded[key]

    return load


@pytest.fixture(scope="session")
def shared_events() -> Path:
    """The public provider event samples in tests/events; a checkout without them fails, never skips."""
    if not (EVENT_SAMPLES / "SOURCES.md").is_file():
        pytest.fail(f"{EVENT_SAMPLES} is missing: the event samples are part of the repository")
    return EVENT_SAMPLES


def run_cli(
    args: list[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point, ``python -m portable_fn ARGS``, in ``cwd`` with this checkout's code."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    command = [sys.executable, "-m", "portable_fn", *args]
    return subprocess.run(command, cwd=cwd, env=environ, capture_output=True, text=True, timeout=timeout, check=False)


def parse_echo(body: bytes) -> tuple[dict[str, str], list[str], bytes]:
    """Split the echo sample's answer into (environment, argv, request body)."""
    report, _, request_body = body.partition(b"\n\n")
    env: dict[str, str] = {}
    argv: list[str] = []
    for line in report.decode("utf-8", "surrogateescape").split("\n"):
        kind, _, rest = line.partition(" ")
        if kind == "env":
            name, _, value = rest.partition("=")
            env[name] = value
        elif kind == "arg":
            argv.append(rest)
    return env, argv, request_body
