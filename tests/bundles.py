"""Helpers for tests that unpack a bundle and run it like its provider would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


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
