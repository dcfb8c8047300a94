#!/usr/bin/env bash
# setup.sh: installs what mpavs needs on Debian 12, and nothing twice.
#
#   - Debian packages (as root through apt-get, or sudo): compilers, -dev libraries, tools.
#   - npm packages from the committed package-lock.json (npm ci): anvil, forge, cast,
#     solc-js, OpenZeppelin, solady.
#
# Quiet when everything is already there; safe to run any number of times.
# Nothing is downloaded from anywhere but Debian's mirrors and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
    build-essential pkg-config git ca-certificates
    clang libclang-rt-14-dev clang-format valgrind
    libssl-dev libsecp256k1-dev libcurl4-openssl-dev libmicrohttpd-dev
    libjansson-dev libsqlite3-dev sqlite3
    nodejs npm curl jq procps iproute2 openssl python3
    chromium
)

missing_apt() {
    local p
    for p in "${APT_PACKAGES[@]}"; do
        # node and npm may come from outside Debian (e.g. NodeSource); accept the commands.
        case "$p" in
        nodejs) command -v node >/dev/null && continue ;;
        npm) command -v npm >/dev/null && continue ;;
        esac
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"
    done
}

install_apt() {
    local need
    need=$(missing_apt)
    [ -z "$need" ] && return 0
    echo "setup: installing Debian packages:" $need
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || { echo "setup: need root or sudo to install: $need" >&2; exit 1; }
        sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $need >/dev/null
}

# npm ci only when node_modules does not match the lockfile.
install_npm() {
    local stamp=node_modules/.mpavs-lock
    if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
        return 0
    fi
    echo "setup: installing npm packages from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    cp package-lock.json "$stamp"
}

install_apt
install_npm
