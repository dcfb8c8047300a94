#!/usr/bin/env bash
# ctime_bn254.sh: constant-time check of the BN254/BLS secret-key code. Builds
# tests/ctime/ctime_bn254.c against the release library (the optimised code is
# what must be constant-time; valgrind cannot run the sanitized build) and runs
# it under valgrind memcheck with the secrets marked undefined: any branch or
# memory index that depends on a secret is a memcheck error and fails a check.
set -uo pipefail
cd "${MPAVS_ROOT:-$(dirname "$0")/../..}"
out=build/rel/ctime
mkdir -p "$out"
if ! ${CC:-gcc} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra -Werror \
    -Iinclude -Isrc/lib tests/ctime/ctime_bn254.c build/rel/libmpavs.a -lcrypto -lm \
    -o "$out/ctime_bn254" 2>"$out/build.log"; then
    echo "not ok 1 - ctime: build failed"
    sed 's/^/# /' "$out/build.log" | head -20
    exit 1
fi
if ! command -v valgrind >/dev/null; then
    echo "not ok 1 - ctime: valgrind is not installed (scripts/setup.sh installs it)"
    exit 1
fi
valgrind --tool=memcheck --error-exitcode=99 --track-origins=yes --quiet \
    "$out/ctime_bn254" 2>"$out/valgrind.log"
rc=$?
if [ $rc -ne 0 ]; then
    echo "# valgrind exit $rc; first reports:"
    head -40 "$out/valgrind.log" | sed 's/^/# /'
fi
[ $rc -eq 0 ]
