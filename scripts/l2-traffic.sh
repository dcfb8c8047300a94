#!/usr/bin/env bash
# l2-traffic.sh: sends a mix of L2 transactions so that every block exercises stateless
# re-execution (docs/prover.md): value transfers (EIP-1559, legacy and EIP-2930), an ERC-20 and
# an ERC-721 from the pinned OpenZeppelin package (deploy, transfer, approve, mint, transferFrom),
# storage writes and clears, logs, BLOCKHASH reads, a contract created and self-destructed in one
# transaction, and reverted transactions. Contracts: contracts/src/devnet/L2Traffic.sol, compiled
# with forge for Cancun on first use.
#
#   scripts/l2-traffic.sh --rpc URL [--blocks N] [--batch K] [--interval S] [--key HEX]
#
#   --rpc URL       the L2 node (anvil, or any node that accepts the key's transactions)
#   --blocks N      stop after N rounds (default: run until killed)
#   --batch K       anvil only: turn automining off and mine K transactions per block
#                   (evm_mine), so blocks hold several transactions; automining is turned
#                   back on at exit; default: one block per transaction
#   --interval S    sleep S seconds between rounds (default 0)
#   --key HEX       sender key (default: L2_TRAFFIC_KEY, else anvil's first dev key)
#   --out DIR       compiled contracts (default build/l2-traffic)
# One round sends 13 transactions. Prints the contract addresses once, then one line per round;
# exit 0 after --blocks rounds, 1 when the node refuses a transaction.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/node_modules/.bin:$PATH"

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}
rpc="" rounds=0 batch=0 interval=0 out="$root/build/l2-traffic"
key=${L2_TRAFFIC_KEY:-0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80}
while [ $# -gt 0 ]; do
    case "$1" in
    --rpc) rpc=${2:?}; shift 2 ;;
    --blocks) rounds=${2:?}; shift 2 ;;
    --batch) batch=${2:?}; shift 2 ;;
    --interval) interval=${2:?}; shift 2 ;;
    --key) key=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    *) usage ;;
    esac
done
[ -n "$rpc" ] || usage

if [ ! -f "$out/L2Traffic.sol/TrafficStore.json" ]; then
    (cd "$root/contracts" && forge build src/devnet/L2Traffic.sol --evm-version cancun \
        --out "$out" --cache-path "$out/cache" >/dev/null)
fi
bytecode() { jq -r .bytecode.object "$out/L2Traffic.sol/$1.json"; }

me=$(cast wallet address "$key")
nonce=$(cast nonce "$me" --rpc-url "$rpc")
pending=0

# send GAS ARGS...: one transaction with an explicit nonce (batched or waited for).
send() {
    local gas=$1
    shift
    if [ "$batch" -gt 0 ]; then
        cast send --async --rpc-url "$rpc" --private-key "$key" --nonce "$nonce" \
            --gas-limit "$gas" "$@" >/dev/null
        pending=$((pending + 1))
        if [ "$pending" -ge "$batch" ]; then
            cast rpc evm_mine --rpc-url "$rpc" >/dev/null
            pending=0
        fi
    else
        # cast waits for the receipt; a reverted transaction is mined and expected, so only
        # a refused one (no hash) is an error
        local r
        r=$(cast send --json --rpc-url "$rpc" --private-key "$key" --nonce "$nonce" \
            --gas-limit "$gas" "$@" 2>&1) || true
        case "$r" in
        *transactionHash*) ;;
        *) echo "l2-traffic: the node refused a transaction: $r" >&2; exit 1 ;;
        esac
    fi
    nonce=$((nonce + 1))
}

# deploy VAR NAME [CONSTRUCTOR ARGS as ABI hex]: deploys and sets VAR to the new address.
deploy() {
    printf -v "$1" '%s' "$(cast compute-address "$me" --nonce "$nonce" | awk '{print $NF}')"
    send 5000000 --create "$(bytecode "$2")${3:-}"
}

if [ "$batch" -gt 0 ]; then
    cast rpc evm_setAutomine false --rpc-url "$rpc" >/dev/null
    trap 'cast rpc evm_setAutomine true --rpc-url "$rpc" >/dev/null 2>&1 || true' EXIT
fi
deploy token TrafficToken "$(cast abi-encode 'f(uint256)' 1000000000000000000000000 | cut -c3-)"
deploy nft TrafficNFT
deploy store TrafficStore
echo "l2-traffic: sender $me token $token nft $nft store $store"

i=0
while [ "$rounds" -eq 0 ] || [ "$i" -lt "$rounds" ]; do
    i=$((i + 1))
    peer=$(printf '0x%040x' $((0x7a000000 + i)))
    send 21000 "$peer" --value $((1000 + i))
    send 21000 --legacy "$peer" --value 7
    # EIP-2930 (type 1): cast makes one from --legacy with an access list
    send 30000 --legacy --access-list "[{\"address\":\"$store\",\"storageKeys\":[]}]" \
        "$peer" --value 5
    send 120000 "$token" 'transfer(address,uint256)' "$peer" $((i * 10))
    send 80000 "$token" 'approve(address,uint256)' "$peer" $((i % 2))
    send 150000 "$nft" 'mint(address,uint256)' "$me" $((2 * i))
    send 150000 "$nft" 'mint(address,uint256)' "$peer" $((2 * i + 1))
    send 150000 "$nft" 'transferFrom(address,address,uint256)' "$me" "$peer" $((2 * i))
    send 100000 "$store" 'write(uint256,uint256)' $((i % 5)) "$i"
    send 60000 "$store" 'clear(uint256)' $(((i + 2) % 5))
    send 80000 "$store" 'recordHash(uint256)' $((1 + i % 3))
    send 200000 --value 3 "$store" 'createAndDestroy()'
    send 60000 "$store" 'fail(uint256)' "$i"
    echo "l2-traffic: round $i"
    [ "$interval" = 0 ] || sleep "$interval"
done
if [ "$batch" -gt 0 ] && [ "$pending" -gt 0 ]; then
    cast rpc evm_mine --rpc-url "$rpc" >/dev/null
fi
