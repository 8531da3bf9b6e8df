"""Event payload text shared by the adapters: validated base64 in, CloudEvents JSON data out.

Kept out of ``portable_fn/__init__`` so importing the library does not import ``json``; an adapter
imports this module where it decodes or encodes a payload (``base64`` only once something is decoded).
"""

from __future__ import annotations

import json
from typing import Any

from portable_fn.errors import RequestError
from portable_fn.events import utf8

JSON_TYPE = "application/json"


def decode_base64(text: str, what: str) -> bytes:
    """Strictly decode base64 ``text`` (no stray characters). Raises RequestError naming ``what``
    when it is not base64, or not ASCII."""
    import base64  # here: an HTTP cold start decodes no base64 unless a body says so (~0.3 ms to load)

    try:
        return base64.b64decode(text, validate=True)
    except ValueError as exc:  # binascii.Error (bad base64) is a ValueError, as is non-ASCII text
        raise RequestError(f"{what} is not valid base64 ({exc})") from exc


def encode_data(data: Any, content_type: str | None) -> tuple[bytes, str | None]:
    """CloudEvents data as the guest's bytes and their type, by the CloudEvents JSON format rules:
    bytes as they are, a string with a non-JSON type as UTF-8 text, any other value as JSON (declared
    ``application/json`` when no type was given); None is no data.

    Raises RequestError for text that is not valid Unicode.
    """
    if data is None:
        return b"", content_type
    if isinstance(data, bytes | bytearray):
        return bytes(data), content_type
    if isinstance(data, str) and content_type and "json" not in content_type:
        return utf8(data, "CloudEvent data"), content_type
    return json.dumps(data).encode(), content_type or JSON_TYPE
