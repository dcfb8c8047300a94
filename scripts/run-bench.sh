#!/usr/bin/env bash
# run-bench.sh: runs every benchmark and writes the table to build/bench-report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(pwd)/node_modules/.bin:$PATH"
report=build/bench-report.md
{
    echo "# mpavs benchmarks"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    for b in build/rel/bench/bench_*; do
        [ -x "$b" ] && "$b"
    done
    for s in bench/*.sh; do
        [ -f "$s" ] && bash "$s"
    done
} | tee "$report"
echo
echo "report: $report"
