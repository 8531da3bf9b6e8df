"""The config a bundle carries: written with tomli-w, read back by the entry point's own reader unchanged."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

from portable_fn import read_config
from portable_fn.config_file import GENERATED_NAME
from portable_fn.packaging import CACHE_DIR, CONFIG_NAME, Staging, read_manifest, stage_manifest
from portable_fn.packaging.manifest import record_precompiled
from tests.conftest import sample_path

CONFIG = """name = "hello"
cache_dir = "elsewhere"
[limits]
timeout_seconds = 2.5
[grants]
env = ["A", "B"]
dirs = { "/data" = "files" }
[aws]
environment = { K = 'quote " and \\\\ backslash', "dotted.key" = "é" }
"""


def staged_bundle(tmp_path: Path) -> Staging:
    """A bundle staged from CONFIG, with a granted folder."""
    project = tmp_path / "project"
    (project / "files").mkdir(parents=True)
    (project / "files" / "a.txt").write_text("a")
    shutil.copy(sample_path("hello-c"), project / "hello-c.wasm")
    (project / "portable-fn.toml").write_text(CONFIG)
    staging = Staging(tmp_path / "bundle")
    stage_manifest(staging, read_manifest(project / "hello-c.wasm", project / "portable-fn.toml"))
    return staging


def assert_generated_agrees(staging: Staging) -> None:
    text = staging.path(CONFIG_NAME).read_text(encoding="utf-8")
    generated = json.loads(staging.path(GENERATED_NAME).read_text(encoding="utf-8"))
    assert generated == {"toml": text, "config": tomllib.loads(text)}


def test_staged_config_reads_back_with_bundle_paths(tmp_path: Path) -> None:
    staging = staged_bundle(tmp_path)
    staged = read_config(staging.path(CONFIG_NAME))
    assert staged["artifact"] == "hello-c.wasm" and staged["cache_dir"] == CACHE_DIR
    assert staged["grants"] == {"env": ["A", "B"], "dirs": {"/data": "data/files"}}
    assert staged["aws"]["environment"] == {"K": 'quote " and \\\\ backslash', "dotted.key": "é"}
    assert staged["limits"] == {"timeout_seconds": 2.5}
    assert (staging.path("data/files/a.txt")).read_text() == "a"


def test_generated_literal_agrees_with_the_staged_toml(tmp_path: Path) -> None:
    staging = staged_bundle(tmp_path)
    assert_generated_agrees(staging)
    record_precompiled(staging, f"{CACHE_DIR}/x.cwasm")
    assert_generated_agrees(staging)
    assert read_config(staging.path(CONFIG_NAME))["precompiled"] == f"{CACHE_DIR}/x.cwasm"
