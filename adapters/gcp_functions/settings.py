"""The ``[gcp]`` config table: what ``package gcp`` reads. The deployed ``main.py`` accepts it in its bundle's
config but reads nothing of it (this module needs only the standard library and portable_fn.schema)."""

from __future__ import annotations

from portable_fn.schema import ProviderTables, Schema, choice, text

NAME = "gcp"
TABLE: Schema = {
    "region": (text, "us-central1"),
    "entry_point": (text, None),
    "runtime": (choice("python311", "python312", "python313"), "python311"),
}
# The provider tables the Cloud Functions entry point knows: its own.
OWN_TABLES: ProviderTables = {NAME: TABLE}
