#!/bin/sh
# Runs every benchmark built in $1 (default: build) and prints weft's ratio to its peers.
# Benchmarks are not tests: numbers depend on the machine; read them side by side.
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
python3 "$here/addr_ratios.py" "$build/bench/addr_bench"
sh "$here/echo/run.sh" "$build"
