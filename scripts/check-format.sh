#!/usr/bin/env bash
# check-format.sh: the formatting checks as tests (clang-format on C, forge fmt on Solidity).
set -uo pipefail
cd "$(dirname "$0")/.."
n=0
mapfile -t files < <(scripts/c-files.sh)
n=$((n + 1))
if clang-format --dry-run --Werror "${files[@]}" 2>/dev/null; then
    echo "ok $n - clang-format"
else
    echo "not ok $n - clang-format (run make fmt)"
    clang-format --dry-run "${files[@]}" 2>&1 | grep -m 20 'warning:'
fi
if [ -f contracts/foundry.toml ]; then
    n=$((n + 1))
    if (cd contracts && forge fmt --check >/dev/null 2>&1); then
        echo "ok $n - forge fmt"
    else
        echo "not ok $n - forge fmt (run make fmt)"
    fi
fi
