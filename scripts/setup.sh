#!/usr/bin/env bash
# Install everything the test suite needs from this repository's own files, then build the
# sample guests. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
bash samples/install-toolchains.sh
# Optional: without it the arm64 bundle test skips (and says so); nothing else depends on it.
bash scripts/install-arm64-python.sh || echo "warning: no arm64 python under qemu; the arm64 bundle test will skip" >&2
python samples/build.py
