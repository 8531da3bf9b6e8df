"""The config a bundle carries: written with tomli-w, read back by the entry point's own reader unchanged,
holding its own provider's table only."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from adapters.aws_lambda import settings as aws
from adapters.gcp_functions import settings as gcp
from portable_fn import ConfigError, read_config
from portable_fn.config_file import GENERATED_NAME
from portable_fn.packaging import CACHE_DIR, CONFIG_NAME, Staging, read_manifest, stage_manifest
from portable_fn.packaging.manifest import record_precompiled
from portable_fn.schema import Schema
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
[gcp]
region = "europe-west1"
"""
# The registered providers' tables, as ``package`` passes them.
REGISTERED: dict[str, Schema] = {aws.NAME: aws.TABLE, gcp.NAME: gcp.TABLE}


def write_project(tmp_path: Path) -> Path:
    """A project folder with CONFIG, the artifact and a granted folder; returns the config's path."""
    project = tmp_path / "project"
    (project / "files").mkdir(parents=True)
    (project / "files" / "a.txt").write_text("a")
    shutil.copy(sample_path("hello-c"), project / "hello-c.wasm")
    (project / "portable-fn.toml").write_text(CONFIG)
    return project / "portable-fn.toml"


def staged_bundle(tmp_path: Path) -> Staging:
    """A bundle for AWS staged from CONFIG."""
    config = write_project(tmp_path)
    staging = Staging(tmp_path / "bundle")
    stage_manifest(staging, read_manifest(config.with_name("hello-c.wasm"), config, aws.NAME, aws.TABLE, REGISTERED))
    return staging


def assert_generated_agrees(staging: Staging) -> None:
    text = staging.path(CONFIG_NAME).read_text(encoding="utf-8")
    generated = json.loads(staging.path(GENERATED_NAME).read_text(encoding="utf-8"))
    assert generated == {"toml": text, "config": tomllib.loads(text)}


def test_staged_config_reads_back_with_bundle_paths(tmp_path: Path) -> None:
    staging = staged_bundle(tmp_path)
    staged = read_config(staging.path(CONFIG_NAME), aws.OWN_TABLES)
    assert "gcp" not in staged
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
    assert read_config(staging.path(CONFIG_NAME), aws.OWN_TABLES)["precompiled"] == f"{CACHE_DIR}/x.cwasm"


def test_a_project_table_of_an_unregistered_provider_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^unknown config table \[gcp\]; known tables: \[aws\], \[grants\]"):
        read_manifest(sample_path("hello-c"), write_project(tmp_path), aws.NAME, aws.TABLE)
