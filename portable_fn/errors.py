"""The one exception tree of portable_fn.

::

    PortableFnError
    ├── ArtifactError          the .wasm cannot be loaded or is no WASI command
    ├── BuildError             `portable-fn build` cannot turn an app into a component
    ├── BundleError            `portable-fn package` cannot build a provider bundle
    ├── ConfigError            a setting is missing, unknown or of the wrong type
    ├── RequestError           400: the incoming request or event is malformed
    │   ├── BodyTooLarge       413: the request body exceeds Limits.max_body_bytes
    │   └── ClientDisconnected the client left before its request was complete (no answer)
    ├── ServerBusy             503: every guest slot stayed busy for the server's queue wait
    └── GuestError             500: the guest failed while handling a request
        ├── EventRejected      500: an event was not acknowledged (non-2xx): the provider retries
        ├── GuestTrap          500: the guest trapped (unreachable, stack overflow, ...)
        │   ├── MemoryLimitExceeded  500: ... after reaching Limits.memory_bytes
        │   └── NetworkNotGranted    500: ... calling out (wasi:http) without the network grant
        ├── GuestExit          500: the guest exited with a non-zero code
        ├── GuestTimeout       504: the guest ran past its deadline
        └── BadGuestOutput     502: the guest's CGI output is malformed
            └── OutputTooLarge 502: the guest wrote more than Limits.max_output_bytes

Each class carries the HTTP ``status`` an adapter answers with, so mapping an error to a
response is one attribute read, the same on every provider.
"""

from __future__ import annotations

from typing import ClassVar


class PortableFnError(Exception):
    """Base of every error portable_fn raises on purpose."""

    status: ClassVar[int] = 500


class ArtifactError(PortableFnError):
    """Raised when an artifact cannot be read, compiled or deserialized, or exports no WASI entry point."""


class BuildError(PortableFnError):
    """Raised when the app is not a buildable WSGI app or a build tool is missing or fails."""


class BundleError(PortableFnError):
    """Raised when a bundle cannot be built: unsafe input, missing template, size past a provider limit."""


class ConfigError(PortableFnError):
    """Raised when a configuration value is missing, unknown or of the wrong type."""


class RequestError(PortableFnError):
    """Raised when an incoming request or provider event is malformed."""

    status = 400


class ClientDisconnected(RequestError):
    """Raised when the client closes its connection before its request is complete (nothing is sent back)."""


class BodyTooLarge(RequestError):
    """Raised when a request body is larger than the configured cap."""

    status = 413


class ServerBusy(PortableFnError):
    """Raised when every guest slot of a server worker stayed busy for as long as a request may wait."""

    status = 503


class GuestError(PortableFnError):
    """Raised when the guest fails to produce a response."""


class EventRejected(GuestError):
    """Raised when an event cannot be delivered or the guest answers it with a non-2xx status.

    Provider adapters let it propagate so the provider's own retry policy applies.
    """


class GuestTrap(GuestError):
    """Raised when the guest traps: unreachable code, stack overflow, out-of-bounds access, ..."""


class MemoryLimitExceeded(GuestTrap):
    """Raised when the guest trapped after its linear memory reached the configured cap."""


class NetworkNotGranted(GuestTrap):
    """Raised when a guest calls ``wasi:http`` and the host was not given the network grant.

    A 500, not a 502: the deployment is missing a setting; no upstream was asked.
    """


class GuestExit(GuestError):
    """Raised when the guest exits with a non-zero code (``code`` holds it)."""

    def __init__(self, code: int) -> None:
        super().__init__(f"guest exited with code {code}, expected 0")
        self.code = code


class GuestTimeout(GuestError):
    """Raised when the guest is still running at its wall-clock deadline."""

    status = 504


class BadGuestOutput(GuestError):
    """Raised when the guest's stdout is not a valid CGI response."""

    status = 502


class OutputTooLarge(BadGuestOutput):
    """Raised when the guest writes more than the configured output cap."""
