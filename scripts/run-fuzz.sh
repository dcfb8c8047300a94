#!/usr/bin/env bash
# run-fuzz.sh SECONDS: runs each libFuzzer target for SECONDS on its seed corpus
# (tests/fuzz/corpus/<target>/, copied so the repo is not written) and prints one
# TAP-like line per target. Crashes are saved under build/fuzz/crashes/.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
n=0
status=0
mkdir -p build/fuzz/crashes
for f in build/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f")
    n=$((n + 1))
    work="build/fuzz/corpus/$name"
    mkdir -p "$work"
    [ -d "tests/fuzz/corpus/$name" ] && cp -rn "tests/fuzz/corpus/$name/." "$work/" 2>/dev/null
    if "$f" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="build/fuzz/crashes/$name-" "$work" >"build/fuzz/$name.log" 2>&1; then
        echo "ok $n - $name ($secs s, $(grep -o 'stat::number_of_executed_units: [0-9]*' "build/fuzz/$name.log" | awk '{print $2}') runs)"
    else
        echo "not ok $n - $name (see build/fuzz/$name.log)"
        tail -n 30 "build/fuzz/$name.log" | sed 's/^/# /'
        status=1
    fi
done
exit $status
