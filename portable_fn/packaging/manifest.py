"""The ``portable-fn.toml`` a bundle carries: the user's config, rewritten to point inside the bundle."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portable_fn.config import read_config
from portable_fn.errors import BundleError, ConfigError
from portable_fn.packaging.layout import Staging, check_relative
from portable_fn.provider_config import provider_settings

CACHE_DIR = ".portable_fn_cache"
CONFIG_NAME = "portable-fn.toml"


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a bundle is built from: the artifact, the parsed config and where relative paths start."""

    artifact: Path
    data: Mapping[str, Any]
    base: Path

    @property
    def name(self) -> str:
        """The function's name: ``name`` from the config, else the artifact's stem."""
        value = self.data.get("name")
        return value if isinstance(value, str) and value else self.artifact.stem

    def settings(self, provider: str) -> dict[str, Any]:
        """The provider table with defaults filled in. Raises ConfigError."""
        return provider_settings(self.data, provider)


def read_manifest(artifact: Path, config: Path | None) -> Manifest:
    """Read the config (or none: defaults) for bundling ``artifact``. Raises ConfigError or BundleError."""
    if artifact.is_symlink() or not artifact.is_file():
        raise BundleError(f"artifact {artifact} is not a regular file")
    data = read_config(config) if config is not None else {}
    return Manifest(artifact, data, config.parent if config is not None else Path.cwd())


def stage_manifest(staging: Staging, manifest: Manifest) -> str:
    """Copy the artifact and granted dirs into the bundle and write its ``portable-fn.toml``.

    Returns the artifact's name inside the bundle. Raises BundleError on a granted dir outside the config's
    directory.
    """
    artifact_name = manifest.artifact.name
    staging.add_file(artifact_name, manifest.artifact)
    data = {key: value for key, value in manifest.data.items() if key != "cache_dir"}
    data["artifact"] = artifact_name
    data["cache_dir"] = CACHE_DIR
    grants = dict(data.get("grants", {}))
    dirs: dict[str, str] = {}
    for guest, host in grants.get("dirs", {}).items():
        relative = check_relative(str(host)).as_posix()
        source = manifest.base / relative
        if not source.resolve().is_relative_to(manifest.base.resolve()):
            raise BundleError(f"grants.dirs {guest!r} = {host!r} resolves outside {manifest.base}")
        staging.add_tree(f"data/{relative}", source)
        dirs[guest] = f"data/{relative}"
    if dirs:
        grants["dirs"] = dirs
        data["grants"] = grants
    staging.add_bytes(CONFIG_NAME, render_toml(data).encode())
    return artifact_name


def record_precompiled(staging: Staging, relative: str) -> None:
    """Name the precompiled artifact in the staged config, so loading it needs no content hash."""
    data = read_config(staging.path(CONFIG_NAME))
    data["precompiled"] = relative
    staging.add_bytes(CONFIG_NAME, render_toml(data).encode())


def render_toml(data: Mapping[str, Any]) -> str:
    """Write a config back as TOML: scalars first, then one ``[table]`` each, keys in order.

    Raises ConfigError on a value TOML-with-our-schema cannot hold.
    """
    lines = [f"{key} = {_value(value)}" for key, value in data.items() if not isinstance(value, dict)]
    for key, value in data.items():
        if isinstance(value, dict):
            lines += ["", f"[{key}]"] + [f"{_key(k)} = {_value(v)}" for k, v in value.items()]
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # JSON string escapes are valid TOML basic-string escapes for everything json.dumps emits.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise ConfigError(f"cannot write {value!r} to a config file")
