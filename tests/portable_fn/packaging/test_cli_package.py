"""The ``package`` group: one subcommand per provider, progress on stderr, errors as clean messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from portable_fn.cli import main
from tests.conftest import sample_path


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp", "container"])
def test_help(provider: str) -> None:
    result = CliRunner().invoke(main, ["package", provider, "--help"])
    assert result.exit_code == 0 and "ARTIFACT" in result.output


def test_package_container_prints_the_build_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["package", "container", str(sample_path("hello-c")), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"docker build --platform linux/amd64 -t hello-c:latest {tmp_path / 'bundle'}" in result.stdout
    assert "precompiling hello-c.wasm for x86_64" in result.stderr


def test_bad_config_key_is_a_clean_error(tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text('artifact = "a.wasm"\n[gcp]\nregoin = "x"\n')
    result = CliRunner().invoke(main, ["package", "gcp", str(sample_path("hello-c")), "-c", str(config)])
    assert result.exit_code == 1
    assert "unknown config key gcp.regoin" in result.output
