#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, in build-asan/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/install-deps.sh" --test
export TAGWARDEN_BUILD_DIR=${TAGWARDEN_BUILD_DIR:-$here/build-asan}
bash "$here/scripts/build.sh" -DTAGWARDEN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DTAGWARDEN_WERROR=ON
# Leaks are reported at exit; a finding anywhere fails the test that triggered it.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$TAGWARDEN_BUILD_DIR"
ctest --output-on-failure --parallel 2 --timeout 1800 "$@"
