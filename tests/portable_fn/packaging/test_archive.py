"""Deterministic zips and the refusals that keep a bundle inside its own folder."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from portable_fn.packaging import BundleError, Staging, check_relative, write_zip


def make_tree(root: Path, mtime: int, mode: int) -> Path:
    for name, data in {"b.txt": b"bee", "a/z.py": b"zed", "a/y.bin": bytes(range(256))}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(mode)
        os.utime(path, (mtime, mtime))
    return root


def test_same_files_give_the_same_bytes_whatever_their_times_and_modes(tmp_path: Path) -> None:
    first = write_zip(make_tree(tmp_path / "one", 1_000_000, 0o600), tmp_path / "one.zip")
    second = write_zip(make_tree(tmp_path / "two", 1_700_000_000, 0o664), tmp_path / "two.zip")
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    assert (first.files, first.unzipped) == (second.files, second.unzipped) == (3, 262)
    infos = zipfile.ZipFile(tmp_path / "one.zip").infolist()
    assert [info.filename for info in infos] == ["a/y.bin", "a/z.py", "b.txt"]
    assert {(info.external_attr >> 16) & 0o777 for info in infos} == {0o644}


def test_a_symlink_in_the_bundle_is_refused(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "tree", 0, 0o644)
    (root / "escape").symlink_to("/etc/passwd")
    with pytest.raises(BundleError, match="symlink: escape"):
        write_zip(root, tmp_path / "out.zip")


def test_copying_a_tree_with_a_symlink_out_of_it_is_refused(tmp_path: Path) -> None:
    source = make_tree(tmp_path / "data", 0, 0o644)
    (source / "secret").symlink_to(tmp_path)
    with pytest.raises(BundleError, match="outside"):
        Staging(tmp_path / "bundle").add_tree("data", source)


@pytest.mark.parametrize("name", ["../x", "/etc/x", "a/../../x", ""])
def test_paths_escaping_the_bundle_are_refused(name: str) -> None:
    with pytest.raises(BundleError, match="escape"):
        check_relative(name)
