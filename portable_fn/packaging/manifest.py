"""The ``portable-fn.toml`` a bundle carries: the user's config, rewritten to point inside the bundle."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from portable_fn.config import inside, read_config
from portable_fn.config_file import GENERATED_NAME, load_config_data, render_generated
from portable_fn.errors import BundleError
from portable_fn.packaging.layout import Staging
from portable_fn.schema import (
    CORE_KEYS,
    CORE_TABLES,
    NO_PROVIDERS,
    ProviderTables,
    Schema,
    provider_settings,
    validate_config,
)
from portable_fn.types import CONFIG_NAME
from portable_fn.values import frozen

CACHE_DIR = ".portable_fn_cache"


@frozen
class Manifest:
    """What a bundle is built from: the artifact, the config a bundle keeps (the core keys and its
    provider's own table), where relative paths start, and the provider with its table's schema."""

    artifact: Path
    data: Mapping[str, Any]
    base: Path
    provider: str
    table: Schema

    @property
    def name(self) -> str:
        """The function's name: ``name`` from the config, else the artifact's stem."""
        value = self.data.get("name")
        return value if isinstance(value, str) and value else self.artifact.stem

    @property
    def settings(self) -> dict[str, Any]:
        """The provider's table with defaults filled in."""
        return provider_settings(self.data, self.provider, self.table)


def read_manifest(
    artifact: Path,
    config: Path | None,
    provider: str,
    table: Schema,
    provider_tables: ProviderTables = NO_PROVIDERS,
) -> Manifest:
    """Read the config (or none: defaults) for bundling ``artifact`` for ``provider``.

    The config may be a project file with other providers' tables: each in ``provider_tables`` (the
    registered ones) is checked, then left out of the manifest. Raises ConfigError (naming the bad key,
    or a table no provider declares) or BundleError.
    """
    if artifact.is_symlink() or not artifact.is_file():
        raise BundleError(f"artifact {artifact} is not a regular file")
    data = read_config(config, {**provider_tables, provider: table}) if config is not None else {}
    kept = {key: value for key, value in data.items() if key in CORE_KEYS or key in CORE_TABLES or key == provider}
    return Manifest(artifact, kept, config.parent if config is not None else Path.cwd(), provider, table)


def stage_manifest(staging: Staging, manifest: Manifest, *, with_table: bool = True) -> str:
    """Copy the artifact and granted dirs into the bundle and write its ``portable-fn.toml``, with the
    provider's table unless ``with_table`` is false (an entry point that cannot know the provider).

    Returns the artifact's name inside the bundle. Raises ConfigError on a granted dir that resolves
    outside the config's directory, BundleError when it cannot be copied.
    """
    artifact_name = manifest.artifact.name
    staging.add_file(artifact_name, manifest.artifact)
    dropped = ("cache_dir", "precompiled") if with_table else ("cache_dir", "precompiled", manifest.provider)
    data = {key: value for key, value in manifest.data.items() if key not in dropped}
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
    # Checked as the bundle's entry point will read it: knowing its own provider's table only.
    validate_config(data, {manifest.provider: manifest.table} if with_table else NO_PROVIDERS)
    write_config(staging, data)
    return artifact_name


def record_precompiled(staging: Staging, relative: str) -> None:
    """Name the precompiled artifact in the staged config (checked when it was staged), so loading it
    needs no content hash."""
    data = load_config_data(staging.path(CONFIG_NAME))
    data["precompiled"] = relative
    write_config(staging, data)


def write_config(staging: Staging, data: Mapping[str, Any]) -> None:
    """Write the bundle's ``portable-fn.toml`` and beside it the literal its entry point reads instead of
    parsing TOML (portable_fn.config_file). Raises ConfigError when it cannot be read back as TOML."""
    text = tomli_w.dumps(dict(data))
    staging.add_bytes(GENERATED_NAME, render_generated(text, staging.path(CONFIG_NAME)).encode())
    staging.add_bytes(CONFIG_NAME, text.encode())
