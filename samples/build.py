#!/usr/bin/env python3
"""Build every guest sample into samples/out/<sample>-<lang>.wasm.

Each sample is a directory samples/<sample>/ whose entry files follow one naming
rule per language:

    c      <sample>/*.c                (zig cc, from the PyPI package `ziglang`)
    zig    <sample>/<sample>.zig       (zig build-exe, same package)
    rust   <sample>/<sample>.rs        (Debian rustc 1.63 + libstd-rust-dev-wasm32)
    go     <sample>/*.go               (Debian backports golang-1.23, GOOS=wasip1)
    as     <sample>/as/<sample>.ts     (npm assemblyscript + @assemblyscript/wasi-shim)
    wat    <sample>/<sample>.wat       (wasmtime.wat2wasm, from the host's own dependency)
    py     python/<sample>/app.py      (`portable-fn build`: componentize-py, WIT from samples/js)
    js     js/<sample>/<sample>.js     (node js/build.mjs: npm componentize-js, in samples/js)

Builds are incremental: an output newer than its sources and this script is kept.
A missing toolchain is an error that names the install step; nothing is skipped.
The C build of `hello` is also copied to portable_fn/demo/hello.wasm.

    python samples/build.py [--only echo,hello] [--lang c,rust] [--force]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent
REPO = SAMPLES.parent
OUT = SAMPLES / "out"
DEMO = REPO / "portable_fn" / "demo" / "hello.wasm"
DEMO_SAMPLE = ("hello", "c")

INSTALL = "bash samples/install-toolchains.sh"
GO = Path("/usr/lib/go-1.23/bin/go")
RUSTC = Path("/usr/bin/rustc")
RUST_WASM_STD = Path("/usr/lib/rustlib/wasm32-wasi")
STACK_SIZE = 65536
# Guests that should be as small as possible rather than as fast as possible.
SIZE_OPTIMIZED = frozenset({"hello"})


class BuildError(Exception):
    """A build step failed or a toolchain is missing."""


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Lang:
    """How to find one language's sources in a sample, check its toolchain, build it."""

    name: str
    find: Callable[[Path], tuple[Path, ...]]
    check: Callable[[], str | None]
    build: Callable[[Target], None]
    extra_sources: Callable[[Path], tuple[Path, ...]] = field(default=lambda _d: ())


# --- running tools -------------------------------------------------------------------


