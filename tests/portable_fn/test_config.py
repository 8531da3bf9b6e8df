"""portable-fn.toml: defaults, relative paths, validation errors that name the key."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from adapters.aws_lambda import settings as aws
from portable_fn import ConfigError, Limits, Request, lazy_function, locate_config, read_config, spec_from_config
from portable_fn.config import limits_from_table
from portable_fn.types import MIB
from tests.bundles import write_config
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
max_output_mb = 2
max_stderr_mb = 0.5
[grants]
env = ["GREETING"]
dirs = { "/data" = "data" }
authorization = true
"""
    spec = spec_from_config(write(tmp_path, text), environ={"GREETING": "hi", "OTHER": "x"})
    assert spec.limits.memory_bytes == 64 * MIB
    assert spec.limits.timeout_seconds == 2.5
    assert (spec.limits.max_output_bytes, spec.limits.max_stderr_bytes) == (2 * MIB, MIB // 2)
    assert spec.grants.env == (("GREETING", "hi"),)
    assert spec.grants.dirs[0].guest_path == "/data"
    assert spec.grants.authorization
    assert spec.cache_dir == tmp_path / ".cache"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('artifact = "a.wasm"\nartefact = "typo"\n', "unknown config key artefact", id="unknown-top"),
        pytest.param('artifact = "a.wasm"\n[limits]\nmemory = 1\n', "unknown config key limits.memory", id="unknown"),
        pytest.param('artifact = "a.wasm"\n[limits]\nmemory_mb = "big"\n', r"limits\.memory_mb must be a pos", id="t"),
        pytest.param('artifact = "a.wasm"\n[limits]\nmemory_mb = -5\n', r"limits\.memory_mb must be a pos", id="neg"),
        pytest.param('artifact = "a.wasm"\n[limits]\ntimeout_seconds = -1\n', r"timeout_seconds must be a pos", id="n"),
        pytest.param('artifact = "a.wasm"\n[limits]\ntimeout_seconds = nan\n', "timeout_seconds .* nan", id="nan"),
        pytest.param('artifact = "a.wasm"\n[limits]\ntimeout_seconds = inf\n', "timeout_seconds .* inf", id="inf"),
        pytest.param('artifact = "a.wasm"\n[limits]\nmax_output_mb = true\n', r"max_output_mb .* True", id="bool"),
        pytest.param('artifact = "a.wasm"\nlimits = 5\n', r"limits must be a table \(\[limits\]\), got 5", id="table"),
        pytest.param('artifact = "a.wasm"\naws = "x"\n', r"aws must be a table", id="provider-table"),
        pytest.param('artifact = "a.wasm"\n[grants]\nenv = "HOME"\n', "grants.env must be a list", id="env-type"),
        pytest.param('artifact = "a.wasm"\n[grants]\nenv = ["A=B"]\n', "grants.env must be a list", id="env-name"),
        pytest.param('artifact = "a.wasm"\n[grants]\nenv = ["MISSING"]\n', "MISSING", id="env-missing"),
        pytest.param(
            'artifact = "a.wasm"\n[grants]\nauthorization = 1\n', "grants.authorization must be true", id="au"
        ),
        pytest.param('artifact = "a.wasm"\n[grants]\ndirs = { "/d" = 1 }\n', r"grants\.dirs\.'/d' must be", id="dir"),
        pytest.param('artifact = "a.wasm"\n[grants]\ndirs = { "d" = "d" }\n', "must be absolute", id="guest"),
        pytest.param("name = 'x'\n", "'artifact' must name", id="no-artifact"),
        pytest.param("artifact = 1\n", "artifact must be a relative path", id="artifact-type"),
        pytest.param("artifact = [\n", "not valid TOML", id="syntax"),
    ],
)
def test_bad_config_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        spec_from_config(write(tmp_path, text), environ={}, provider_tables=aws.OWN_TABLES)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        pytest.param('name = "../../escaped"', "name", id="name-climbs"),
        pytest.param('name = "/tmp/escaped"', "name", id="name-absolute"),
        pytest.param('artifact = "../app.wasm"', "artifact", id="artifact"),
        pytest.param('artifact = "/etc/passwd"', "artifact", id="artifact-absolute"),
        pytest.param('precompiled = "../../../../etc/passwd"', "precompiled", id="precompiled"),
        pytest.param('cache_dir = "/tmp"', "cache_dir", id="cache-dir"),
        pytest.param('[grants]\ndirs = { "/etc" = "../../etc" }', r"grants\.dirs\.'/etc'", id="dirs"),
        pytest.param('[grants]\ndirs = { "/etc" = "/etc" }', r"grants\.dirs\.'/etc'", id="dirs-absolute"),
    ],
)
def test_paths_and_names_that_leave_the_folder_are_refused(tmp_path: Path, line: str, key: str) -> None:
    text = f"{line}\n" if line.startswith("artifact") else f'artifact = "a.wasm"\n{line}\n'
    with pytest.raises(ConfigError, match=key):
        read_config(write(tmp_path, text))


@pytest.mark.parametrize("key", ["artifact", "precompiled", "cache_dir"])
def test_a_symlink_leading_out_of_the_folder_is_refused_at_load(tmp_path: Path, key: str) -> None:
    (tmp_path / "a.wasm").write_bytes(b"\0asm")
    (tmp_path / "link").symlink_to("/etc/passwd" if key != "cache_dir" else "/tmp")
    text = 'artifact = "link"\n' if key == "artifact" else f'artifact = "a.wasm"\n{key} = "link"\n'
    with pytest.raises(ConfigError, match=f"{key} = 'link' resolves to .*, outside"):
        spec_from_config(write(tmp_path, text), environ={})


def test_command_line_limits_map_through_the_same_table() -> None:
    assert limits_from_table({"memory_mb": 64, "timeout_seconds": 2, "max_body_mb": 0.5}) == Limits(
        memory_bytes=64 * MIB, timeout_seconds=2.0, max_body_bytes=MIB // 2
    )
    with pytest.raises(ConfigError, match=r"limits\.timeout_seconds must be a positive number, got nan"):
        limits_from_table({"timeout_seconds": math.nan})


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        spec_from_config(tmp_path / "portable-fn.toml", environ={})


def test_locate_config_prefers_the_environment_variable(tmp_path: Path) -> None:
    assert locate_config(tmp_path, {}) == tmp_path / "portable-fn.toml"
    assert locate_config(tmp_path, {"PORTABLE_FN_CONFIG": "/etc/x.toml"}) == Path("/etc/x.toml")


def test_lazy_function_loads_once_on_first_call(tmp_path: Path) -> None:
    load = lazy_function(write_config(tmp_path, sample_path("hello-c")), environ={})
    assert load() is load()
    assert load().call(Request()).body == b"hello\n"


def test_lazy_function_reports_a_bad_config_when_called(tmp_path: Path) -> None:
    load = lazy_function(write(tmp_path, "artifact = 1\n"), environ={})
    with pytest.raises(ConfigError, match="artifact must be a relative path"):
        load()
