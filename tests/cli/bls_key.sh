#!/usr/bin/env bash
# bls_key.sh: "mpavs bls keygen|show" with EigenLayer BLS keystores, including a key file
# written by eigensdk-go (tests/vectors/eth/eigensdk_keystores.json). Prints TAP-like lines.
set -uo pipefail
ROOT=${MPAVS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
M=${MPAVS_BIN:-$ROOT/build/san/bin}/mpavs
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/support/tap.sh"
field() { jq -r ".$1" <<<"$2"; }

printf 'bls secret pw\n' >"$T/pw"
printf 'not the pw\n' >"$T/bad"
gen=$("$M" bls keygen --out "$T/k.json" --password-file "$T/pw" --light)
if [[ $(field g2 "$gen") =~ ^0x[0-9a-f]{256}$ ]]; then ok "keygen prints g1, g2, operatorId"; else notok "keygen output" "$gen"; fi
same "keystore mode is 0600" "$(stat -c %a "$T/k.json")" 600
if jq -e '.pubKey | test("^E\\(\\[[0-9]+,[0-9]+\\]\\)$")' "$T/k.json" >/dev/null && jq -e '.crypto.kdf == "scrypt"' "$T/k.json" >/dev/null; then
    ok "file has gnark pubKey and a v3 crypto object"
else
    notok "file layout" "$(head -c 300 "$T/k.json")"
fi

pub=$("$M" bls show "$T/k.json")
same "show without password: g1 from pubKey" "$(field g1 "$pub")" "$(field g1 "$gen")"
same "show without password: operatorId" "$(field operatorId "$pub")" "$(field operatorId "$gen")"
same "show with password: the key derives the same keys" "$("$M" bls show "$T/k.json" --password-file "$T/pw")" "$gen"

err=$("$M" bls show "$T/k.json" --password-file "$T/bad" 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "wrong password" <<<"$err" && ! grep -q "not the pw" <<<"$err"; then
    ok "wrong password: exit 2, clear message, password not echoed"
else
    notok "wrong password" "exit $rc: $err"
fi
err=$("$M" bls keygen --out "$T/k.json" --password-file "$T/pw" --light 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "already exists" <<<"$err"; then ok "keygen refuses to overwrite"; else notok "keygen overwrite" "exit $rc: $err"; fi

# A pubKey field that does not belong to the encrypted key is caught (exit 1).
other=$("$M" bls keygen --out "$T/o.json" --password-file "$T/pw" --light)
jq --arg p "$(jq -r .pubKey "$T/o.json")" '.pubKey = $p' "$T/k.json" >"$T/swapped.json"
"$M" bls show "$T/swapped.json" --password-file "$T/pw" >/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 1 ] && [ "$(field g1 "$other")" != "$(field g1 "$gen")" ]; then ok "mismatched pubKey: exit 1"; else notok "mismatched pubKey" "exit $rc: $(cat "$T/err")"; fi

printf '{"crypto": {}}' >"$T/nopub.json"
err=$("$M" bls show "$T/nopub.json" 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "pubKey" <<<"$err"; then ok "file without pubKey: exit 2 naming the field"; else notok "no pubKey" "exit $rc: $err"; fi
printf 'not json' >"$T/garbage.json"
"$M" bls show "$T/garbage.json" >/dev/null 2>&1
same "garbage file: exit 2" "$?" 2

# eigensdk-go's key file (standard scrypt parameters) opens and gives its published key.
V=$ROOT/tests/vectors/eth/eigensdk_keystores.json
jq '.bls.keystore' "$V" >"$T/eigensdk.json"
jq -r '.bls.password' "$V" >"$T/eigensdk.pw"
sk=$(jq -r '.bls.sk_decimal' "$V")
skhex=$("$M" abi encode "f(uint256)" "$sk") # 32-byte big-endian
want=$("$M" bls pubkey "$skhex")
same "eigensdk-go keystore decrypts to its secret's keys" "$("$M" bls show "$T/eigensdk.json" --password-file "$T/eigensdk.pw")" "$want"
