"""The ``[aws]`` config table: what ``package aws`` and ``deploy aws`` read, and ``text_mime_types``, which the
Lambda entry point reads at start-up (so this module needs only the standard library and portable_fn.schema)."""

from __future__ import annotations

from portable_fn.schema import ProviderTables, Schema, choice, flag, integer, string_list, string_table, text

NAME = "aws"
TABLE: Schema = {
    "architecture": (choice("x86_64", "arm64"), "x86_64"),
    "memory_mb": (integer(128, 10240), 512),
    "timeout_seconds": (integer(1, 900), 30),
    "role": (text, None),
    "runtime": (choice("python3.11", "python3.12", "python3.13"), "python3.11"),
    "region": (text, None),
    "function_url": (flag, False),
    "environment": (string_table, {}),
    "text_mime_types": (string_list, None),
}
# The provider tables the Lambda entry point knows: its own.
OWN_TABLES: ProviderTables = {NAME: TABLE}
