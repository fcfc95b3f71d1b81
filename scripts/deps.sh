#!/bin/sh
# Installs the Debian 12 packages weft builds, tests and benchmarks with.
# Idempotent: packages that `dpkg -s` already reports as installed are skipped,
# so a second run does no network I/O and needs no root.
set -eu

packages="
build-essential cmake ninja-build g++ make pkg-config
libgtest-dev libgmock-dev libbenchmark-dev
clang libclang-rt-14-dev clang-format
libexpected-dev libfmt-dev libcli11-dev libboost1.81-dev libboost-json1.81-dev
liburing-dev libssl-dev libnghttp2-dev libc-ares-dev libtomlplusplus-dev
zlib1g-dev libbrotli-dev libzstd-dev libsqlite3-dev
chromium
python3 python3-jsonschema curl
"

. "$(dirname "$0")/install_missing.sh"
# shellcheck disable=SC2086
install_missing deps.sh $packages
