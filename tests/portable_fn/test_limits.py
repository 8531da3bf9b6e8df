"""Limits validation and grants copied from the host environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from portable_fn import ConfigError, Grants, Limits


@pytest.mark.parametrize(
    "field", ["memory_bytes", "max_body_bytes", "max_output_bytes", "max_stderr_bytes", "timeout_seconds"]
)
def test_limits_must_be_positive(field: str) -> None:
    with pytest.raises(ConfigError, match=field):
        Limits(**{field: 0})


def test_grants_copy_only_named_variables_and_check_directories(tmp_path: Path) -> None:
    grants = Grants.from_host(["A"], {"/data": str(tmp_path)}, environ={"A": "1", "SECRET": "s"})
    assert grants.env == (("A", "1"),)
    assert grants.dirs[0].host_path == str(tmp_path)
    with pytest.raises(ConfigError, match="does not exist"):
        Grants.from_host(dirs={"/data": str(tmp_path / "absent")})
    with pytest.raises(ConfigError, match="B"):
        Grants.from_host(["B"], environ={})
