#!/usr/bin/env bash
# quote.sh: "mpavs quote verify|show" and "mpavs sim-ca init|quote" end to end:
# both real Intel sets at their times, every tampered vector at its check,
# expiry, policy flags (allow-lists fail closed as on chain, revocation check
# skipped only when asked), simulated CAs (valid, tampered, revoked, wrong
# root), and argument errors. Prints TAP lines.
set -uo pipefail
BIN=${MPAVS_BIN:-build/san/bin}/mpavs
ROOT=${MPAVS_ROOT:-.}
V=$ROOT/tests/vectors/dcap
S1=$V/set1
S2=$V/set2
TMP=$(mktemp -d /tmp/mpavs-quote-cli.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
n=0
fails=0

ok() { # ok COND_STATUS NAME
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}

# run EXPECTED_EXIT NAME ARGS...: runs mpavs, keeps stdout in $TMP/out.json, checks the exit code.
run() {
    local want=$1 name=$2 got
    shift 2
    "$BIN" "$@" >"$TMP/out.json" 2>"$TMP/err.txt"
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "# $name: exit $got, expected $want"
        sed 's/^/# /' "$TMP/out.json" "$TMP/err.txt" | head -5
        ok 1 "$name"
        return 1
    fi
    return 0
}

# field JQ_EXPR: prints a field of the last output.
field() { jq -r "$1" "$TMP/out.json"; }

set1() { # set1 QUOTE [ARGS...]
    local q=$1
    shift
    run "${WANT:-0}" "${NAME:-set1}" quote verify --quote "$q" --tcb-info "${TI:-$S1/tcbinfo.json}" \
        --qe-identity "${QI:-$S1/identity.json}" --root-ca "$S1/root_ca.der" \
        --tcb-signing-cert "$S1/tcb_signing.der" --root-crl "$S1/root_ca_crl.der" \
        --pck-crl "$S1/pck_platform_crl.der" ${ENC---any-enclave} "$@"
}

# ---- real set 1 (binary and hex), set 2 ----
for q in quote.bin quote.hex; do
    if NAME="set1 $q" set1 "$S1/$q" --at 1719496800; then
        [ "$(field .verified)" = true ] && [ "$(field .status)" = SWHardeningNeeded ] &&
            [ "$(field '.advisoryIds | length')" = 0 ] && [ "$(field .fmspc)" = 00606a000000 ] &&
            [ "$(field .mrenclave)" = a4f45c39dac622cb1dd32ddb35a52ec92db41d0fa88a1c911c49e59c534f61cd ] &&
            [ "$(field .mrsigner)" = 8f2dbc0f9c5d3378d596974b2deed1f93223cc49242899f83809bcc92546132c ] &&
            [ "$(field .reportData)" = "$(printf '0%.0s' $(seq 128))" ] &&
            [ "$(field .debug)" = false ] && [ "$(field .intelRoot)" = true ] &&
            [ "$(field .error)" = null ]
        ok $? "set1 $q verifies at 1719496800 (SWHardeningNeeded)"
    fi
done

if run 0 "set2" quote verify --quote "$S2/sgx_quote.bin" --tcb-info "$S2/derived_tcbinfo_pcs.json" \
    --qe-identity "$S2/derived_identity_pcs.json" --root-ca "$S2/TrustedRootCA.der" \
    --tcb-signing-cert "$S2/derived_tcb_info_issuer_chain.pem" --root-crl "$S2/derived_root_ca_crl.der" \
    --pck-crl "$S2/derived_pck_processor_crl.der" --at 1752919277 --any-enclave; then
    [ "$(field .status)" = ConfigurationAndSWHardeningNeeded ] &&
        [ "$(field '.advisoryIds | join(",")')" = INTEL-SA-00289,INTEL-SA-00615 ] &&
        [ "$(field .fmspc)" = 00a067110000 ] &&
        [ "$(field .mrenclave)" = 33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb ] &&
        [ "$(field .mrsigner)" = 815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6 ] &&
        [ "$(field .reportData | cut -c1-26)" = 48656c6c6f2c20776f726c6421 ]
    ok $? "set2 verifies at 1752919277 (ConfigurationAndSWHardeningNeeded, 2 advisories)"
fi

# ---- negative vectors: each fails at its check ----
while read -r file check; do
    if WANT=1 NAME="$file" set1 "$V/negative/$file" --at 1719496800; then
        [ "$(field .verified)" = false ] && [ "$(field .error)" = "$check" ]
        ok $? "negative $file fails at $check"
    fi
done <<'CASES'
n01_isv_reportdata_flip.bin isv.report_signature
n02_header_userdata_flip.bin isv.report_signature
n03_isv_mrenclave_flip.bin isv.report_signature
n04_isv_signature_flip.bin isv.report_signature
n05_attest_key_flip.bin qe.report_data
n06_qe_report_isvsvn_flip.bin qe.report_signature
n07_qe_report_sig_flip.bin qe.report_signature
n08_qe_auth_data_flip.bin qe.report_data
n09_version_4.bin header.version
n10_att_key_type_3.bin header.att_key_type
n11_qe_vendor_id_flip.bin header.qe_vendor_id
n12_tee_type_tdx.bin header.tee_type
n13_cert_type_4.bin quote.cert_type
n14_truncated_100.bin quote.sig_data_len
n15_sigdata_len_plus1.bin quote.sig_data_len
n16_trailing_16_zero_bytes.bin quote.sig_data_len
n17_pck_cert_tbs_tampered.bin pck.leaf_signature
n18_chain_without_root.bin pck.chain
CASES

if TI=$V/negative/c01_tcbinfo_status_altered.json WANT=1 NAME=c01 set1 "$S1/quote.bin" --at 1719496800; then
    [ "$(field .error)" = tcb_info.signature ]
    ok $? "c01 altered TCB info fails at tcb_info.signature"
fi
if QI=$V/negative/c02_identity_isvsvn_altered.json WANT=1 NAME=c02 set1 "$S1/quote.bin" --at 1719496800; then
    [ "$(field .error)" = qe_identity.signature ]
    ok $? "c02 altered QE identity fails at qe_identity.signature"
fi
if TI=$V/negative/c03_tcbinfo_fmspc_uppercased.json WANT=1 NAME=c03 set1 "$S1/quote.bin" --at 1719496800; then
    [ "$(field .error)" = tcb_info.signature ]
    ok $? "c03 re-cased TCB info fails at tcb_info.signature"
fi

# ---- expiry ----
while read -r at check; do
    if WANT=1 NAME="set1 at $at" set1 "$S1/quote.bin" --at "$at"; then
        [ "$(field .error)" = "$check" ]
        ok $? "set1 at $at fails at $check"
    fi
done <<'TIMES'
1719494257 pck_crl.validity
1720866068 qe_identity.validity
1722086259 pck_crl.validity
TIMES
if WANT=1 NAME="set1 now" set1 "$S1/quote.bin"; then
    [ "$(field .verified)" = false ]
    ok $? "set1 fails today (collateral expired)"
fi

# ---- policy flags ----
if WANT=1 NAME="status policy" set1 "$S1/quote.bin" --at 1719496800 --allow-status UpToDate; then
    [ "$(field .error)" = policy.status ] && [ "$(field .status)" = SWHardeningNeeded ]
    ok $? "--allow-status UpToDate rejects SWHardeningNeeded"
fi
MRE=a4f45c39dac622cb1dd32ddb35a52ec92db41d0fa88a1c911c49e59c534f61cd
MRS=8f2dbc0f9c5d3378d596974b2deed1f93223cc49242899f83809bcc92546132c
OTHER=$(printf '1%.0s' $(seq 64))
if ENC= WANT=1 NAME="mrenclave policy" set1 "$S1/quote.bin" --at 1719496800 --mrenclave "$OTHER"; then
    [ "$(field .error)" = policy.mrenclave ]
    ok $? "--mrenclave of another enclave rejects"
fi
if ENC= NAME="mrenclave list" set1 "$S1/quote.bin" --at 1719496800 --mrenclave "$OTHER,$MRE" --mrsigner "$MRS"; then
    ok 0 "--mrenclave list and --mrsigner accept the right enclave"
fi
if ENC= WANT=1 NAME="mrsigner policy" set1 "$S1/quote.bin" --at 1719496800 --mrsigner "$OTHER"; then
    [ "$(field .error)" = policy.mrsigner ]
    ok $? "--mrsigner of another signer rejects"
fi

# Fail closed like the chain: no allow-list refuses every enclave unless --any-enclave.
if ENC= WANT=1 NAME="no allow-list" set1 "$S1/quote.bin" --at 1719496800; then
    [ "$(field .verified)" = false ] && [ "$(field .error)" = policy.mrenclave ] &&
        [ "$(field .status)" = SWHardeningNeeded ]
    ok $? "no --mrenclave/--mrsigner: refused at policy.mrenclave, as on chain"
fi
if ENC= NAME="mrsigner only" set1 "$S1/quote.bin" --at 1719496800 --mrsigner "$MRS"; then
    ok 0 "--mrsigner alone is an allow-list (as on chain)"
fi
if ENC= WANT=2 NAME="any and list" set1 "$S1/quote.bin" --at 1719496800 --any-enclave --mrenclave "$MRE"; then
    grep -q "contradicts" "$TMP/err.txt"
    ok $? "--any-enclave with --mrenclave is a usage error"
fi

# ---- revocation ----
nocrl() { # nocrl [ARGS...]: set1 without the two CRLs
    run "${WANT:-0}" "${NAME:-nocrl}" quote verify --quote "${Q:-$S1/quote.bin}" --tcb-info "$S1/tcbinfo.json" \
        --qe-identity "$S1/identity.json" --root-ca "$S1/root_ca.der" \
        --tcb-signing-cert "$S1/tcb_signing.der" --at 1719496800 --any-enclave "$@"
}
if WANT=1 NAME="no CRLs" nocrl; then
    [ "$(field .error)" = root_crl.signature ] && [ "$(field .revocationChecked)" = false ]
    ok $? "without CRLs: refused at root_crl.signature"
fi
if NAME="no revocation check" nocrl --no-revocation-check; then
    [ "$(field .verified)" = true ] && [ "$(field .revocationChecked)" = false ] &&
        [ "$(field .status)" = SWHardeningNeeded ]
    ok $? "--no-revocation-check verifies the rest and says revocationChecked false"
fi
if Q=$V/negative/n04_isv_signature_flip.bin WANT=1 NAME="no revocation, bad sig" nocrl --no-revocation-check; then
    [ "$(field .error)" = isv.report_signature ]
    ok $? "--no-revocation-check still checks the signatures"
fi
if NAME="revocation checked" set1 "$S1/quote.bin" --at 1719496800; then
    [ "$(field .revocationChecked)" = true ]
    ok $? "with CRLs: revocationChecked true"
fi

# ---- simulated attestation ----
SIM=$TMP/sim
sim_verify() { # sim_verify DIR QUOTE [ARGS...]
    local d=$1 q=$2
    shift 2
    run "${WANT:-0}" "${NAME:-sim}" quote verify --quote "$q" --tcb-info "$d/tcbinfo.json" \
        --qe-identity "$d/qe_identity.json" --root-ca "${ROOTCA:-$d/root_ca.der}" \
        --tcb-signing-cert "$d/tcb_signing.der" --root-crl "$d/root_ca_crl.der" \
        --pck-crl "$d/pck_crl.der" ${ENC---any-enclave} "$@"
}
RD=0011223344556677889900112233445566778899001122334455667788990011
if run 0 "sim-ca init" sim-ca init "$SIM"; then
    [ "$(stat -c %a "$SIM/root_ca.key")" = 600 ] && [ "$(stat -c %a "$SIM/attestation.key")" = 600 ] &&
        [ "$(field .rootPublicKey | wc -c)" = 129 ]
    ok $? "sim-ca init creates a CA with 0600 keys"
fi
if run 0 "sim-ca quote" sim-ca quote "$SIM" --report-data "$RD" --out "$TMP/sim.bin" &&
    sim_verify "$SIM" "$TMP/sim.bin"; then
    [ "$(field .verified)" = true ] && [ "$(field .status)" = UpToDate ] &&
        [ "$(field .intelRoot)" = false ] && [ "$(field .reportData | cut -c1-64)" = "$RD" ] &&
        [ "$(field .reportData | cut -c65-)" = "$(printf '0%.0s' $(seq 64))" ]
    ok $? "simulated quote verifies with the dev root pinned"
fi
if run 0 "sim-ca quote hex" sim-ca quote "$SIM" --report-data 01 --mrenclave "$MRE" --mrsigner "$MRS" \
    --isvsvn 5 --hex --out "$TMP/sim.hex" && ENC= sim_verify "$SIM" "$TMP/sim.hex" --mrenclave "$MRE"; then
    [ "$(field .mrenclave)" = "$MRE" ] && [ "$(field .mrsigner)" = "$MRS" ] && [ "$(field .isvSvn)" = 5 ]
    ok $? "simulated hex quote with chosen MRENCLAVE/MRSIGNER verifies"
fi
if ROOTCA=$S1/root_ca.der WANT=1 NAME="sim vs intel" sim_verify "$SIM" "$TMP/sim.bin"; then
    [ "$(field .error)" = pck.root_key ] || [ "$(field .error)" = root_ca.key ]
    ok $? "simulated quote fails against Intel's root ($(field .error))"
fi
for spec in 0:header.version 30:isv.report_signature 100:isv.report_signature 530:qe.report_data \
    700:qe.report_signature 1020:qe.report_data 2000:pck; do
    off=${spec%%:*} want=${spec#*:}
    cp "$TMP/sim.bin" "$TMP/bad.bin"
    byte=$(od -An -tu1 -j "$off" -N1 "$TMP/bad.bin" | tr -d ' ')
    printf "$(printf '\\%03o' $((byte ^ 1)))" | dd of="$TMP/bad.bin" bs=1 seek="$off" conv=notrunc status=none
    if WANT=1 NAME="tamper $off" sim_verify "$SIM" "$TMP/bad.bin"; then
        case "$(field .error)" in
        "$want"*) ok 0 "tampered simulated quote (byte $off) fails at $(field .error)" ;;
        *)
            echo "# got $(field .error)"
            ok 1 "tampered simulated quote (byte $off)"
            ;;
        esac
    fi
