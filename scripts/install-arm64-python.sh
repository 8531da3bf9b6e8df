#!/usr/bin/env bash
# An aarch64 Python 3.11 under qemu-user, from Debian's packages: `portable-fn package aws` (with
# [aws] architecture = "arm64" and --cross-python ...) precompiles with it; the arm64 bundle test runs with it.
# Needs root. System-wide: installs qemu-user, adds the arm64 dpkg architecture, unpacks into
# /opt/arm64-python. Idempotent: a second run only checks.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
root=/opt/arm64-python
if [ -x "$root/usr/bin/python3.11" ] && command -v qemu-aarch64 >/dev/null; then
    echo "arm64 python ready"
    exit 0
fi
apt-get install -y -q --no-install-recommends qemu-user
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
fi
apt-get update -q
work=$(mktemp -d)
(cd "$work" && apt-get download python3.11-minimal:arm64 libpython3.11-minimal:arm64 libpython3.11-stdlib:arm64 \
    libc6:arm64 libexpat1:arm64 zlib1g:arm64 libffi8:arm64 libgcc-s1:arm64 libssl3:arm64 libbz2-1.0:arm64 liblzma5:arm64)
mkdir -p "$root"
for deb in "$work"/*_arm64.deb; do dpkg-deb -x "$deb" "$root"; done
rm -rf "$work"
echo "arm64 python ready"
