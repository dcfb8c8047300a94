#!/usr/bin/env bash
# forge_tap.sh: scripts/forge-tap.sh counts each forge test once, also the failing ones that
# forge repeats in its "Failing tests:" summary. A stand-in `forge` on PATH prints a recorded
# run (4 passing, 2 failing tests) so the check needs no compilation. Prints TAP-like lines.
set -uo pipefail
ROOT=${MPAVS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/support/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/forge" <<'FORGE'
#!/usr/bin/env bash
cat <<'OUT'
Ran 3 tests for test/unit/A.t.sol:ATest
[PASS] test_a() (gas: 100)
[FAIL: boom] test_b() (gas: 200)
[PASS] test_c() (gas: 300)
Suite result: FAILED. 2 passed; 1 failed; 0 skipped; finished in 1.00ms
Ran 2 tests for test/unit/B.t.sol:BTest
[PASS] test_d() (gas: 100)
[FAIL: next call did not revert as expected] test_e() (gas: 200)
Suite result: FAILED. 1 passed; 1 failed; 0 skipped; finished in 1.00ms
Ran 1 test for test/unit/C.t.sol:CTest
[PASS] test_f() (gas: 100)
Suite result: ok. 1 passed; 0 failed; 0 skipped; finished in 1.00ms

Ran 3 test suites in 2.00ms: 4 tests passed, 2 failed, 0 skipped (6 total tests)

Failing tests:
Encountered 1 failing test in test/unit/A.t.sol:ATest
[FAIL: boom] test_b() (gas: 200)

Encountered 1 failing test in test/unit/B.t.sol:BTest
[FAIL: next call did not revert as expected] test_e() (gas: 200)

Encountered a total of 2 failing tests, 4 tests succeeded
OUT
exit 1
FORGE
chmod +x "$tmp/forge"

out=$(PATH="$tmp:$PATH" bash "$ROOT/scripts/forge-tap.sh")
status=$?
same "passing tests counted once" "$(grep -c '^ok ' <<<"$out")" 4
same "failing tests counted once" "$(grep -c '^not ok ' <<<"$out")" 2
same "failure names kept" "$(grep '^not ok ' <<<"$out" | sed 's/^not ok [0-9]* - //')" \
    "$(printf '%s\n' '[FAIL: boom] test_b() (gas: 200)' \
        '[FAIL: next call did not revert as expected] test_e() (gas: 200)')"
same "forge's exit status passed on" "$status" 1
