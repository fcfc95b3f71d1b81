#!/bin/sh
# Runs each libFuzzer target built in $1 for $2 seconds, on a scratch copy of its corpus
# (new inputs are not written into the repository; add the interesting ones by hand).
set -eu
build=$1
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
for bin in "$build"/fuzz/*_fuzz; do
    name=$(basename "$bin" _fuzz)
    work=$(mktemp -d)
    cp -r "$here/corpus/$name/." "$work/" 2>/dev/null || true
    dict=""
    if [ -f "$here/$name.dict" ]; then dict="-dict=$here/$name.dict"; fi
    echo "== fuzz $name for ${seconds}s"
    "$bin" -max_total_time="$seconds" -print_final_stats=1 $dict "$work" 2>&1 | tail -n 12
    rm -rf "$work"
done
