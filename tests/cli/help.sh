#!/usr/bin/env bash
# help.sh: every mpavs command answers --help with its usage and the option list
# of its mp_cfg table, parses flags the same way (mixed with positional
# arguments, "--" ends them, unknown flags and wrong argument counts exit 2),
# and reads neither a config file nor the environment. Prints TAP-like lines.
set -uo pipefail
ROOT=${MPAVS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
M=${MPAVS_BIN:-$ROOT/build/san/bin}/mpavs
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/support/tap.sh"

# COMMAND... | flags its --help must list ("-" for none)
while IFS='|' read -r cmd flags; do
    # shellcheck disable=SC2086
    out=$("$M" $cmd --help 2>&1)
    rc=$?
    miss=""
    for f in $flags; do
        [ "$f" = - ] && f="options: none"
        grep -qe "$f" <<<"$out" || miss+=" $f"
    done
    if [ $rc -eq 0 ] && grep -q "^usage: mpavs $cmd" <<<"$out" && grep -q "^options:" <<<"$out" && [ -z "$miss" ]; then
        ok "$cmd --help lists its options"
    else
        notok "$cmd --help" "exit $rc, missing:$miss" "$(head -3 <<<"$out")"
    fi
done <<'CMDS'
keccak|--text TEXT
abi encode|--packed
abi calldata|-
abi decode|-
abi selector|-
abi topic|-
key new|--out OUT --password-file --light (required)
key show|--password-file PASSWORD_FILE
tx send|--rpc RPC --key-file --password-file --to --value --gas --max-fee-cap --timeout --data
bn254 add|-
bn254 mul|-
bn254 pairing|-
bls hash-to-g1|-
bls pubkey|-
bls sign|-
bls verify|-
bls aggregate|-
bls keygen|--out --password-file --light
bls show|--password-file
quote verify|--quote --tcb-info --qe-identity --root-ca --pck-crl --root-crl --tcb-signing-cert --at --allow-status --mrenclave --mrsigner --allow-debug --any-enclave --no-revocation-check
quote show|-
sim-ca init|--days --at --tcb-status --qe-status --revoke-pck
sim-ca quote|--report-data --out --mrenclave --mrsigner --isvprodid --isvsvn --debug --hex
prover call|--url URL
CMDS

# Flags after positional arguments, --name=value, and "--" before an argument that looks like a flag.
same "keccak --text=abc is keccak of the text" "$("$M" keccak --text=abc)" "$("$M" keccak 0x616263)"
enc=$("$M" abi encode 'f(string,int8)' -- --x -1)
same "\"--\" ends the flags: --x is an argument" "$("$M" abi decode 'string,int8' "$enc")" '["--x","-1"]'
same "a flag after the arguments" "$("$M" abi encode 'f(uint8)' 7 --packed)" 0x07

# Errors: exit 2 with the problem named.
err=$("$M" bls sign 0x01 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "1 positional argument given, 2 wanted" <<<"$err"; then ok "wrong argument count: exit 2"; else notok "argument count" "exit $rc: $err"; fi
err=$("$M" key show k.json --frob 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "unknown option --frob" <<<"$err"; then ok "unknown flag: exit 2 naming it"; else notok "unknown flag" "exit $rc: $err"; fi
err=$("$M" key new --password-file 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "needs a value" <<<"$err"; then ok "flag without value: exit 2"; else notok "flag without value" "exit $rc: $err"; fi
err=$("$M" key new --light 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "out is required" <<<"$err"; then ok "missing required flag: exit 2"; else notok "required flag" "exit $rc: $err"; fi
err=$(MPAVS_KEY_NEW_OUT=$T/x.json "$M" key new --light --password-file /dev/null 2>&1)
rc=$?
if [ $rc -eq 2 ] && [ ! -e "$T/x.json" ]; then ok "the environment does not set flags"; else notok "environment" "exit $rc: $err"; fi
echo '{"text":"abc"}' >"$T/c.json"
err=$("$M" keccak --config "$T/c.json" 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "unknown option --config" <<<"$err"; then ok "no --config for the CLI"; else notok "--config" "exit $rc: $err"; fi
echo "1..$n"
