"""portable_fn: run one WebAssembly binary behind every cloud's function runtime."""

from portable_fn.config import lazy_function, locate_config, read_config, spec_from_config, spec_from_data
from portable_fn.errors import (
    ArtifactError,
    BadGuestOutput,
    BodyTooLarge,
    BuildError,
    BundleError,
    ConfigError,
    EventRejected,
    GuestError,
    GuestExit,
    GuestTimeout,
    GuestTrap,
    MemoryLimitExceeded,
    NetworkNotGranted,
    OutputTooLarge,
    PortableFnError,
    RequestError,
)
from portable_fn.events import CloudEvent, deliver, is_acknowledged, utf8
from portable_fn.function import Function, FunctionSpec, default_cache_dir
from portable_fn.http import Headers, Request, Response, header_values, is_chunked, read_limited, status_line
from portable_fn.limits import DirGrant, Grants, Limits
from portable_fn.schema import provider_settings

__all__ = [
    "ArtifactError",
    "BadGuestOutput",
    "BodyTooLarge",
    "BuildError",
    "BundleError",
    "CloudEvent",
    "ConfigError",
    "DirGrant",
    "EventRejected",
    "Function",
    "FunctionSpec",
    "Grants",
    "GuestError",
    "GuestExit",
    "GuestTimeout",
    "GuestTrap",
    "Headers",
    "Limits",
    "MemoryLimitExceeded",
    "NetworkNotGranted",
    "OutputTooLarge",
    "PortableFnError",
    "Request",
    "RequestError",
    "Response",
    "default_cache_dir",
    "deliver",
    "header_values",
    "is_acknowledged",
    "is_chunked",
    "lazy_function",
    "locate_config",
    "provider_settings",
    "read_config",
    "read_limited",
    "spec_from_config",
    "spec_from_data",
    "status_line",
    "utf8",
]
