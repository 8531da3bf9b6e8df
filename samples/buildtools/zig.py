"""C and Zig, both compiled by the zig toolchain from the PyPI package ``ziglang``.

c      <sample>/*.c (+ *.h)     zig cc --target=wasm32-wasi
zig    <sample>/<sample>.zig    zig build-exe -target wasm32-wasi
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from buildtools.target import STACK_SIZE, Language, Target, named, per_sample, run

ZIG_COMMAND = (sys.executable, "-m", "ziglang")


def missing_zig() -> str | None:
    """None when ``python -m ziglang`` runs, else the install step."""
    probe = subprocess.run([*ZIG_COMMAND, "version"], capture_output=True, text=True, check=False)
    if probe.returncode == 0:
        return None
    return (
        f"C and Zig need the PyPI package 'ziglang' for {sys.executable}: "
        "run `pip install -e '.[dev]'` (or `pip install ziglang`)"
    )


def c_sources(directory: Path) -> tuple[Path, ...]:
    """All <sample>/*.c compiled together as one program, then the headers they include."""
    programs = tuple(sorted(directory.glob("*.c")))
    return (*programs, *sorted(directory.glob("*.h"))) if programs else ()


def build_c(target: Target) -> None:
    run(
        [
            *ZIG_COMMAND, "cc", "--target=wasm32-wasi",
            "-Oz" if target.small else "-O2",
            "-Wall", "-Wextra", "-s",
            f"-Wl,-z,stack-size={STACK_SIZE}",
            "-o", target.output,
            *(source for source in target.sources if source.suffix == ".c"),
        ]
    )  # fmt: skip


def build_zig(target: Target) -> None:
    run(
        [
            *ZIG_COMMAND, "build-exe", "-target", "wasm32-wasi",
            "-O", "ReleaseSmall" if target.small else "ReleaseFast",
            "--stack", str(STACK_SIZE), "-fstrip",
            f"-femit-bin={target.output}",
            target.entry,
        ]
    )  # fmt: skip


C = Language("c", Path(__file__), per_sample("c", c_sources), missing_zig, build_c)
ZIG = Language("zig", Path(__file__), per_sample("zig", named("zig")), missing_zig, build_zig)
