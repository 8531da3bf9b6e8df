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

    Limits and grants from the config become ``serve`` options in the image's CMD.
    Raises BundleError or ConfigError.
    """
    manifest = read_manifest(artifact, config)
    settings = manifest.settings("container")
    staging = stage_in(out)
    staging.add_template("local_http")
    staging.add_packages("local_http")
    staging.add_bytes("requirements.txt", ("\n".join(pinned_requirements(REQUIREMENTS)) + "\n").encode())
    artifact_name = stage_manifest(staging, manifest)
    write_dockerfile(staging, settings, serve_arguments(manifest.data, artifact_name, settings))
    staging.add_bytes(".dockerignore", b"**/__pycache__\n**/*.pyc\n")
    precompiled = precompile(staging, artifact_name, "x86_64", isolated=False, report=report)
    tag = f"{manifest.name}:latest"
    instructions = (
        f"build context: {staging.root}",
        f"precompiled: {precompiled.note} (build the image for linux/amd64)",
        f"build: docker build --platform linux/amd64 -t {tag} {staging.root}",
        f"run: docker run --rm -p {settings['port']}:{settings['port']} -e PORT={settings['port']} {tag}",
    )
    return Bundle(staging.root, None, None, precompiled, instructions)


def serve_arguments(data: dict[str, Any] | Any, artifact_name: str, settings: dict[str, Any]) -> list[str]:
    """``serve`` arguments that reproduce the config's limits and grants inside the image."""
    arguments = [f"/app/{artifact_name}", "--workers", str(settings["workers"])]
    limits = data.get("limits", {})
    for key, option in (
        ("memory_mb", "--memory-mb"),
        ("timeout_seconds", "--timeout"),
        ("max_body_mb", "--max-body-mb"),
    ):
        if key in limits:
            arguments += [option, str(limits[key])]
    grants = data.get("grants", {})
    for name in grants.get("env", []):
        arguments += ["--env", name]
    for guest, host in grants.get("dirs", {}).items():
        arguments += ["--dir", f"{guest}=/app/data/{host}"]
    return arguments


def write_dockerfile(staging: Staging, settings: dict[str, Any], arguments: list[str]) -> None:
    """Fill the template Dockerfile: base image, port and the CMD."""
    path = staging.path("Dockerfile")
    text = path.read_text(encoding="utf-8").replace("FROM python:3.11-slim", f"FROM {settings['base_image']}")
    text = text.replace("PORT=8080", f"PORT={settings['port']}").replace("EXPOSE 8080", f"EXPOSE {settings['port']}")
    staging.add_bytes("Dockerfile", (text + f"CMD {json.dumps(arguments)}\n").encode())
