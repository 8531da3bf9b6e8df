"""A bundle being staged in a directory: safe copies in, nothing escapes the root."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import portable_fn
from portable_fn.errors import BundleError
from portable_fn.schema import is_inside_path

_SKIPPED = {"__pycache__", ".mypy_cache", ".pytest_cache"}


def check_relative(name: str) -> PurePosixPath:
    """A bundle path that stays inside the bundle. Raises BundleError on absolute paths or ``..``."""
    if not is_inside_path(name):
        raise BundleError(f"path {name!r} would escape the bundle: use a relative path without '..'")
    return PurePosixPath(name)


class Staging:
    """The directory a bundle is assembled in before it is zipped."""

    def __init__(self, root: Path) -> None:
        # Absolute: the precompile child runs inside the bundle, where a relative root means something else.
        self.root = root.absolute()
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        """Where ``name`` lives in the bundle. Raises BundleError when it would escape."""
        return self.root.joinpath(*check_relative(name).parts)

    def add_bytes(self, name: str, data: bytes, *, executable: bool = False) -> Path:
        """Write ``data`` at ``name``. Raises BundleError."""
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        target.chmod(0o755 if executable else 0o644)
        return target

    def add_file(self, name: str, source: Path) -> Path:
        """Copy one regular file to ``name``. Raises BundleError on a missing file or a symlink."""
        if source.is_symlink() or not source.is_file():
            raise BundleError(f"{source} is not a regular file")
        return self.add_bytes(name, source.read_bytes(), executable=bool(source.stat().st_mode & 0o100))

    def add_tree(self, name: str, source: Path, *, skip: Callable[[Path], bool] = lambda _: False) -> None:
        """Copy the files under ``source`` to ``name``, leaving out caches and what ``skip`` selects.

        Raises BundleError when a symlink inside ``source`` points outside it.
        """
        if not source.is_dir():
            raise BundleError(f"{source} is not a directory")
        top = source.resolve()
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(source)
            if _SKIPPED.intersection(relative.parts) or path.suffix == ".pyc" or skip(relative):
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(top):
                raise BundleError(f"{path} is a symlink to {path.resolve()}, outside {source}")
            if path.is_file():
                self.add_bytes(f"{name}/{relative.as_posix()}", path.read_bytes())

    def add_packages(self, adapter: Path) -> None:
        """Copy portable_fn and the provider's package folder ``adapter`` (``.../adapters/aws_lambda``) with
        its parent package's ``__init__.py``, at the same import path; its template stays out."""
        # Build-time code stays out: a deployed function never packages anything.
        self.add_tree(
            "portable_fn", Path(portable_fn.__file__).parent, skip=lambda relative: relative.parts[0] == "packaging"
        )
        parent = adapter.parent.name
        self.add_file(f"{parent}/__init__.py", adapter.parent / "__init__.py")
        self.add_tree(f"{parent}/{adapter.name}", adapter, skip=lambda relative: relative.parts[0] == "template")

    def add_template(self, adapter: Path) -> list[str]:
        """Copy the provider package ``adapter``'s ``template/`` folder to the bundle root; returns the names copied.

        Raises BundleError when the template directory is absent.
        """
        template = adapter / "template"
        if not template.is_dir():
            raise BundleError(f"{template} is missing from this installation")
        self.add_tree(".", template)
        return sorted(path.relative_to(template).as_posix() for path in template.rglob("*") if path.is_file())


def reset_directory(path: Path) -> None:
    """Empty ``path`` so a bundle never mixes old and new files. Raises BundleError on a non-directory."""
    if path.exists() and not path.is_dir():
        raise BundleError(f"output {path} exists and is not a directory")
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
