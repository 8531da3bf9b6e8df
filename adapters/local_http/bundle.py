"""Build a container build context that runs the local server (Cloud Run, Knative, Kubernetes).

Runs at build time (``portable-fn package container``). The image runs ``python -m portable_fn serve``
(the ``portable-fn serve`` command) on ``$PORT`` as a non-root user; SIGTERM shuts it down gracefully.
Next to the Dockerfile go manifests for the image: ``k8s/`` (Deployment, Service, HorizontalPodAutoscaler)
and ``knative/service.yaml``, sized from the config.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from string import Template
from typing import Any

from adapters.local_http.settings import NAME, TABLE
from portable_fn import BundleError, Limits
from portable_fn.packaging import (
    Bundle,
    Manifest,
    Report,
    Staging,
    pinned_requirements,
    precompile,
    read_manifest,
    stage_in,
    stage_manifest,
)
from portable_fn.schema import NO_PROVIDERS, ProviderTables
from portable_fn.serving.options import ServerOptions
from portable_fn.values import frozen

REQUIREMENTS = ("wasmtime", "click", "uvicorn", "httptools", "uvloop")
THREADS = 2  # per server process; the image's CMD and the manifests' concurrency both use it
MANIFESTS = ("k8s/deployment.yaml", "k8s/service.yaml", "k8s/hpa.yaml", "knative/service.yaml")
# What one server process holds besides its guests' memory: Python, wasmtime and the compiled guest
# (hello measured ~35 MB resident), with room for larger guests.
PROCESS_MIB = 64
# Knative passes the port as $PORT, which the image honours, so its containerPort need not be the config's:
# 8080 is Knative's default and outside the ports Knative reserves (8008, 8012, 8013, 8022, 9090, 9091).
KNATIVE_PORT = 8080
_MIB = 1024 * 1024
_USER = re.compile(r"^USER (\d+)$", re.MULTILINE)


@frozen
class Sizing:
    """What the manifests ask of the cluster for one replica."""

    concurrency: int
    cpu: int
    memory_request_mib: int
    memory_limit_mib: int
    grace_seconds: int


def build_bundle(
    artifact: Path,
    config: Path | None,
    out: Path,
    *,
    provider_tables: ProviderTables = NO_PROVIDERS,
    report: Report = lambda _: None,
) -> Bundle:
    """Write the build context ``out/bundle/`` (Dockerfile, requirements.txt, packages, artifact, cache,
    k8s/ and knative/ manifests).

    The image's ``serve`` reads the bundle's ``portable-fn.toml`` (``$PORTABLE_FN_CONFIG``) as the clouds do,
    so every limit and grant holds there too; the ``[container]`` table, all build settings, stays out of it
    (see adapters.local_http.settings). ``provider_tables``: the other providers' tables a project file may
    hold. Raises BundleError or ConfigError.
    """
    manifest = read_manifest(artifact, config, NAME, TABLE, provider_tables)
    settings = manifest.settings
    staging = stage_in(out)
    staging.add_template(Path(__file__).parent)
    staging.add_packages(Path(__file__).parent)
    staging.add_bytes("requirements.txt", ("\n".join(pinned_requirements(REQUIREMENTS)) + "\n").encode())
    artifact_name = stage_manifest(staging, manifest, with_table=False)
    write_dockerfile(staging, settings)
    tag = f"{manifest.name.lower()}:latest"  # image names are lowercase
    image = f"registry.example.com/{tag}"
    write_manifests(staging, manifest, image)
    staging.add_bytes(".dockerignore", b"**/__pycache__\n**/*.pyc\nk8s/\nknative/\n")
    precompiled = precompile(staging, artifact_name, "x86_64", isolated=False, report=report)
    instructions = (
        f"build context: {staging.root}",
        f"precompiled: {precompiled.note} (build the image for linux/amd64)",
        f"build: docker build --platform linux/amd64 -t {tag} {staging.root}",
        f"run: docker run --rm -p {settings['port']}:{settings['port']} -e PORT={settings['port']} {tag}",
        f"deploy: push the image to your registry, replace {image} in {staging.root}/k8s/*.yaml and "
        f"{staging.root}/knative/service.yaml, then kubectl apply -f k8s/ (or -f knative/service.yaml)",
    )
    return Bundle(staging.root, None, None, precompiled, instructions)


def write_dockerfile(staging: Staging, settings: dict[str, Any]) -> None:
    """Fill the template Dockerfile: base image, port and the CMD (workers and threads)."""
    path = staging.path("Dockerfile")
    text = path.read_text(encoding="utf-8").replace("FROM python:3.11-slim", f"FROM {settings['base_image']}")
    text = text.replace("PORT=8080", f"PORT={settings['port']}").replace("EXPOSE 8080", f"EXPOSE {settings['port']}")
    arguments = ["--workers", str(settings["workers"]), "--threads", str(THREADS)]
    staging.add_bytes("Dockerfile", (text + f"CMD {json.dumps(arguments)}\n").encode())


def write_manifests(staging: Staging, manifest: Manifest, image: str) -> None:
    """Fill the k8s/ and knative/ templates for ``image``, run as the Dockerfile's USER.

    Raises BundleError when the Dockerfile names no numeric USER.
    """
    settings = manifest.settings
    guest_mib = manifest.data.get("limits", {}).get("memory_mb", Limits().memory_bytes / _MIB)
    sizing = size_replica(settings["workers"], math.ceil(guest_mib))
    values = {
        "name": kubernetes_name(manifest.name),
        "image": image,
        "port": settings["port"],
        "knative_port": KNATIVE_PORT,
        "user": dockerfile_user(staging.path("Dockerfile").read_text(encoding="utf-8")),
        "concurrency": sizing.concurrency,
        "cpu": sizing.cpu,
        "memory_request": f"{sizing.memory_request_mib}Mi",
        "memory_limit": f"{sizing.memory_limit_mib}Mi",
        "grace_seconds": sizing.grace_seconds,
    }
    for name in MANIFESTS:
        text = Template(staging.path(name).read_text(encoding="utf-8")).substitute(values)
        staging.add_bytes(name, text.encode())


def size_replica(workers: int, guest_mib: int) -> Sizing:
    """One replica: a guest slot per thread; a core per process (no CPU limit: throttling only adds latency);
    memory for every process and one guest at its cap requested, every slot's guest at its cap as the limit
    (so a full replica is never OOM-killed); SIGTERM's drain plus a margin before Kubernetes kills."""
    slots = workers * THREADS
    processes_mib = (workers + 1) * PROCESS_MIB  # + 1: the server's master process
    grace_seconds = ServerOptions().graceful_timeout + 5
    return Sizing(slots, workers, processes_mib + guest_mib, processes_mib + slots * guest_mib, grace_seconds)


def kubernetes_name(name: str) -> str:
    """``name`` as a DNS-1035 label (what Services need): lowercase letters, digits and '-', starting
    with a letter, at most 63 characters."""
    label = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not label[:1].isalpha():
        label = f"fn-{label}".rstrip("-")
    return label[:63].rstrip("-")


def dockerfile_user(dockerfile: str) -> int:
    """The numeric USER the Dockerfile runs as. Raises BundleError when it names none."""
    found = _USER.search(dockerfile)
    if found is None:
        raise BundleError("the container template's Dockerfile must run as a numeric USER")
    return int(found.group(1))
