"""The provider tables of the one config schema: defaults, and errors that name the bad key."""

from __future__ import annotations

from pathlib import Path

import pytest

from portable_fn import ConfigError, provider_settings, read_config


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
        pytest.param("[containr]\nport = 1", r"unknown config key containr; expected one of", id="table-typo"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "portable-fn.toml"
    path.write_text(f'artifact = "a.wasm"\n{table}\n')
    with pytest.raises(ConfigError, match=message):
        read_config(path)


def test_defaults_fill_missing_keys() -> None:
    aws = provider_settings({"aws": {"architecture": "arm64"}}, "aws")
    assert (aws["architecture"], aws["memory_mb"], aws["timeout_seconds"], aws["runtime"]) == (
        "arm64",
        512,
        30,
        "python3.11",
    )
    assert provider_settings({}, "azure")["route_prefix"] == "api"
    assert provider_settings({}, "gcp")["region"] == "us-central1"
