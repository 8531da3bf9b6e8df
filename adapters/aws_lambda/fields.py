"""Reading fields of a raw Lambda event: each helper checks the type it promises and raises
RequestError naming the field, so a malformed event is refused, never half-read."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from portable_fn import RequestError, utf8


def text(mapping: Mapping[str, Any], key: str) -> str:
    """A required string field. Raises RequestError naming it."""
    value = mapping.get(key)
    if not isinstance(value, str):
        raise RequestError(f"field {key!r} must be a string, got {_shown(value)}")
    return value


def utf8_field(mapping: Mapping[str, Any], key: str) -> bytes:
    """A required string field as UTF-8 bytes. Raises RequestError naming it, also for a lone
    surrogate (JSON can escape one; no UTF-8 byte string holds it)."""
    return utf8(text(mapping, key), f"field {key!r}")


def optional_text(mapping: Mapping[str, Any], key: str) -> str | None:
    """An optional string field: None when absent, null or empty. Raises RequestError for another type."""
    value = mapping.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RequestError(f"field {key!r} must be a string or null, got {_shown(value)}")
    return value


def table(mapping: Mapping[str, Any], key: str, *, required: bool = True) -> Mapping[str, Any]:
    """An object field (an empty one when optional and absent or null). Raises RequestError naming it."""
    value = mapping.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        raise RequestError(f"field {key!r} must be an object, got {_shown(value)}")
    return value


def tables(mapping: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """A required list of objects (``Records``, ``logEvents``). Raises RequestError naming it."""
    value = mapping.get(key)
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise RequestError(f"field {key!r} must be a list of objects, got {_shown(value)}")
    return value


def _shown(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else f"a {type(value).__name__}"


def number(mapping: Mapping[str, Any], key: str, scale: float = 1) -> float | None:
    """An optional finite number field (a JSON number or numeric text), divided by ``scale``.

    Raises RequestError naming the field for anything else.
    """
    value = mapping.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RequestError(f"field {key!r} must be a number, got {_shown(value)}")
    try:
        result = float(value) / scale
    except (ValueError, OverflowError) as exc:
        raise RequestError(f"field {key!r} must be a number, got {_shown(value)}") from exc
    if not math.isfinite(result):
        raise RequestError(f"field {key!r} must be a finite number, got {_shown(value)}")
    return result
