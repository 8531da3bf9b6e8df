"""What every toolchain module shares: where samples live, what a build target is, running a tool."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from portable_fn.errors import BuildError

SAMPLES = Path(__file__).resolve().parent.parent
REPO = SAMPLES.parent
OUT = SAMPLES / "out"
INSTALL = "bash samples/install-toolchains.sh"
STACK_SIZE = 65536
# Guests that should be as small as possible rather than as fast as possible.
SIZE_OPTIMIZED = frozenset({"hello"})
# Component sources live one level down (samples/python/<sample>, samples/js/<sample>), not as samples.
COMPONENT_DIRS = frozenset({"python", "js"})


@dataclass(frozen=True, slots=True)
class Target:
    """One output file: a sample built from one language's sources."""

    sample: str
    lang: str
    entry: Path
    sources: tuple[Path, ...]

    @property
    def output(self) -> Path:
        return OUT / f"{self.sample}-{self.lang}.wasm"

    @property
    def small(self) -> bool:
        return self.sample in SIZE_OPTIMIZED


@dataclass(frozen=True, slots=True)
class Language:
    """One language: its targets under samples/, whether its toolchain is installed, how to build.

    ``recipe`` is the module that builds it: editing that module makes its outputs stale.
    ``missing`` returns None when the toolchain is present, else a message naming the install step.
    """

    name: str
    recipe: Path
    discover: Callable[[], list[Target]]
    missing: Callable[[], str | None]
    build: Callable[[Target], None]


def run(command: Sequence[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    """Run one build command; raises BuildError carrying its output when it fails."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        shown = " ".join(str(part) for part in command)
        raise BuildError(f"command failed ({result.returncode}): {shown}\n{result.stdout}{result.stderr}")


def sample_dirs() -> list[Path]:
    """Every samples/<sample>/ directory holding per-language sources (not out/, not the component trees)."""
    return sorted(
        path
        for path in SAMPLES.iterdir()
        if path.is_dir() and path != OUT and path.name not in COMPONENT_DIRS and path.name[0] not in "._"
    )


def per_sample(lang: str, find: Callable[[Path], tuple[Path, ...]]) -> Callable[[], list[Target]]:
    """Discovery for languages kept inside each sample's directory: ``find`` returns the entry file
    first, then every other file the build reads (empty when the sample has no such sources)."""

    def discover() -> list[Target]:
        found = ((directory, find(directory)) for directory in sample_dirs())
        return [Target(directory.name, lang, files[0], files) for directory, files in found if files]

    return discover


def named(ext: str) -> Callable[[Path], tuple[Path, ...]]:
    """Finds the single entry file <sample>/<sample>.<ext>."""

    def find(directory: Path) -> tuple[Path, ...]:
        entry = directory / f"{directory.name}.{ext}"
        return (entry,) if entry.is_file() else ()

    return find
