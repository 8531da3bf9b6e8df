#!/usr/bin/env bash
# Install everything the test suite needs from this repository's own files, then build the
# sample guests. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
bash samples/install-toolchains.sh
python samples/build.py
