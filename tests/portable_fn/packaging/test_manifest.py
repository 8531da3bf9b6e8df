"""The config a bundle carries: written with tomli-w, read back by the entry point's own reader unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

from portable_fn import read_config
from portable_fn.packaging import CACHE_DIR, CONFIG_NAME, Staging, read_manifest, stage_manifest
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


def test_staged_config_reads_back_with_bundle_paths(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "files").mkdir(parents=True)
    (project / "files" / "a.txt").write_text("a")
    shutil.copy(sample_path("hello-c"), project / "hello-c.wasm")
    (project / "portable-fn.toml").write_text(CONFIG)
    staging = Staging(tmp_path / "bundle")
    stage_manifest(staging, read_manifest(project / "hello-c.wasm", project / "portable-fn.toml"))
    staged = read_config(staging.path(CONFIG_NAME))
    assert staged["artifact"] == "hello-c.wasm" and staged["cache_dir"] == CACHE_DIR
    assert staged["grants"] == {"env": ["A", "B"], "dirs": {"/data": "data/files"}}
    assert staged["aws"]["environment"] == {"K": 'quote " and \\\\ backslash', "dotted.key": "é"}
    assert staged["limits"] == {"timeout_seconds": 2.5}
    assert (staging.path("data/files/a.txt")).read_text() == "a"
