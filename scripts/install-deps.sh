#!/usr/bin/env bash
# Installs what tagwarden needs to build, test and demo on Debian 12, and nothing that is there
# already. Run as root (or with sudo available); safe to run again.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ninja-build
  libcurl4-openssl-dev libgumbo-dev libboost-program-options-dev libsqlite3-dev
  catch2 libpsl-dev nlohmann-json3-dev libyaml-cpp-dev libfmt-dev libpcre2-dev zlib1g-dev libssl-dev
  libc-ares-dev
  libsimdjson-dev
  # libpq for `--db postgresql://...`, a scan history shared by many runners.
  libpq-dev
  python3 sqlite3 curl publicsuffix
  # `scan --browser` runs Debian's Chromium headless over the DevTools pipe (nothing else of it is
  # linked); the tests of the browser pass need it too.
  chromium
)
# bench/compare.sh's server and peers (it also installs them itself when missing).
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(nginx-light wget2 time postgresql)
fi
# The SARIF validator and the sanitizer toolchain only for the test suite.
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libicu72 clang libclang-rt-14-dev libxml2-utils cmark-gfm python3-yaml)
  # The store's tests run each store test against a real PostgreSQL server too (initdb, pg_ctl).
  packages+=(postgresql)
  # Node may come from outside Debian (as on the CI machines); only ask apt when npm is absent.
  command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  echo "install-deps: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The SARIF validator comes from npm into tools/node_modules (not committed).
if [[ "${1:-}" == "--test" ]]; then
  here=$(cd "$(dirname "$0")/.." && pwd)
  if [[ ! -x "$here/tools/node_modules/.bin/sarif-multitool" ]]; then
    (cd "$here/tools" && npm ci --no-audit --no-fund --silent >/dev/null)
  fi
  # npm 11 skips install scripts it was not told to trust; the multitool's only one is this chmod.
  chmod u+x "$here"/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
fi
