"""The one config schema: the core keys and tables, each provider's table checked by the schema the caller
passes, defaults, and errors that name the bad key or the known tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.aws_lambda import settings as aws
from adapters.azure_functions import settings as azure
from adapters.gcp_functions import settings as gcp
from adapters.local_http import settings as container
from portable_fn import ConfigError, provider_settings, read_config
from portable_fn.schema import Schema, choice

BUILT_IN = {module.NAME: module.TABLE for module in (aws, azure, gcp, container)}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "portable-fn.toml"
    path.write_text(f'artifact = "a.wasm"\n{text}\n')
    return path


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param("[aws]\nmemory_mb = 64", r"aws\.memory_mb must be an integer from 128 to 10240", id="memory"),
        pytest.param('[aws]\nregoin = "x"', r"unknown config key aws\.regoin", id="typo"),
        pytest.param('[azure]\nauth_level = "open"', r"azure\.auth_level must be one of", id="auth"),
        pytest.param('[azure]\nroute_prefix = "/api"', r"azure\.route_prefix", id="prefix"),
        pytest.param('[gcp]\nruntime = "python27"', r"gcp\.runtime must be one of", id="runtime"),
        pytest.param("[container]\nport = 0", r"container\.port", id="port"),
        pytest.param(
            '[azure]\ntriggers = ["http", "smtp"]', r"azure\.triggers must list some of http, queue", id="trig"
        ),
        pytest.param(
            "[containr]\nport = 1",
            r"^unknown config table \[containr\]; known tables: \[aws\], \[azure\], \[container\], \[gcp\], "
            r"\[grants\], \[limits\]$",
            id="table-typo",
        ),
        pytest.param(
            'artefact = "b.wasm"',
            r"^unknown config key artefact; expected one of artifact, cache_dir, name, precompiled or a table \[aws\]",
            id="key-typo",
        ),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        read_config(write(tmp_path, table), BUILT_IN)


def test_a_reader_refuses_the_tables_of_providers_it_was_not_given(tmp_path: Path) -> None:
    path = write(tmp_path, '[aws]\narchitecture = "arm64"\n[gcp]\nregion = "x"')
    assert read_config(path, {"aws": aws.TABLE, "gcp": gcp.TABLE})["gcp"] == {"region": "x"}
    only_aws = r"^unknown config table \[gcp\]; known tables: \[aws\], \[grants\], \[limits\]$"
    with pytest.raises(ConfigError, match=only_aws):
        read_config(path, aws.OWN_TABLES)
    with pytest.raises(ConfigError, match=r"^unknown config table \[aws\]; known tables: \[grants\], \[limits\]$"):
        read_config(path)


def test_a_provider_table_is_checked_by_the_schema_passed_in(tmp_path: Path) -> None:
    acme: Schema = {"colour": (choice("red", "blue"), "red")}
    assert read_config(write(tmp_path, '[acme]\ncolour = "blue"'), {"acme": acme})["acme"] == {"colour": "blue"}
    with pytest.raises(ConfigError, match=r"^acme\.colour must be one of red, blue, got 'green'$"):
        read_config(write(tmp_path, '[acme]\ncolour = "green"'), {"acme": acme})
    with pytest.raises(ConfigError, match=r"unknown config key acme\.shade; expected one of colour"):
        read_config(write(tmp_path, '[acme]\nshade = "blue"'), {"acme": acme})


def test_defaults_fill_missing_keys() -> None:
    settings = provider_settings({"aws": {"architecture": "arm64"}}, aws.NAME, aws.TABLE)
    assert (settings["architecture"], settings["memory_mb"], settings["timeout_seconds"], settings["runtime"]) == (
        "arm64",
        512,
        30,
        "python3.11",
    )
    assert provider_settings({}, azure.NAME, azure.TABLE)["route_prefix"] == "api"
    assert provider_settings({}, gcp.NAME, gcp.TABLE)["region"] == "us-central1"
    with pytest.raises(ConfigError, match=r"gcp\.region must be a non-empty string"):
        provider_settings({"gcp": {"region": ""}}, gcp.NAME, gcp.TABLE)
