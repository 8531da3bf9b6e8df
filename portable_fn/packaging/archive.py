"""Deterministic zip archives: the same tree gives the same bytes, whoever builds it and when."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from portable_fn.errors import BundleError
from portable_fn.values import frozen

# 1980-01-01, the earliest time a zip entry can record; SOURCE_DATE_EPOCH-style fixed stamp.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o644
_EXEC_MODE = 0o755


@frozen
class ArchiveSize:
    """Byte counts of one archive: the zip itself and everything in it once unpacked."""

    zipped: int
    unzipped: int
    files: int


def list_tree(root: Path) -> list[Path]:
    """Every regular file under ``root``, sorted by its POSIX relative path.

    Raises BundleError on a symlink, which a bundle must not carry (it could point outside it).
    """
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root, followlinks=False):
        base = Path(directory)
        for name in subdirs + files:
            path = base / name
            if path.is_symlink():
                raise BundleError(f"bundle contains a symlink: {path.relative_to(root).as_posix()}")
        found.extend(base / name for name in files)
    return sorted(found, key=lambda path: path.relative_to(root).as_posix())


def write_zip(root: Path, destination: Path) -> ArchiveSize:
    """Zip every file under ``root`` into ``destination`` with sorted entries, fixed times and modes.

    Executable files keep 0755, all others get 0644. Raises BundleError.
    """
    files = list_tree(root)
    unzipped = 0
    destination.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), date_time=FIXED_TIME)
            mode = _EXEC_MODE if path.stat().st_mode & stat.S_IXUSR else _FILE_MODE
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the modes above are honoured when unpacking
            data = path.read_bytes()
            unzipped += len(data)
            archive.writestr(info, data, compresslevel=9)
    return ArchiveSize(destination.stat().st_size, unzipped, len(files))
