"""Build a container build context that runs the local server (Cloud Run, Knative, Kubernetes).

Runs at build time (``portable-fn package container``). The image runs ``python -m portable_fn serve``
(the ``portable-fn serve`` command) on ``$PORT`` as a non-root user; SIGTERM shuts it down gracefully.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from portable_fn.packaging import (
    Bundle,
    Report,
    Staging,
    pinned_requirements,
    precompile,
    read_manifest,
    stage_in,
    stage_manifest,
)

REQUIREMENTS = ("wasmtime", "click", "gunicorn")


def build_bundle(artifact: Path, config: Path | None, out: Path, *, report: Report = lambda _: None) -> Bundle:
    """Write the build context ``out/bundle/`` (Dockerfile, requirements.txt, packages, artifact, cache).

    The image's ``serve`` reads the bundle's ``portable-fn.toml`` (``$PORTABLE_FN_CONFIG``) as the clouds do,
    so every limit and grant holds there too. Raises BundleError or ConfigError.
    """
    manifest = read_manifest(artifact, config)
    settings = manifest.settings("container")
    staging = stage_in(out)
    staging.add_template(Path(__file__).parent)
    staging.add_packages(Path(__file__).parent)
    staging.add_bytes("requirements.txt", ("\n".join(pinned_requirements(REQUIREMENTS)) + "\n").encode())
    artifact_name = stage_manifest(staging, manifest)
    write_dockerfile(staging, settings)
    staging.add_bytes(".dockerignore", b"**/__pycache__\n**/*.pyc\n")
    precompiled = precompile(staging, artifact_name, "x86_64", isolated=False, report=report)
    tag = f"{manifest.name.lower()}:latest"  # image names are lowercase
    instructions = (
        f"build context: {staging.root}",
        f"precompiled: {precompiled.note} (build the image for linux/amd64)",
        f"build: docker build --platform linux/amd64 -t {tag} {staging.root}",
        f"run: docker run --rm -p {settings['port']}:{settings['port']} -e PORT={settings['port']} {tag}",
    )
    return Bundle(staging.root, None, None, precompiled, instructions)


def write_dockerfile(staging: Staging, settings: dict[str, Any]) -> None:
    """Fill the template Dockerfile: base image, port and the CMD (the worker count)."""
    path = staging.path("Dockerfile")
    text = path.read_text(encoding="utf-8").replace("FROM python:3.11-slim", f"FROM {settings['base_image']}")
    text = text.replace("PORT=8080", f"PORT={settings['port']}").replace("EXPOSE 8080", f"EXPOSE {settings['port']}")
    arguments = ["--workers", str(settings["workers"])]
    staging.add_bytes("Dockerfile", (text + f"CMD {json.dumps(arguments)}\n").encode())
