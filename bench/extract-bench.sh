#!/usr/bin/env bash
# Extraction CPU per page as a ratio to a bare Gumbo parse of the same pages (goal <= 1.25x), on
# a site from bench/make_site.py (compare.sh's fast site). Everything generated goes to
# $BENCH_TMP (default /tmp/bench-extract), never into the repository.
# Usage: bench/extract-bench.sh [PAGES=300] [ROUNDS=5]
set -euo pipefail
pages="${1:-300}"
rounds="${2:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${BENCH_TMP:-/tmp/bench-extract}"
build="$work/build"
mkdir -p "$work"

python3 "$root/bench/make_site.py" --pages "$pages" --out "$work/site" 2>/dev/null
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
ninja -C "$build" -j2 extract_bench >/dev/null
"$build/bench/extract_bench" --rounds "$rounds" "$work/site" "$work/site.urls" \
  http://127.0.0.1 "$work/site.expected.tsv"