done
if run 0 "sim debug quote" sim-ca quote "$SIM" --report-data 00 --debug --out "$TMP/dbg.bin" &&
    WANT=1 NAME="sim debug" sim_verify "$SIM" "$TMP/dbg.bin"; then
    [ "$(field .error)" = policy.debug ] && [ "$(field .debug)" = true ]
    ok $? "debug enclave rejected by default"
fi
if sim_verify "$SIM" "$TMP/dbg.bin" --allow-debug; then ok 0 "debug enclave accepted with --allow-debug"; fi

# Variants of the simulated CA: revoked PCK, revoked TCB level, revoked QE level, out of date.
while IFS='|' read -r name flags check; do
    d=$TMP/sim-$name
    # shellcheck disable=SC2086
    if run 0 "init $name" sim-ca init "$d" $flags &&
        run 0 "quote $name" sim-ca quote "$d" --report-data 00 --out "$d/q.bin" &&
        WANT=1 NAME="$name" sim_verify "$d" "$d/q.bin"; then
        [ "$(field .error)" = "$check" ]
        ok $? "sim-ca init $flags: quote fails at $check (status $(field .status))"
    fi
done <<'SIMS'
revoked-pck|--revoke-pck|pck.revoked
revoked-tcb|--tcb-status Revoked|tcb.revoked
revoked-qe|--qe-status Revoked|tcb.revoked
outofdate|--tcb-status OutOfDate --days 10|policy.status
SIMS
if sim_verify "$TMP/sim-revoked-pck" "$TMP/sim-revoked-pck/q.bin" --no-revocation-check; then
    [ "$(field .verified)" = true ] && [ "$(field .revocationChecked)" = false ]
    ok $? "a revoked PCK passes only with --no-revocation-check, which the output reports"
