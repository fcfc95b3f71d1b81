#!/bin/sh
# Installs the Debian 12 packages weft builds, tests and benchmarks with.
# Idempotent: packages that `dpkg -s` already reports as installed are skipped,
# so a second run does no network I/O and needs no root.
set -eu

packages="
build-essential cmake g++ make pkg-config
libgtest-dev libgmock-dev libbenchmark-dev
clang libclang-rt-14-dev clang-format
libexpected-dev libfmt-dev libcli11-dev libboost1.81-dev
liburing-dev libssl-dev libnghttp2-dev libc-ares-dev libtomlplusplus-dev
zlib1g-dev libbrotli-dev libzstd-dev libsqlite3-dev
chromium
python3 curl
"

missing=""
for p in $packages; do
    if ! dpkg -s "$p" >/dev/null 2>&1; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "deps.sh: installing:$missing"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
