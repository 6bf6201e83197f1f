#!/usr/bin/env bash
# Builds the libFuzzer target with clang + ASan/UBSan and fuzzes page bytes -> tags for a bounded
# time. Usage: tests/fuzz/run-fuzz.sh [SECONDS=600] [BUILD_DIR=build-fuzz]
# Crashes land in BUILD_DIR/fuzz-findings/; the exit code is libFuzzer's (0 = nothing found).
set -euo pipefail
seconds="${1:-600}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${2:-$root/build-fuzz}"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTAGWARDEN_FUZZ=ON -DTAGWARDEN_SANITIZE=ON \
  -DBUILD_TESTING=OFF >/dev/null
ninja -C "$build" -j2 fuzz_extract

corpus="$build/fuzz-corpus"
findings="$build/fuzz-findings"
mkdir -p "$corpus" "$findings"
# Seeds: the small hand-made pages and the extraction accuracy corpus.
cp -n "$root"/tests/fuzz/corpus/* "$corpus"/ 2>/dev/null || true
cp -n "$root"/tests/fixtures/extraction/*.html "$corpus"/ 2>/dev/null || true

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
"$build/tests/fuzz/fuzz_extract" "$corpus" -artifact_prefix="$findings/" \
  -max_total_time="$seconds" -max_len=262144 -timeout=30 -rss_limit_mb=4096 \
  -print_final_stats=1
