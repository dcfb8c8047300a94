#!/usr/bin/env bash
# operator.sh: "mpavs operator register|deregister|status" against a real anvil with the
# contracts deployed in simulation mode: stake and registration (tx hashes printed), status
# read back from the chain, a second register sends nothing, a registration below the
# minimum stake exits 1 naming the contract's custom error, deregistration, and bad input.
set -uo pipefail
ROOT=${MPAVS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
M=${MPAVS_BIN:-$ROOT/build/san/bin}/mpavs
CAST=$ROOT/node_modules/.bin/cast
ANVIL=$ROOT/node_modules/.bin/anvil
T=$(mktemp -d)
. "$ROOT/tests/support/tap.sh"
DEV_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 # anvil's account 0

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RPC=http://127.0.0.1:$port
"$ANVIL" --hardfork osaka --silent --host 127.0.0.1 --port "$port" >"$T/anvil.log" 2>&1 &
apid=$!
trap 'kill $apid 2>/dev/null; wait $apid 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do
    "$CAST" chain-id --rpc-url "$RPC" >/dev/null 2>&1 && break
    sleep 0.1
done

"$M" sim-ca init "$T/ca" >"$T/ca.log" 2>&1
if DEPLOYER_PRIVATE_KEY=$DEV_KEY "$ROOT/scripts/deploy-contracts.sh" --rpc-url "$RPC" \
    --sim-ca "$T/ca" --out "$T/d.json" >"$T/deploy.log" 2>&1; then
    ok "contracts deployed"
else
    notok "contracts deployed" "$(tail -20 "$T/deploy.log")"
    exit 1
fi
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/d.json" "$1"; }
token=$(field stakeToken)

printf 'pw\n' >"$T/pw"
# An operator with ETH for gas and 5e18 stake tokens (minted by the deployer, the token's owner).
new_operator() {
    local a
    a=$("$M" key new --out "$T/$1.json" --password-file "$T/pw" --light)
    "$M" bls keygen --out "$T/$1.bls.json" --password-file "$T/pw" --light >/dev/null
    "$CAST" rpc anvil_setBalance "$a" 0x8ac7230489e80000 --rpc-url "$RPC" >/dev/null
    "$CAST" send --private-key $DEV_KEY --rpc-url "$RPC" "$token" 'mint(address,uint256)' "$a" \
        5000000000000000000 >/dev/null
    echo "$a"
}
op() {
    local cmd=$1 who=$2
    shift 2
    "$M" operator "$cmd" --rpc "$RPC" --deployment "$T/d.json" --ecdsa-key "$T/$who.json" \
        --ecdsa-password-file "$T/pw" "$@"
}
keys() { echo --bls-key "$T/$1.bls.json" --bls-password-file "$T/pw"; }
jget() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval("d"+sys.argv[2]))' "$1" "$2" 2>/dev/null; }

a=$(new_operator alice)
out=$(op register alice $(keys alice) --stake 2000000000000000000 --socket http://alice:9000 2>&1)
rc=$?
if [ $rc -eq 0 ] && grep -q '^vault deposit: tx 0x[0-9a-f]\{64\}' <<<"$out" &&
    grep -q '^registerOperator: tx 0x[0-9a-f]\{64\}' <<<"$out" && grep -q 'operatorId 0x' <<<"$out"; then
    ok "register: stake and registration sent, tx hashes printed"
else
    notok "register" "exit $rc" "$out"
fi

st=$(op status alice 2>&1)
same "status: REGISTERED" "$(jget "$st" '["status"]')" REGISTERED
same "status: the operator's address" "$(jget "$st" '["operator"]')" "$a"
same "status: quorum 0 with the stake" "$(jget "$st" '["quorums"][0]')" \
    "{'quorum': 0, 'stake': '2000000000000000000'}"
same "status: not live before any liveness proof" "$(jget "$st" '["liveness"]["live"]')" False
same "status by --operator equals status by key" \
    "$("$M" operator status --rpc "$RPC" --deployment "$T/d.json" --operator "$a")" "$st"

out=$(op register alice $(keys alice) 2>&1)
if [ $? -eq 0 ] && grep -q 'already registered' <<<"$out" && ! grep -q 'tx 0x' <<<"$out"; then
    ok "register again: nothing sent"
else
    notok "register again" "$out"
fi

new_operator bob >/dev/null
out=$(op register bob $(keys bob) --stake 1000 2>&1)
rc=$?
if [ $rc -eq 1 ] && grep -q 'registerOperator reverted: BelowMinimumStakeRequirement()' <<<"$out"; then
    ok "stake below the minimum: exit 1 with the custom error's name"
else
    notok "stake below the minimum" "exit $rc" "$out"
fi

out=$(op deregister alice 2>&1)
rc=$?
if [ $rc -eq 0 ] && grep -q '^deregisterOperator: tx 0x[0-9a-f]\{64\}' <<<"$out"; then
    ok "deregister: tx printed"
else
    notok "deregister" "exit $rc" "$out"
fi
same "status after deregistration" "$(jget "$(op status alice)" '["status"]')" DEREGISTERED
out=$(op deregister alice 2>&1)
if [ $? -eq 0 ] && grep -q 'not registered (nothing sent)' <<<"$out"; then ok "deregister again: nothing sent"; else notok "deregister again" "$out"; fi

"$M" operator register --rpc "$RPC" >/dev/null 2>&1
same "missing --deployment: exit 2" "$?" 2
op deregister alice --quorums 3,1 >/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -q 'ascending' "$T/err"; then ok "unsorted quorums: exit 2"; else notok "unsorted quorums" "exit $rc: $(cat "$T/err")"; fi
printf 'nope\n' >"$T/bad"
"$M" operator register --rpc "$RPC" --deployment "$T/d.json" --ecdsa-key "$T/alice.json" \
    --ecdsa-password-file "$T/bad" $(keys alice) >/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -q 'wrong password' "$T/err"; then ok "wrong password: exit 2"; else notok "wrong password" "exit $rc: $(cat "$T/err")"; fi
