"""Function: one artifact compiled once per process, each request run in a fresh sandbox."""

from __future__ import annotations

import functools
import logging
import os
import time
from pathlib import Path

from portable_fn.abi import wagi
from portable_fn.engine import compile_artifact
from portable_fn.errors import BodyTooLarge, PortableFnError
from portable_fn.http import Request, Response
from portable_fn.limits import Grants, Limits
from portable_fn.types import ArtifactKind
from portable_fn.values import field, frozen

_log = logging.getLogger("portable_fn.function")
_guest_log = logging.getLogger("portable_fn.guest")


class Function:
    """A loaded guest. Thread-safe: share one per process, never across a fork.

    Build it with ``Function.load`` (or ``FunctionSpec.load``). Load it in each worker after
    forking; a wasmtime engine used before ``fork()`` leaves the child hanging. ``close()`` (or
    ``with Function.load(...) as function:``) lets go of the shared engine: its epoch ticker
    stops once no Function uses it.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        limits: Limits | None = None,
        grants: Grants | None = None,
        cache_dir: str | Path | None = None,
        precompiled: str | Path | None = None,
    ) -> None:
        """Compile ``path``, as ``Function.load`` documents. Raises ArtifactError or ConfigError."""
        source = Path(path)
        self.limits = limits or Limits()
        self.grants = grants or Grants()
        self.name = source.name
        self._gateway = wagi.Gateway(self.grants)  # before compiling: a grant it refuses wastes no compile
        # The engine's compiled program stays private: the public API speaks only portable_fn types.
        self._program = compile_artifact(
            source,
            Path(cache_dir) if cache_dir else None,
            Path(precompiled) if precompiled else None,
            memory_bytes=self.limits.memory_bytes,
            network=self.grants.network,
        )

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        limits: Limits | None = None,
        grants: Grants | None = None,
        cache_dir: str | Path | None = None,
        precompiled: str | Path | None = None,
    ) -> Function:
        """Compile ``path`` (.wasm or .wat), or load its precompiled form.

        ``precompiled`` names that form directly (bundles do: no hashing at cold start);
        ``cache_dir`` finds or keeps it by content hash. A precompiled form that does not fit
        this host is recompiled with one warning. Raises ArtifactError when the file is
        unreadable or not a WASI command, ConfigError for a granted variable no byte string can
        carry (a lone surrogate).
        """
        return cls(path, limits=limits, grants=grants, cache_dir=cache_dir, precompiled=precompiled)

    def close(self) -> None:
        """Stop using the engine; calling the Function afterwards raises ArtifactError. Idempotent."""
        self._program.close()

    def __enter__(self) -> Function:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def kind(self) -> ArtifactKind:
        """``module`` (WASI preview 1) or ``component`` (WASI 0.2)."""
        return self._program.kind

    def call(self, request: Request, *, timeout: float | None = None) -> Response:
        """Run the guest for one request; ``timeout`` (seconds) can only shorten Limits.timeout_seconds.

        Raises BodyTooLarge, RequestError, a GuestError subclass, or ArtifactError once closed.
        """
        limits = self.limits
        if len(request.body) > limits.max_body_bytes:
            raise BodyTooLarge(f"request body is {len(request.body)} bytes, the limit is {limits.max_body_bytes}")
        budget = limits.timeout_seconds if timeout is None else min(timeout, limits.timeout_seconds)
        invocation = self._gateway.invocation(request)
        stdout = self._program.run(
            invocation,
            memory_bytes=limits.memory_bytes,
            deadline=time.monotonic() + budget,
            max_output=limits.max_output_bytes,
            max_stderr=limits.max_stderr_bytes,
            on_stderr=functools.partial(log_guest_output, request_id=request.request_id),
        )
        return wagi.parse_output(stdout)

    def handle(self, request: Request, *, timeout: float | None = None) -> Response:
        """Like call(), but never raises: every portable_fn error becomes a short plain-text error
        response, and anything else (a bug of ours) is logged with its traceback and answered 500."""
        try:
            return self.call(request, timeout=timeout)
        except PortableFnError as exc:
            _log.warning(
                "%s %s -> %d: %s [request %s]", request.method, request.path, exc.status, exc, request.request_id
            )
            return Response.text(exc.status, str(exc))
        except Exception:
            _log.exception(
                "%s %s -> 500: unexpected error [request %s]", request.method, request.path, request.request_id
            )
            return Response.internal_error()


def log_guest_output(stderr: bytes, request_id: str) -> None:
    """Forward the guest's stderr, line by line, to logging, tagged with the request id."""
    for line in stderr.decode("utf-8", "replace").splitlines():
        _guest_log.info("[%s] %s", request_id or "-", line)


def default_cache_dir() -> Path:
    """Where precompiled artifacts are kept between runs: ``$XDG_CACHE_HOME/portable_fn``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "portable_fn"


@frozen
class FunctionSpec:
    """Everything needed to load a Function, picklable so server workers load it after forking."""

    artifact: Path
    limits: Limits = field(default_factory=Limits)
    grants: Grants = field(default_factory=Grants)
    cache_dir: Path | None = None
    precompiled: Path | None = None

    def load(self) -> Function:
        """Load the Function this spec describes. Raises ArtifactError."""
        return Function.load(
            self.artifact,
            limits=self.limits,
            grants=self.grants,
            cache_dir=self.cache_dir,
            precompiled=self.precompiled,
        )
