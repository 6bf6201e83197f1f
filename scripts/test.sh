#!/usr/bin/env bash
# README command 2 (and CI): install what is missing (test tools too), build with warnings as
# errors, run every test through ctest.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/install-deps.sh" --test
bash "$here/scripts/build.sh" -DTAGWARDEN_WERROR=ON
cd "${TAGWARDEN_BUILD_DIR:-$here/build}"
ctest --output-on-failure --parallel 2 --timeout 900
