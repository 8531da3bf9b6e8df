"""A bundle's generated literal config: read instead of the TOML only while it was made from the TOML's text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from portable_fn import ConfigError, read_config
from portable_fn.config_file import GENERATED_NAME, load_config_data, render_generated

TOML = 'artifact = "app.wasm"\n[limits]\ntimeout_seconds = 2.5\n'


def write_pair(folder: Path, text: str, generated: str) -> Path:
    config = folder / "portable-fn.toml"
    config.write_text(text, encoding="utf-8")
    (folder / GENERATED_NAME).write_text(generated, encoding="utf-8")
    return config


def test_generated_literal_is_the_data_the_toml_parses_to(tmp_path: Path) -> None:
    config = write_pair(tmp_path, TOML, render_generated(TOML, tmp_path / "portable-fn.toml"))
    assert json.loads((tmp_path / GENERATED_NAME).read_text())["config"] == read_config(config)
    assert read_config(config) == {"artifact": "app.wasm", "limits": {"timeout_seconds": 2.5}}


def test_literal_made_from_this_text_is_read_instead_of_the_toml(tmp_path: Path) -> None:
    # Data that differs from the TOML's shows which of the two was read.
    generated = json.dumps({"toml": TOML, "config": {"artifact": "other.wasm"}})
    assert load_config_data(write_pair(tmp_path, TOML, generated)) == {"artifact": "other.wasm"}


@pytest.mark.parametrize(
    "generated",
    [
        pytest.param(json.dumps({"toml": 'artifact = "old.wasm"\n', "config": {"artifact": "old.wasm"}}), id="stale"),
        pytest.param('{"toml": ', id="damaged"),
        pytest.param(json.dumps(["not", "an", "object"]), id="not-an-object"),
        pytest.param(json.dumps({"toml": TOML, "config": "x"}), id="config-not-a-table"),
    ],
)
def test_toml_is_parsed_when_the_literal_does_not_match_it(tmp_path: Path, generated: str) -> None:
    config = write_pair(tmp_path, TOML, generated)
    assert load_config_data(config) == {"artifact": "app.wasm", "limits": {"timeout_seconds": 2.5}}


def test_edited_toml_with_a_stale_literal_still_reports_its_own_errors(tmp_path: Path) -> None:
    config = write_pair(tmp_path, "artifact = \n", render_generated(TOML, tmp_path / "portable-fn.toml"))
    with pytest.raises(ConfigError, match=r"portable-fn\.toml is not valid TOML"):
        read_config(config)


def test_reading_a_bundled_config_loads_no_toml_parser(tmp_path: Path) -> None:
    config = write_pair(tmp_path, TOML, render_generated(TOML, tmp_path / "portable-fn.toml"))
    code = "import sys; from portable_fn import read_config; read_config(__import__('pathlib').Path(sys.argv[1]));"
    code += "print('tomllib' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code, str(config)], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
