"""The ``[container]`` config table: how ``package container`` builds the image and its manifests.

All of it is build settings, baked into the Dockerfile and the manifests; the image's ``serve`` knows no
provider (the image holds no package metadata to discover one), so the bundle's config leaves the table out.
"""

from __future__ import annotations

from portable_fn.schema import Schema, integer, text

NAME = "container"
TABLE: Schema = {
    "base_image": (text, "python:3.11-slim"),
    "port": (integer(1, 65535), 8080),
    "workers": (integer(1, 256), 2),
}
