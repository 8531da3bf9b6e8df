"""The ``portable-fn.toml`` a bundle carries: the user's config, rewritten to point inside the bundle."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from portable_fn.config import inside, read_config
from portable_fn.config_file import GENERATED_NAME, render_generated
from portable_fn.errors import BundleError
from portable_fn.packaging.layout import Staging
from portable_fn.schema import provider_settings, validate_config
from portable_fn.types import CONFIG_NAME
from portable_fn.values import frozen

CACHE_DIR = ".portable_fn_cache"


@frozen
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
    """Read and validate the config (or none: defaults) for bundling ``artifact``.

    Raises ConfigError (naming the bad key) or BundleError.
    """
    if artifact.is_symlink() or not artifact.is_file():
        raise BundleError(f"artifact {artifact} is not a regular file")
    data = read_config(config) if config is not None else {}
    return Manifest(artifact, data, config.parent if config is not None else Path.cwd())


def stage_manifest(staging: Staging, manifest: Manifest) -> str:
    """Copy the artifact and granted dirs into the bundle and write its ``portable-fn.toml``.

    Returns the artifact's name inside the bundle. Raises ConfigError on a granted dir that resolves
    outside the config's directory, BundleError when it cannot be copied.
    """
    artifact_name = manifest.artifact.name
    staging.add_file(artifact_name, manifest.artifact)
    data = {key: value for key, value in manifest.data.items() if key not in ("cache_dir", "precompiled")}
    data["artifact"] = artifact_name
    data["cache_dir"] = CACHE_DIR
    grants = dict(data.get("grants", {}))
    dirs: dict[str, str] = {}
    for guest, host in grants.get("dirs", {}).items():
        source = inside(manifest.base, host, f"grants.dirs.{guest!r}")
        staging.add_tree(f"data/{host}", source)
        dirs[guest] = f"data/{host}"
    if dirs:
        grants["dirs"] = dirs
        data["grants"] = grants
    write_config(staging, data)
    return artifact_name


def record_precompiled(staging: Staging, relative: str) -> None:
    """Name the precompiled artifact in the staged config, so loading it needs no content hash."""
    data = read_config(staging.path(CONFIG_NAME))
    data["precompiled"] = relative
    write_config(staging, data)


def write_config(staging: Staging, data: Mapping[str, Any]) -> None:
    """Write the bundle's ``portable-fn.toml``, checked against the schema the entry point will apply, and
    beside it the literal its entry point reads instead of parsing TOML (portable_fn.config_file).

    Raises ConfigError.
    """
    validate_config(data)
    text = tomli_w.dumps(dict(data))
    staging.add_bytes(GENERATED_NAME, render_generated(text, staging.path(CONFIG_NAME)).encode())
    staging.add_bytes(CONFIG_NAME, text.encode())