fi
if sim_verify "$TMP/sim-outofdate" "$TMP/sim-outofdate/q.bin" --allow-status UpToDate,OutOfDate; then
    [ "$(field .status)" = OutOfDate ] && [ "$(field '.advisoryIds[0]')" = SIM-SA-00001 ]
    ok $? "--allow-status OutOfDate accepts the out-of-date simulated platform"
fi
if WANT=1 NAME="expired sim" sim_verify "$TMP/sim-outofdate" "$TMP/sim-outofdate/q.bin" \
    --allow-status OutOfDate --at $(($(date +%s) + 11 * 86400)); then
    [ "$(field .verified)" = false ]
    ok $? "simulated collateral expires after --days ($(field .error))"
fi

# ---- show ----
if run 0 "show" quote show "$S1/quote.bin"; then
    [ "$(field .version)" = 3 ] && [ "$(field .pck.fmspc)" = 00606a000000 ] &&
        [ "$(field '.pckChain | length')" = 3 ] && [ "$(field .qeReport.isvSvn)" = 9 ]
    ok $? "quote show prints the parsed quote"
fi
if run 1 "show bad" quote show "$V/negative/n14_truncated_100.bin"; then
    [ "$(field .error)" = quote.sig_data_len ]
    ok $? "quote show names the format check a bad quote fails"
