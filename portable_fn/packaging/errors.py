"""The packaging error, part of portable_fn's one exception tree."""

from __future__ import annotations

from portable_fn.errors import PortableFnError


class BundleError(PortableFnError):
    """Raised when a bundle cannot be built: unsafe input, missing template, size past a provider limit."""
