#!/usr/bin/env bash
# Install the toolchains that samples/build.py needs, from package registries only.
# Idempotent and non-interactive. C and Zig come from the PyPI package `ziglang`,
# pinned by the project's dev extra (pip install -e '.[dev]'), not installed here.
# System-wide, with root or sudo: the bookworm-backports apt source, then rustc,
# libstd-rust-dev-wasm32, lld-14 and golang-1.23. npm must already be on PATH.
# npm ci runs again only when a package-lock.json or node changed since its last success.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../scripts/lib/stamps.sh"
export DEBIAN_FRONTEND=noninteractive

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v npm >/dev/null; then
    echo "error: npm is needed (Node.js >= 18): on Debian, sudo apt-get install nodejs npm" >&2
    exit 1
fi

backports=/etc/apt/sources.list.d/bookworm-backports.list
if [ ! -f "$backports" ]; then
    echo "deb http://deb.debian.org/debian bookworm-backports main" | sudo_if_needed tee "$backports" >/dev/null
    sudo_if_needed apt-get update -q
fi

need=()
for pkg in rustc libstd-rust-dev-wasm32 lld-14 golang-1.23-go; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
    sudo_if_needed apt-get update -q
    sudo_if_needed apt-get install -y -q --no-install-recommends rustc libstd-rust-dev-wasm32 lld-14 golang-1.23
fi

if ! python3 -m ziglang version >/dev/null 2>&1; then
    echo "note: PyPI 'ziglang' missing: run pip install -e '.[dev]' (C and Zig samples need it)" >&2
fi

npm_ci_once "$here/echo/as"
# JS components (componentize-js) and the WASI WIT files (jco) that Python components use too.
npm_ci_once "$here/js"
echo "toolchains ready"