fi

# ---- unusable arguments: exit 2 ----
if run 2 "missing args" quote verify --quote "$S1/quote.bin"; then ok 0 "missing required flags exit 2"; fi
if WANT=2 NAME="bad --at" set1 "$S1/quote.bin" --at yesterday; then ok 0 "bad --at exits 2"; fi
if WANT=2 NAME="bad status" set1 "$S1/quote.bin" --allow-status Fine; then ok 0 "unknown status exits 2"; fi
if WANT=2 NAME="bad flag" set1 "$S1/quote.bin" --frobnicate 1; then ok 0 "unknown flag exits 2"; fi
if WANT=2 NAME="missing file" set1 "$TMP/nope.bin"; then
    [ "$(field .error)" = input ]
    ok $? "missing quote file exits 2 with error input"
fi
echo '{"tcbInfo":{"version":2}' >"$TMP/broken.json"
if TI=$TMP/broken.json WANT=2 NAME="broken tcb info" set1 "$S1/quote.bin"; then
    [ "$(field .error)" = input ]
    ok $? "unparseable TCB info exits 2"
fi
if run 2 "init twice" sim-ca init "$SIM"; then ok 0 "sim-ca init refuses an existing CA"; fi
if run 2 "quote without out" sim-ca quote "$SIM" --report-data 00; then ok 0 "sim-ca quote needs --out"; fi
if run 2 "long report data" sim-ca quote "$SIM" --report-data "$(printf 'ab%.0s' $(seq 65))" --out "$TMP/x"; then
    ok 0 "sim-ca quote refuses report data over 64 bytes"
fi

echo "1..$n"
[ "$fails" -eq 0 ]
