#!/usr/bin/env bash
# devnet_script.sh (e2e): scripts/devnet.sh itself, as `make devnet` runs it: --help, a bad
# option, a fresh run until two states are confirmed (progress view lines), a second run that
# resumes from the same directory and confirms again, and that nothing is left running after
# either run. Loopback only, free ports, a temporary state directory.
set -uo pipefail
ROOT=${MPAVS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/support/tap.sh"
script=$ROOT/scripts/devnet.sh
dir=$(mktemp -d /tmp/mpavs-e2e-devnet-script.XXXXXX)
trap '[ -n "${MPAVS_KEEP_LOGS:-}" ] && echo "# kept $dir" || rm -rf "$dir"' EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 20); do
    base=$((20000 + (RANDOM % 120) * 100)) # below the ephemeral ports
    port_free "$base" && port_free $((base + 2)) && port_free $((base + 11)) && break
done

help=$("$script" --help)
if grep -q -- '--operators N' <<<"$help" && grep -q -- '--faulty-prover' <<<"$help" &&
    grep -q -- '--l2-block-time' <<<"$help" && grep -q -- '--liveness-validity' <<<"$help" &&
    grep -q -- '--base-port' <<<"$help"; then
    ok "--help lists the options"
else
    notok "--help lists the options" "$help"
fi
"$script" --operators many >/dev/null 2>"$dir/err"
same "a bad option exits 2" "$?" 2

# left_running: processes whose command line names the state directory or the L1 URL (sequencer)
left_running() { pgrep -f -- "$dir/|127\.0\.0\.1:$base" | wc -l; }

run() { # run LOGNAME ARGS...: the script under a bound
    timeout --kill-after=10 150 "$script" --dir "$dir/state" --base-port "$base" "${@:2}" \
        >"$dir/$1" 2>&1
}

run first.out --operators 3 --until-confirmed 2
rc=$?
sed 's/^/#   /' "$dir/first.out" | tail -8
same "fresh run: exits 0 after two confirmations" "$rc" 0
if grep -q 'liveness proof confirmed on chain (block [0-9]*, tx 0x[0-9a-f]\{64\}, gas [0-9]*)' "$dir/first.out" &&
    grep -q 'task [0-9]* created: identifier [12]' "$dir/first.out" &&
    grep -q 'task [0-9]* CONFIRMED on chain: .* tx 0x[0-9a-f]\{64\}, gas [0-9]*' "$dir/first.out" &&
    grep -q "status page: http://127.0.0.1:$((base + 2))/" "$dir/first.out"; then
    ok "fresh run: liveness proofs, tasks, confirmations with tx and gas, status page URL"
else
    notok "fresh run: liveness proofs, tasks, confirmations with tx and gas, status page URL"
fi
same "fresh run: nothing left running" "$(left_running)" 0
perms=$(stat -c %a "$dir/state/keys/op1.password" "$dir/state/keys/op1.bls.password" | sort -u)
same "keystore passwords are files of mode 0600" "$perms" 600

run second.out --operators 3 --until-confirmed 1
rc=$?
sed 's/^/#   /' "$dir/second.out" | tail -5
same "second run: exits 0 after a confirmation" "$rc" 0
if grep -q 'resuming from' "$dir/second.out" && grep -q 'contracts already deployed' "$dir/second.out" &&
    ! grep -q 'staking and registering' "$dir/second.out"; then
    ok "second run: resumes (no deployment, no registration)"
else
    notok "second run: resumes (no deployment, no registration)"
fi
same "second run: nothing left running" "$(left_running)" 0