def run(cmd: Sequence[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    """Runs one build command; raises BuildError with its output when it fails."""
    result = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        shown = " ".join(str(c) for c in cmd)
        raise BuildError(f"command failed ({result.returncode}): {shown}\n{result.stdout}{result.stderr}")


def zig() -> list[str]:
    return [sys.executable, "-m", "ziglang"]


# --- toolchain checks: None when present, else the message naming the install step ---


def check_zig() -> str | None:
    probe = subprocess.run([*zig(), "version"], capture_output=True, text=True, check=False)
    if probe.returncode == 0:
        return None
    return (
        f"C and Zig need the PyPI package 'ziglang' for {sys.executable}: "
        "run `pip install -e '.[dev]'` (or `pip install ziglang`)"
    )


def check_rust() -> str | None:
    missing = [str(p) for p in (RUSTC, RUST_WASM_STD) if not p.exists()]
    if shutil.which("rust-lld") is None:
        missing.append("rust-lld")
    if not missing:
        return None
    return (
        f"Rust needs Debian's rustc with the wasm32-wasi std and lld ({', '.join(missing)} missing): "
        f"run `{INSTALL}` (apt-get install rustc libstd-rust-dev-wasm32 lld-14)"
    )


def check_go() -> str | None:
    if GO.exists():
        return None
    return f"Go needs {GO}: run `{INSTALL}` (apt-get install golang-1.23 from bookworm-backports)"


def check_as() -> str | None:
    missing = [] if shutil.which("node") else ["node"]
    if not (SAMPLES / "echo" / "as" / "node_modules" / ".bin" / "asc").exists():
        missing.append("samples/echo/as/node_modules")
    if not missing:
        return None
    return f"AssemblyScript needs {', '.join(missing)}: run `{INSTALL}` (npm ci in samples/echo/as)"


def check_wat() -> str | None:
    try:
        import wasmtime  # noqa: F401
    except ImportError:
        return f"WAT needs the PyPI package 'wasmtime' for {sys.executable}: run `pip install -e .`"
    return None


# --- builders ------------------------------------------------------------------------


def build_c(target: Target) -> None:
    run(
        [
            *zig(), "cc", "--target=wasm32-wasi",
            "-Oz" if target.small else "-O2",
            "-Wall", "-Wextra", "-s",
            f"-Wl,-z,stack-size={STACK_SIZE}",
            "-o", target.output,
            *target.sources,
        ]
    )  # fmt: skip


def build_zig(target: Target) -> None:
    run(
        [
            *zig(), "build-exe", "-target", "wasm32-wasi",
            "-O", "ReleaseSmall" if target.small else "ReleaseFast",
            "--stack", str(STACK_SIZE), "-fstrip",
            f"-femit-bin={target.output}",
            target.entry,
        ]
    )  # fmt: skip


def build_rust(target: Target) -> None:
    run(
        [
            RUSTC, "--edition", "2021", "--target", "wasm32-wasi",
            "-C", "opt-level=s" if target.small else "opt-level=3",
            "-C", f"link-arg=-zstack-size={STACK_SIZE}",
            "-C", "strip=symbols",
            "-o", target.output,
            target.entry,
        ],
        cwd=OUT,
    )  # fmt: skip


def build_go(target: Target) -> None:
    env = {
        "GOOS": "wasip1",
        "GOARCH": "wasm",
        "GOCACHE": str(OUT / ".go-cache"),
        "GOPATH": str(OUT / ".go-path"),
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOFLAGS": "",
        "GO111MODULE": "off",
    }
    run([GO, "build", "-trimpath", "-ldflags=-s -w", "-o", target.output, *target.sources], env=env)


def build_as(target: Target) -> None:
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


def build_wat(target: Target) -> None:
    import wasmtime

    try:
        binary = wasmtime.wat2wasm(target.entry.read_text(encoding="utf-8"))
    except wasmtime.WasmtimeError as error:
        raise BuildError(f"{target.entry}: {error}") from error
    target.output.write_bytes(bytes(binary))


# --- discovery -----------------------------------------------------------------------


def named(ext: str) -> Callable[[Path], tuple[Path, ...]]:
    """Finds the single entry file <sample>/<sample>.<ext>."""

    def find(directory: Path) -> tuple[Path, ...]:
        entry = directory / f"{directory.name}.{ext}"
        return (entry,) if entry.is_file() else ()

    return find


def every(ext: str) -> Callable[[Path], tuple[Path, ...]]:
    """Finds all <sample>/*.<ext> files, compiled together as one program."""

    def find(directory: Path) -> tuple[Path, ...]:
        return tuple(sorted(directory.glob(f"*.{ext}")))

    return find


def assemblyscript(directory: Path) -> tuple[Path, ...]:
    entry = directory / "as" / f"{directory.name}.ts"
    return (entry,) if entry.is_file() else ()


def as_project_files(directory: Path) -> tuple[Path, ...]:
    project = directory / "as"
    return (*sorted(project.glob("*.ts")), project / "package-lock.json")


def c_headers(directory: Path) -> tuple[Path, ...]:
    return tuple(sorted(directory.glob("*.h")))


# --- components: samples/python/<sample>/app.py (WSGI) and samples/js/<sample>/<sample>.js ---

COMPONENT_DIRS = {"python": "py", "js": "js"}
JS_TOOLCHAIN = SAMPLES / "js"
PORTABLE_FN = REPO / "portable_fn"


def check_py() -> str | None:
    if not (Path(sys.executable).with_name("componentize-py").is_file() or shutil.which("componentize-py")):
        return "Python components need componentize-py: run `pip install -e '.[dev]'` (pins componentize-py)"
    return check_js()


def check_js() -> str | None:
    if shutil.which("node") and (JS_TOOLCHAIN / "node_modules" / "@bytecodealliance" / "jco").is_dir():
        return None
    return f"Python and JS components need node and samples/js/node_modules: run `{INSTALL}` (npm ci in samples/js)"


def build_py(target: Target) -> None:
    app_dir = target.entry.parent
    command: list[str | Path] = [sys.executable, "-m", "portable_fn", "build", app_dir, "-o", target.output]
    run([*command, "--toolchain-dir", JS_TOOLCHAIN], cwd=REPO)


def build_js(target: Target) -> None:
    run(["node", JS_TOOLCHAIN / "build.mjs", target.entry, target.output], cwd=JS_TOOLCHAIN)


def component_targets() -> list[Target]:
    """samples/python/<sample>/app.py (+ requirements.txt) and samples/js/<sample>/<sample>.js."""
    targets = []
    for app in sorted((SAMPLES / "python").glob("*/app.py")):
        extra = [p for p in (app.parent / "requirements.txt",) if p.exists()]
        sources = (app, *extra, PORTABLE_FN / "build.py", PORTABLE_FN / "wsgi_guest.py")
        targets.append(Target(app.parent.name, "py", app, sources))
    for script in sorted((SAMPLES / "js").glob("*/*.js")):
        if script.stem == script.parent.name:
            sources = (script, JS_TOOLCHAIN / "build.mjs", JS_TOOLCHAIN / "package-lock.json")
            targets.append(Target(script.stem, "js", script, sources))
    return targets


LANGS: dict[str, Lang] = {
    lang.name: lang
    for lang in (
        Lang("c", every("c"), check_zig, build_c, c_headers),
        Lang("zig", named("zig"), check_zig, build_zig),
        Lang("rust", named("rs"), check_rust, build_rust),
        Lang("go", every("go"), check_go, build_go),
        Lang("as", assemblyscript, check_as, build_as, as_project_files),
        Lang("wat", named("wat"), check_wat, build_wat),
        Lang("py", lambda _d: (), check_py, build_py),
        Lang("js", lambda _d: (), check_js, build_js),
    )
}


def discover() -> list[Target]:
    """Every (sample, language) pair present under samples/."""
    targets = []
    for directory in sorted(p for p in SAMPLES.iterdir() if p.is_dir() and p != OUT and not p.name.startswith(".")):
        if directory.name in COMPONENT_DIRS:
            continue
        for lang in LANGS.values():
            found = lang.find(directory)
            if found:
                sources = tuple(dict.fromkeys((*found, *lang.extra_sources(directory))))
                targets.append(Target(directory.name, lang.name, found[0], sources))
    return targets + component_targets()


def select(targets: list[Target], only: set[str] | None, langs: set[str] | None) -> list[Target]:
    """Applies --only and --lang; unknown names are errors, not silent no-ops."""
    known_samples = {t.sample for t in targets}
    for wanted, known, what in ((only, known_samples, "sample"), (langs, set(LANGS), "language")):
        unknown = sorted((wanted or set()) - known)
        if unknown:
            raise BuildError(f"unknown {what}(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    chosen = [t for t in targets if (only is None or t.sample in only) and (langs is None or t.lang in langs)]
    if not chosen:
        raise BuildError("nothing to build for that selection")
    return chosen


# --- building ------------------------------------------------------------------------


def check_toolchains(targets: list[Target]) -> None:
    """Fails before building anything when a needed toolchain is missing."""
    problems = dict.fromkeys(p for p in (LANGS[lang].check() for lang in sorted({t.lang for t in targets})) if p)
    if problems:
        raise BuildError("missing toolchain:\n  " + "\n  ".join(problems))


def is_fresh(target: Target) -> bool:
    if not target.output.exists():
        return False
    built = target.output.stat().st_mtime
    return all(src.stat().st_mtime <= built for src in (*target.sources, Path(__file__)))


def build_one(target: Target, force: bool) -> bool:
    """Builds one target unless it is fresh; returns whether it was built."""
    if not force and is_fresh(target):
        return False
    target.output.unlink(missing_ok=True)
    LANGS[target.lang].build(target)
    if not target.output.is_file():
        raise BuildError(f"{target.output} was not produced")
    return True


def update_demo(target: Target) -> None:
    """Copies the hello C build to portable_fn/demo/hello.wasm when it differs."""
    data = target.output.read_bytes()
    if DEMO.exists() and DEMO.read_bytes() == data:
        return
    DEMO.parent.mkdir(parents=True, exist_ok=True)
    DEMO.write_bytes(data)
    print(f"copied  {DEMO.relative_to(REPO)}  {len(data)} bytes")


def build_all(targets: list[Target], force: bool) -> int:
    """Builds the targets in order; returns the number of failures."""
    OUT.mkdir(exist_ok=True)
    failures = 0
    for target in targets:
        try:
            state = "built" if build_one(target, force) else "fresh"
        except BuildError as error:
            failures += 1
            print(f"FAILED  {target.output.relative_to(REPO)}\n{error}", file=sys.stderr)
            continue
        print(f"{state}   {target.output.relative_to(REPO)}  {target.output.stat().st_size} bytes")
        if (target.sample, target.lang) == DEMO_SAMPLE:
            update_demo(target)
    return failures


def split(value: str | None) -> set[str] | None:
    return None if value is None else {part.strip() for part in value.split(",") if part.strip()}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", metavar="NAME[,NAME]", help="build only these samples")
    parser.add_argument("--lang", metavar="LANG[,LANG]", help=f"build only these languages ({', '.join(LANGS)})")
    parser.add_argument("--force", action="store_true", help="rebuild even when outputs are fresh")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        targets = select(discover(), split(args.only), split(args.lang))
        check_toolchains(targets)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    failures = build_all(targets, args.force)
    if failures:
        print(f"error: {failures} build(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
