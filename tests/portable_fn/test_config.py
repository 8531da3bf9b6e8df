"""portable-fn.toml: defaults, relative paths, validation errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from portable_fn import ConfigError, Limits, Request, lazy_function, locate_config, spec_from_config
from portable_fn.limits import MIB
from tests.conftest import sample_path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "portable-fn.toml"
    path.write_text(text)
    return path


def test_minimal_config_gets_default_limits_and_no_grants(tmp_path: Path) -> None:
    spec = spec_from_config(write(tmp_path, 'artifact = "app.wasm"\n'), environ={})
    assert spec.artifact == tmp_path / "app.wasm"
    assert spec.limits == Limits()
    assert spec.grants.env == () and spec.grants.dirs == ()
    assert spec.cache_dir is None


def test_limits_grants_and_cache_are_read_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    text = """
artifact = "app.wasm"
cache_dir = ".cache"
[limits]
memory_mb = 64
timeout_seconds = 2.5
[grants]
env = ["GREETING"]
dirs = { "/data" = "data" }
authorization = true
"""
    spec = spec_from_config(write(tmp_path, text), environ={"GREETING": "hi", "OTHER": "x"})
    assert spec.limits.memory_bytes == 64 * MIB
    assert spec.limits.timeout_seconds == 2.5
    assert spec.grants.env == (("GREETING", "hi"),)
    assert spec.grants.dirs[0].guest_path == "/data"
    assert spec.grants.authorization
    assert spec.cache_dir == tmp_path / ".cache"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('artifact = "a.wasm"\nartefact = "typo"\n', "unknown config key artefact", id="unknown-top"),
        pytest.param('artifact = "a.wasm"\n[limits]\nmemory = 1\n', "unknown config key limits.memory", id="unknown"),
        pytest.param('artifact = "a.wasm"\n[limits]\nmemory_mb = "big"\n', "limits.memory_mb must be a number", id="t"),
        pytest.param(
            'artifact = "a.wasm"\n[limits]\ntimeout_seconds = -1\n', "timeout_seconds must be positive", id="n"
        ),
        pytest.param('artifact = "a.wasm"\n[grants]\nenv = "X"\n', "grants.env must be a list", id="env-type"),
        pytest.param('artifact = "a.wasm"\n[grants]\nenv = ["MISSING"]\n', "MISSING", id="env-missing"),
        pytest.param("name = 'x'\n", "'artifact' must name", id="no-artifact"),
        pytest.param("artifact = [\n", "not valid TOML", id="syntax"),
    ],
)
def test_bad_config_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        spec_from_config(write(tmp_path, text), environ={})


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        spec_from_config(tmp_path / "portable-fn.toml", environ={})


def test_locate_config_prefers_the_environment_variable(tmp_path: Path) -> None:
    assert locate_config(tmp_path, {}) == tmp_path / "portable-fn.toml"
    assert locate_config(tmp_path, {"PORTABLE_FN_CONFIG": "/etc/x.toml"}) == Path("/etc/x.toml")


def test_lazy_function_loads_once_on_first_call(tmp_path: Path) -> None:
    config = write(tmp_path, f"artifact = {str(sample_path('hello-c'))!r}\n")
    load = lazy_function(config, environ={})
    assert load() is load()
    assert load().call(Request()).body == b"hello\n"


def test_lazy_function_reports_a_bad_config_when_called(tmp_path: Path) -> None:
    load = lazy_function(write(tmp_path, "artifact = 1\n"), environ={})
    with pytest.raises(ConfigError, match="'artifact' must name"):
        load()
