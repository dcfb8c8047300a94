#!/usr/bin/env bash
# run-tests.sh: runs every test of every kind and ends with one line
# "N passed, N failed" that counts them all.
#
# Each suite prints TAP-like lines ("ok N - name" / "not ok N - name"); this
# script counts them. A suite that dies without reporting a failure (crash,
# sanitizer abort, timeout) counts as one failed test, so nothing fails silently.
# Logs of every suite are kept in build/test-logs/.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export MPAVS_ROOT="$ROOT"
export MPAVS_BIN="$ROOT/build/san/bin"
export PATH="$ROOT/node_modules/.bin:$PATH"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
LOGS="$ROOT/build/test-logs"
rm -rf "$LOGS" && mkdir -p "$LOGS"

total_pass=0
total_fail=0
failed_names=()

# record NAME LOGFILE STATUS: counts the TAP lines of one finished suite.
record() {
    local name=$1 log=$2 status=$3 pass fail
    pass=$(grep -c '^ok ' "$log")
    fail=$(grep -c '^not ok ' "$log")
    while IFS= read -r line; do failed_names+=("$name: ${line#not ok }"); done < <(grep '^not ok ' "$log")
    if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1
        failed_names+=("$name: exited with status $status (see $log)")
    fi
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    printf '%-44s %4d passed, %d failed\n' "$name" "$pass" "$fail"
}

# run_suite NAME TIMEOUT CMD...: runs a command whose output is TAP-like.
run_suite() {
    local name=$1 limit=$2 log
    shift 2
    log="$LOGS/${name//\//_}.log"
    timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
    record "$name" "$log" $?
}

for t in build/san/tests/unit/test_*; do
    [ -x "$t" ] && run_suite "unit/$(basename "$t")" 900 "$t"
done
for t in build/san/tests/integration/test_*; do
    [ -x "$t" ] && run_suite "integration/$(basename "$t")" 900 "$t"
done
for t in tests/cli/*.sh tests/e2e/*.sh; do
    [ -f "$t" ] && run_suite "${t#tests/}" 1800 bash "$t"
done
if ls build/fuzz/fuzz_* >/dev/null 2>&1; then
    run_suite "fuzz/smoke" 900 scripts/run-fuzz.sh "${MPAVS_FUZZ_SMOKE_SECONDS:-10}"
fi
if [ -f contracts/foundry.toml ]; then
    run_suite "solidity/forge-test" 2400 scripts/forge-tap.sh
fi
run_suite "style/format" 300 scripts/check-format.sh

echo
if [ ${#failed_names[@]} -gt 0 ]; then
    echo "failures:"
    printf '  %s\n' "${failed_names[@]}"
    echo
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
