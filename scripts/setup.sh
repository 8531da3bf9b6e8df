#!/usr/bin/env bash
# Install everything the test suite needs from this repository's own files, then build the
# sample guests. Run it in a virtual environment (Debian's Python refuses pip installs: PEP 668).
#
# System-wide (needs root or sudo, and npm on PATH), see samples/install-toolchains.sh and
# scripts/install-arm64-python.sh: the bookworm-backports apt source; rustc,
# libstd-rust-dev-wasm32, lld-14, golang-1.23 and qemu-user from apt; the arm64 dpkg
# architecture and an arm64 Python 3.11 unpacked into /opt/arm64-python.
#
# A second run with nothing changed only checks (seconds): the pip and npm steps are skipped
# while their inputs (pyproject.toml, package-lock.json, the Python and node in use) are the
# same as at their last success; apt steps only query dpkg; samples/build.py is incremental.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib/stamps.sh

python3 - <<'PY' || exit 1
import pathlib, sys, sysconfig
managed = pathlib.Path(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED").exists()
if managed and sys.prefix == sys.base_prefix:
    sys.exit("error: this Python is the system's (PEP 668): first python3 -m venv .venv && . .venv/bin/activate")
PY

# Which Python, and which checkout its editable install points at: another checkout installed
# into the same environment since the last run makes the pip step run again.
install_origin() {
    python3 -c 'import importlib.metadata as m, sys
try: print(sys.prefix, m.distribution("portable-fn").read_text("direct_url.json"))
except m.PackageNotFoundError: print(sys.prefix, "not installed")'
}

pip_stamp=.setup-stamps/pip-dev
if is_stamped "$pip_stamp" "$(inputs_hash "$(install_origin)" pyproject.toml)"; then
    echo "python dev dependencies up to date"
else
    python3 -m pip install --quiet --disable-pip-version-check -e '.[dev]'
    stamp "$pip_stamp" "$(inputs_hash "$(install_origin)" pyproject.toml)"
fi
bash samples/install-toolchains.sh
# Optional: without it the arm64 bundle test skips (and says so); nothing else depends on it.
bash scripts/install-arm64-python.sh || echo "warning: no arm64 python under qemu; the arm64 bundle test will skip" >&2
python3 samples/build.py
