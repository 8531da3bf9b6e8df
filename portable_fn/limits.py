"""What a guest may use (Limits) and what it is allowed to see (Grants).

The defaults are a sandbox: no host environment, no host files, no network, and caps
sized like a serverless platform's (Lambda answers at most 6 MB synchronously).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping

from portable_fn.errors import ConfigError
from portable_fn.types import MIB
from portable_fn.values import frozen


@frozen
class Limits:
    """Per-request resource caps, each enforced by the host, in host calls as well as in wasm code.

    - ``memory_bytes``: linear memory; growing past it fails, a trap there is MemoryLimitExceeded (500).
    - ``timeout_seconds``: wall clock, sleeps included; past it the run stops as GuestTimeout (504).
    - ``max_body_bytes``: request body; a larger one is BodyTooLarge (413) before the guest runs.
    - ``max_output_bytes``: stdout (the answer); a guest writing more stops as OutputTooLarge (502).
    - ``max_stderr_bytes``: stderr (the guest's log); the first bytes up to it are logged, the
      rest is dropped and one ``[stderr truncated: N bytes ...]`` line says so: the answer stands.

    Neither stream holds more than its cap in host memory for a core module; a component may
    write up to one epoch tick (10 ms) past a cap before it is stopped or trimmed.
    """

    memory_bytes: int = 256 * MIB
    timeout_seconds: float = 30.0
    max_body_bytes: int = 6 * MIB
    max_output_bytes: int = 16 * MIB
    max_stderr_bytes: int = MIB

    def __post_init__(self) -> None:
        for name in ("memory_bytes", "max_body_bytes", "max_output_bytes", "max_stderr_bytes"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"Limits.{name} must be a positive number of bytes, got {getattr(self, name)!r}")
        if not 0 < self.timeout_seconds < math.inf:  # also refuses nan, which compares false with anything
            raise ConfigError(f"Limits.timeout_seconds must be positive and finite, got {self.timeout_seconds!r}")


@frozen
class DirGrant:
    """A host directory the guest may read at ``guest_path``; never writable."""

    host_path: str
    guest_path: str


@frozen
class Grants:
    """Explicit holes in the sandbox: named env vars, read-only dirs, the Authorization header, the network.

    ``network`` (components only) is all or nothing: the guest may make any outbound HTTP
    request (``wasi:http``) to any address the host can reach, loopback and cloud metadata
    endpoints included, and resolve names; wasmtime offers no per-host limit, so restrict
    egress with the provider's network controls. Raw TCP/UDP sockets stay closed.
    """

    env: tuple[tuple[str, str], ...] = ()
    dirs: tuple[DirGrant, ...] = ()
    authorization: bool = False
    network: bool = False

    @classmethod
    def from_host(
        cls,
        env_names: Iterable[str] = (),
        dirs: Mapping[str, str] | None = None,
        *,
        authorization: bool = False,
        network: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> Grants:
        """Copy the named variables from the host environment (missing ones are an error).

        ``dirs`` maps guest paths to host directories, which must exist.
        Raises ConfigError naming the missing variable or directory.
        """
        source = os.environ if environ is None else environ
        missing = [name for name in env_names if name not in source]
        if missing:
            raise ConfigError(f"granted env vars are not set on the host: {', '.join(missing)}")
        dir_grants = []
        for guest_path, host_path in (dirs or {}).items():
            if not os.path.isdir(host_path):
                raise ConfigError(f"granted directory {host_path!r} (for {guest_path!r}) does not exist")
            dir_grants.append(DirGrant(os.path.abspath(host_path), guest_path))
        return cls(tuple((name, source[name]) for name in env_names), tuple(dir_grants), authorization, network)
