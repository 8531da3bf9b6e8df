"""Rust: <sample>/<sample>.rs with Debian's rustc 1.63, its wasm32-wasi std and lld (no cargo)."""

from __future__ import annotations

import shutil
from pathlib import Path

from buildtools.target import INSTALL, OUT, STACK_SIZE, Language, Target, named, per_sample, run

RUSTC = Path("/usr/bin/rustc")
RUST_WASM_STD = Path("/usr/lib/rustlib/wasm32-wasi")


def missing_rust() -> str | None:
    """None when rustc, the wasm32-wasi std and rust-lld are installed, else the install step."""
    missing = [str(path) for path in (RUSTC, RUST_WASM_STD) if not path.exists()]
    if shutil.which("rust-lld") is None:
        missing.append("rust-lld")
    if not missing:
        return None
    return (
        f"Rust needs Debian's rustc with the wasm32-wasi std and lld ({', '.join(missing)} missing): "
        f"run `{INSTALL}` (apt-get install rustc libstd-rust-dev-wasm32 lld-14)"
    )


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


RUST = Language("rust", Path(__file__), per_sample("rust", named("rs")), missing_rust, build_rust)
