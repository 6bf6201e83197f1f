#!/usr/bin/env bash
# Builds the libFuzzer targets with clang + ASan/UBSan and fuzzes each for a bounded time: page
# bytes -> tags (fuzz_extract), then sitemap bytes -> locations (fuzz_sitemap).
# Usage: tests/fuzz/run-fuzz.sh [SECONDS=600 per target] [BUILD_DIR=build-fuzz]
# Crashes land in BUILD_DIR/fuzz-findings/; the exit code is libFuzzer's (0 = nothing found).
set -euo pipefail
seconds="${1:-600}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${2:-$root/build-fuzz}"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTAGWARDEN_FUZZ=ON -DTAGWARDEN_SANITIZE=ON \
  -DBUILD_TESTING=OFF >/dev/null
ninja -C "$build" -j2 fuzz_extract fuzz_sitemap

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

sitemaps="$build/fuzz-sitemap-corpus"
mkdir -p "$sitemaps"
cp -n "$root"/tests/fuzz/sitemap-corpus/* "$sitemaps"/ 2>/dev/null || true
"$build/tests/fuzz/fuzz_sitemap" "$sitemaps" -artifact_prefix="$findings/sitemap-" \
  -max_total_time="$seconds" -max_len=262144 -timeout=30 -rss_limit_mb=4096 \
  -print_final_stats=1
