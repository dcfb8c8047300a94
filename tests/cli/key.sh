#!/usr/bin/env bash
# key.sh: "mpavs key new|show", including interoperability with cast's
# keystores in both directions. Prints TAP-like lines.
set -uo pipefail
ROOT=${MPAVS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
M=${MPAVS_BIN:-$ROOT/build/san/bin}/mpavs
CAST=$ROOT/node_modules/.bin/cast
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/support/tap.sh"

printf 'correct horse\n' >"$T/pw"
printf 'wrong horse\n' >"$T/bad"
addr=$("$M" key new --out "$T/k.json" --password-file "$T/pw" --light)
if [[ $addr =~ ^0x[0-9a-fA-F]{40}$ ]]; then ok "key new prints an address"; else notok "key new prints an address" "$addr"; fi
same "key file mode is 0600" "$(stat -c %a "$T/k.json")" 600
same "key show without password" "$("$M" key show "$T/k.json")" "$addr"
same "key show with password" "$("$M" key show "$T/k.json" --password-file "$T/pw")" "$addr"

err=$("$M" key show "$T/k.json" --password-file "$T/bad" 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "wrong password" <<<"$err" && ! grep -q "horse" <<<"$err"; then
    ok "wrong password: exit 2, clear message, password not echoed"
else
    notok "wrong password" "exit $rc: $err"
fi
err=$("$M" key new --out "$T/k.json" --password-file "$T/pw" --light 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "already exists" <<<"$err"; then ok "key new refuses to overwrite"; else notok "key new refuses to overwrite" "exit $rc: $err"; fi

# cast reads our file and finds the same key.
pk=$("$CAST" wallet decrypt-keystore --keystore-dir "$T" k.json --unsafe-password "correct horse" 2>/dev/null | grep -o '0x[0-9a-f]\{64\}')
same "cast decrypts our keystore to the same address" "$("$CAST" wallet address --private-key "$pk" 2>/dev/null)" "$addr"

# We read cast's file.
mkdir "$T/cast"
caddr=$("$CAST" wallet new "$T/cast" --unsafe-password "correct horse" 2>/dev/null | awk '/Address/ {print $2}')
cfile=$(ls "$T/cast"/* | head -1)
same "key show reads a cast keystore" "$("$M" key show "$cfile" --password-file "$T/pw")" "$caddr"

# A file whose address field names another key fails the check (exit 1).
sed 's/"address": "[0-9a-f]*"/"address": "0000000000000000000000000000000000000001"/' "$T/k.json" >"$T/forged.json"
"$M" key show "$T/forged.json" --password-file "$T/pw" >/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "is not the key's address" "$T/err"; then ok "forged address field: exit 1"; else notok "forged address field" "exit $rc: $(cat "$T/err")"; fi
echo '{"version":3}' >"$T/broken.json"
"$M" key show "$T/broken.json" --password-file "$T/pw" >/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "crypto is missing" "$T/err"; then ok "corrupt file: exit 2 naming the field"; else notok "corrupt file" "exit $rc: $(cat "$T/err")"; fi
"$M" key show "$T/nope.json" >/dev/null 2>&1
same "missing file: exit 2" "$?" 2
"$M" key new >/dev/null 2>&1
same "key new without --out: exit 2" "$?" 2
for sub in new show; do
    if "$M" key $sub --help | grep -q "^usage: mpavs key $sub"; then ok "key $sub --help"; else notok "key $sub --help"; fi
done
echo "1..$n"
