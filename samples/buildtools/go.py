"""Go: <sample>/*.go with Debian bookworm-backports golang-1.23 (GOOS=wasip1), std only, offline."""

from __future__ import annotations

from pathlib import Path

from buildtools.target import INSTALL, OUT, Language, Target, per_sample, run

GO_BINARY = Path("/usr/lib/go-1.23/bin/go")
# Offline and reproducible: no module proxy, no toolchain download, caches kept in out/.
GO_ENV = {
    "GOOS": "wasip1",
    "GOARCH": "wasm",
    "GOCACHE": str(OUT / ".go-cache"),
    "GOPATH": str(OUT / ".go-path"),
    "GOTOOLCHAIN": "local",
    "GOPROXY": "off",
    "GOFLAGS": "",
    "GO111MODULE": "off",
}


def missing_go() -> str | None:
    """None when the Go 1.23 toolchain is installed, else the install step."""
    if GO_BINARY.exists():
        return None
    return f"Go needs {GO_BINARY}: run `{INSTALL}` (apt-get install golang-1.23 from bookworm-backports)"


def go_sources(directory: Path) -> tuple[Path, ...]:
    """All <sample>/*.go, compiled together as one program."""
    return tuple(sorted(directory.glob("*.go")))


def build_go(target: Target) -> None:
    run([GO_BINARY, "build", "-trimpath", "-ldflags=-s -w", "-o", target.output, *target.sources], env=GO_ENV)


GO = Language("go", Path(__file__), per_sample("go", go_sources), missing_go, build_go)
