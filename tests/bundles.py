"""Helpers for tests that unpack a bundle and run it like its provider would."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from portable_fn import BundleError


def venv_with_requirements(tmp_path: Path, requirements: Path) -> Path:
    """A fresh venv with requirements.txt installed from a local wheelhouse (pip's cache fills it)."""
    wheelhouse = tmp_path / "wheelhouse"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "download", "-r", str(requirements), "-d", str(wheelhouse)], check=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = [str(venv / "bin" / "python"), "-m", "pip", "-q", "--disable-pip-version-check", "install", "--no-index"]
    subprocess.run([*install, "--find-links", str(wheelhouse), "-r", str(requirements)], check=True)
    return venv


def write_config(folder: Path, artifact: Path, extra: str = "") -> Path:
    """``folder/portable-fn.toml`` naming a hard link (or copy) of ``artifact`` beside it, plus ``extra`` lines.

    A config's paths stay inside its folder, so the artifact is placed there rather than named absolutely.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / artifact.name
    if not target.exists():
        try:
            os.link(artifact, target)
        except OSError:
            target.write_bytes(artifact.read_bytes())
    config = folder / "portable-fn.toml"
    config.write_text(f"artifact = {artifact.name!r}\n{extra}", encoding="utf-8")
    return config


def extract_zip(archive_path: Path, destination: Path) -> None:
    """Unpack a bundle zip as a provider would, refusing entries that would land outside ``destination``.

    Raises BundleError.
    """
    target = destination.resolve()
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            path = (target / info.filename).resolve()
            if not path.is_relative_to(target):
                raise BundleError(f"{archive_path.name}: entry {info.filename!r} escapes the destination")
            archive.extract(info, target)
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                path.chmod(mode)
