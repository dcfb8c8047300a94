#!/usr/bin/env bash
# forge-tap.sh: runs the Solidity tests and prints one TAP-like line per test.
# Arguments go to `forge test` (e.g. --match-contract X). Each test is counted once: only the
# lines inside a suite ("Ran N tests for ..." to "Suite result:") count, not forge's closing
# "Failing tests:" summary, which repeats every failure.
set -uo pipefail
cd "$(dirname "$0")/../contracts"
out=$(forge test "$@" 2>&1)
status=$?
echo "$out" | sed 's/^/# /'
n=0
while IFS= read -r line; do
    n=$((n + 1))
    case "$line" in
    "[PASS]"*) echo "ok $n - ${line#\[PASS\] }" ;;
    *) echo "not ok $n - $line" ;;
    esac
done < <(echo "$out" | awk '/^Ran [0-9]+ tests? for /{s=1} /^Suite result:/{s=0} s && /^\[(PASS|FAIL)/')
exit $status
