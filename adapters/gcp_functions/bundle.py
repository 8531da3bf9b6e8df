"""Build the Google Cloud Functions (2nd gen) source folder and zip.

Runs at build time on the user's machine (``portable-fn package gcp``), never inside Google Cloud.
"""

from __future__ import annotations

import ast
from pathlib import Path

from portable_fn.packaging import Bundle, BundleError, Report, read_manifest, stage_source_bundle, zip_source_bundle


def build_bundle(artifact: Path, config: Path | None, out: Path, *, report: Report = lambda _: None) -> Bundle:
    """Write ``out/bundle/`` (main.py at its root) and ``out/<name>-gcp.zip``; say the deploy command.

    The entry point is ``gcp.entry_point``, else the HTTP function the template's main.py declares.
    Raises BundleError or ConfigError.
    """
    manifest = read_manifest(artifact, config)
    settings = manifest.settings("gcp")
    staging, precompiled = stage_source_bundle(manifest, out, "gcp_functions", ("functions-framework",), report)
    entry_point = settings["entry_point"] or find_http_target(staging.path("main.py"))
    archive = out / f"{manifest.name}-gcp.zip"
    size = zip_source_bundle(staging, archive)
    command = (
        f"gcloud functions deploy {manifest.name} --gen2 --runtime {settings['runtime']} "
        f"--region {settings['region']} --source . --entry-point {entry_point} --trigger-http"
    )
    instructions = (
        f"folder: {staging.root}",
        f"zip: {archive} ({size.zipped / 2**20:.1f} MB)",
        f"entry point: {entry_point}",
        f"precompiled: {precompiled.note}",
        f"deploy: cd {staging.root} && {command}",
    )
    return Bundle(staging.root, archive, size, precompiled, instructions)


def find_http_target(main: Path) -> str:
    """The first HTTP function in main.py: ``@functions_framework.http`` or ``name = functions_framework.http(f)``.

    Raises BundleError when main.py is missing or declares none.
    """
    try:
        tree = ast.parse(main.read_text(encoding="utf-8"))
    except (OSError, SyntaxError) as exc:
        raise BundleError(f"cannot read the template's main.py: {exc}") from exc
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(_is_http(item) for item in node.decorator_list):
            return node.name
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and _is_http(node.value):
            target = node.targets[0]
            if isinstance(target, ast.Name):
                return target.id
    raise BundleError("main.py declares no @functions_framework.http function; set gcp.entry_point")


def _is_http(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (isinstance(target, ast.Attribute) and target.attr == "http") or (
        isinstance(target, ast.Name) and target.id == "http"
    )
