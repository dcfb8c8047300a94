#!/usr/bin/env bash
# attestation_diff.sh: differential test of the C DCAP verifier (`mpavs quote verify`) against the
# on-chain verifier (forge script AttestationVerdicts.s.sol), quote by quote: verdict, TCB status
# and the name of the failed check must be equal.
#
#   contracts/script/attestation_diff.sh [N]     (N simulated quotes per sim-CA variant, default 60)
#
# Needs build/bin/mpavs with `sim-ca` and `quote verify` (dcap branch) and forge. Creates seven
# simulated CAs (UpToDate; platform OutOfDate, ConfigurationNeeded, Revoked; QE OutOfDate,
# Revoked; PCK revoked), N quotes each (random report data, every 9th a debug enclave, three of
# four with one random bit flipped: header/reports/signatures or the PEM chain), plus the real
# vectors of tests/vectors/dcap (set1 and its negative cases, set2). Prints a summary; exits 1 on
# any mismatch. Work files: build/attestation-diff/.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export PATH="$root/node_modules/.bin:$PATH"
mp="${MPAVS:-$root/build/bin/mpavs}"
n="${1:-60}"
at=1760000000
w="$root/build/attestation-diff"
rm -rf "$w"
mkdir -p "$w"
[ -x "$mp" ] || { echo "attestation_diff.sh: $mp not found (make first)" >&2; exit 2; }

c_verdicts() { # collateral-dir quotes-dir time out [extra mpavs args...]
    local ca=$1 q=$2 t=$3 out=$4
    shift 4
    : >"$out"
    for f in $(ls "$q"); do
        "$mp" quote verify --quote "$q/$f" --tcb-info "$ca/$TI" --qe-identity "$ca/$QI" \
            --root-ca "$ca/root_ca.der" --pck-crl "$ca/$PCRL" --root-crl "$ca/root_ca_crl.der" \
            --tcb-signing-cert "$ca/$TS" --at "$t" --any-enclave "$@" 2>/dev/null |
            jq -r --arg f "$f" '[$f, (if .verified then "accept" else "reject" end),
                (.status // "Unrecognized"), (.error // "-")] | @tsv' >>"$out" || true
    done
    sort -o "$out" "$out"
}

onchain_verdicts() { # collateral-dir quotes-dir time out [root]
    # forge may write only under contracts/ (foundry.toml fs_permissions)
    local tmp="cache/attestation-diff-$(basename "$4")"
    (cd "$root/contracts" && DCAP_COLLATERAL_DIR="$1" DCAP_QUOTES_DIR="$2" DCAP_VERIFY_AT="$3" \
        DCAP_ROOT="${5:-dir}" DCAP_VERDICTS_OUT="$tmp" \
        forge script script/AttestationVerdicts.s.sol >"$4.log" 2>&1) || {
        echo "forge script failed, see $4.log" >&2
        return 1
    }
    sort "$root/contracts/$tmp" >"$4"
}

total=0
bad=0
compare() { # name c-file onchain-file
    local m
    m=$(diff "$2" "$3" | grep -c '^<' || true)
    total=$((total + $(wc -l <"$2")))
    bad=$((bad + m))
    echo "$1: $(wc -l <"$2") quotes, $m mismatches"
    # report and go on: one disagreement must not hide the other groups
    [ "$m" = 0 ] || diff "$2" "$3" | head -20 || true
}

# ---- simulated CAs ----
TI=tcbinfo.json QI=qe_identity.json PCRL=pck_crl.der TS=tcb_signing.der
i=0
for variant in "" "--tcb-status OutOfDate" "--tcb-status ConfigurationNeeded" "--tcb-status Revoked" \
    "--qe-status OutOfDate" "--qe-status Revoked" "--revoke-pck"; do
    i=$((i + 1))
    ca="$w/ca$i" q="$w/q$i"
    # shellcheck disable=SC2086
    "$mp" sim-ca init "$ca" --at "$at" $variant >/dev/null
    mkdir -p "$q"
    for k in $(seq 1 "$n"); do
        extra=""
        [ $((k % 9)) -eq 0 ] && extra="--debug"
        # shellcheck disable=SC2086
        "$mp" sim-ca quote "$ca" --report-data "$(head -c 64 /dev/urandom | od -An -tx1 -v | tr -d ' \n')" \
            $extra --out "$q/q$k.bin" >/dev/null
        if [ $((k % 4)) -ne 0 ]; then
            python3 - "$q/q$k.bin" <<'PY'
import os, random, sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
r = random.Random(os.urandom(8))
x = r.random()
off = r.randrange(0, 1052) if x < 0.15 else (r.randrange(1052, len(b)) if x < 0.95 else r.randrange(len(b)))
b[off] ^= 1 << r.randrange(8)
open(p, "wb").write(bytes(b))
PY
        fi
    done
    c_verdicts "$ca" "$q" "$at" "$w/c$i.tsv"
    onchain_verdicts "$ca" "$q" "$at" "$w/s$i.tsv"
    compare "sim-CA ${variant:-default}" "$w/c$i.tsv" "$w/s$i.tsv"
done

# ---- real vectors (Intel root) ----
v="$root/tests/vectors/dcap"
mkdir -p "$w/set1q" "$w/set2q" "$w/set2c"
cp "$v/set1/quote.bin" "$v"/negative/n*.bin "$w/set1q/"
TI=tcbinfo.json QI=identity.json PCRL=pck_platform_crl.der TS=tcb_signing.der
c_verdicts "$v/set1" "$w/set1q" 1719496800 "$w/c-set1.tsv"
onchain_verdicts "$v/set1" "$w/set1q" 1719496800 "$w/s-set1.tsv" intel
compare "set1 + negative" "$w/c-set1.tsv" "$w/s-set1.tsv"
cp "$v/set2/sgx_quote.bin" "$w/set2q/"
cp "$v/set2/TrustedRootCA.der" "$w/set2c/root_ca.der"
cp "$v/set2/derived_root_ca_crl.der" "$w/set2c/root_ca_crl.der"
cp "$v/set2/derived_pck_processor_crl.der" "$w/set2c/pck_crl.der"
cp "$v/set2/derived_tcbinfo_pcs.json" "$w/set2c/tcbinfo.json"
cp "$v/set2/derived_identity_pcs.json" "$w/set2c/qe_identity.json"
openssl x509 -in "$v/set2/derived_pck_crl_issuer_chain.pem" -outform der -out "$w/set2c/pck_processor_ca.der"
openssl x509 -in "$v/set2/derived_tcb_info_issuer_chain.pem" -outform der -out "$w/set2c/tcb_signing.der"
TI=tcbinfo.json QI=qe_identity.json PCRL=pck_crl.der TS=tcb_signing.der
c_verdicts "$w/set2c" "$w/set2q" 1752919277 "$w/c-set2.tsv"
onchain_verdicts "$w/set2c" "$w/set2q" 1752919277 "$w/s-set2.tsv" intel
compare "set2" "$w/c-set2.tsv" "$w/s-set2.tsv"

echo "total: $total quotes, $bad mismatches"
[ "$bad" = 0 ]
