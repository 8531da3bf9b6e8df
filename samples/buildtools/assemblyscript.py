"""AssemblyScript: <sample>/as/<sample>.ts, npm assemblyscript + @assemblyscript/wasi-shim (stub runtime)."""

from __future__ import annotations

import shutil
from pathlib import Path

from buildtools.target import INSTALL, SAMPLES, Language, Target, per_sample, run

# The one npm project whose node_modules holds the compiler (installed by INSTALL).
COMPILER = SAMPLES / "echo" / "as" / "node_modules" / ".bin" / "asc"


def missing_assemblyscript() -> str | None:
    """None when node and the npm project's compiler are installed, else the install step."""
    missing = [] if shutil.which("node") else ["node"]
    if not COMPILER.exists():
        missing.append("samples/echo/as/node_modules")
    if not missing:
        return None
    return f"AssemblyScript needs {', '.join(missing)}: run `{INSTALL}` (npm ci in samples/echo/as)"


def project_sources(directory: Path) -> tuple[Path, ...]:
    """The entry <sample>/as/<sample>.ts first, then every file of its npm project the build reads."""
    project = directory / "as"
    entry = project / f"{directory.name}.ts"
    if not entry.is_file():
        return ()
    return tuple(dict.fromkeys((entry, *sorted(project.glob("*.ts")), project / "package-lock.json")))


def build_assemblyscript(target: Target) -> None:
    project = target.entry.parent
    run(
        [
            project / "node_modules" / ".bin" / "asc", target.entry.name,
            "--config", "./node_modules/@assemblyscript/wasi-shim/asconfig.json",
            "--runtime", "stub", "--noAssert",
            "-Oz" if target.small else "-O3",
            "-o", target.output,
        ],
        cwd=project,
    )  # fmt: skip


AS = Language("as", Path(__file__), per_sample("as", project_sources), missing_assemblyscript, build_assemblyscript)
