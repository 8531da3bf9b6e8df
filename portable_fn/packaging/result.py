"""What building a bundle produced, and the provider size limits it is checked against."""

from __future__ import annotations

from pathlib import Path

from portable_fn.errors import BundleError
from portable_fn.packaging.archive import ArchiveSize
from portable_fn.packaging.layout import Staging, reset_directory
from portable_fn.packaging.precompile import Precompiled
from portable_fn.types import MIB
from portable_fn.values import frozen

# AWS Lambda: direct-upload zip and unpacked deployment package limits.
LAMBDA_ZIPPED_LIMIT = 50 * MIB
LAMBDA_UNZIPPED_LIMIT = 250 * MIB


@frozen
class Bundle:
    """A built bundle: its folder, its zip (none for a container context) and what to run next."""

    directory: Path
    archive: Path | None
    size: ArchiveSize | None
    precompiled: Precompiled
    instructions: tuple[str, ...]


def stage_in(out: Path) -> Staging:
    """A fresh staging folder ``out/bundle``; refuses to empty a folder that is not an earlier bundle.

    Raises BundleError.
    """
    folder = out / "bundle"
    if folder.exists() and any(folder.iterdir()) and not (folder / "portable-fn.toml").is_file():
        raise BundleError(f"{folder} exists and is not a portable-fn bundle; choose another output directory")
    reset_directory(folder)
    return Staging(folder)


def describe_size(size: ArchiveSize, zipped_limit: int, unzipped_limit: int) -> str:
    """One line: zipped and unzipped sizes against the limits."""
    return (
        f"size: {size.zipped / MIB:.1f} MB zipped (limit {zipped_limit // MIB} MB), "
        f"{size.unzipped / MIB:.1f} MB unzipped (limit {unzipped_limit // MIB} MB), {size.files} files"
    )


def check_size(size: ArchiveSize, zipped_limit: int, unzipped_limit: int, provider: str) -> None:
    """Raise BundleError when a bundle is past a provider's limits, saying by how much."""
    if size.zipped > zipped_limit:
        raise BundleError(
            f"{provider} bundle is {size.zipped / MIB:.1f} MB zipped, past the {zipped_limit // MIB} MB limit"
        )
    if size.unzipped > unzipped_limit:
        raise BundleError(
            f"{provider} bundle is {size.unzipped / MIB:.1f} MB unzipped, past the {unzipped_limit // MIB} MB limit"
        )
