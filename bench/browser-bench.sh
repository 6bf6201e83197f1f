#!/usr/bin/env bash
# browser-bench.sh: the browser pass's speed (--browser) on a site from bench/make_site.py served
# on 127.0.0.1 (bench/lib/serve.sh), and the static crawl of the same site with --browser off for
# the ratio. Pages/s of the browser pass is rendered pages over the pass's own time (the scan
# records it as browser_seconds); Chromium renders with --offline, so the generated site's vendor
# hosts are never asked for. Everything generated goes to $BENCH_TMP.
#
# usage: bench/browser-bench.sh [--pages N] [--tabs N] [--runs K] [--bin PATH] [-- SCAN FLAGS...]
#   --pages N   pages in the site, every one rendered (default 200)
#   --tabs N    pages in flight in Chromium (default 4)
#   --runs K    scans of the same site (default 2)
#   --bin PATH  tagwarden binary (default build/cli/tagwarden under the repo)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
pages=200 tabs=4 runs=2 bin=$repo/build/cli/tagwarden
while [ $# -gt 0 ]; do
  case $1 in
    --pages) pages=$2; shift 2 ;;
    --tabs) tabs=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "browser-bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || { echo "browser-bench: $bin is not built (cmake --build build)" >&2; exit 2; }
sandbox=()
[ "$(id -u)" = 0 ] && sandbox=(--browser-no-sandbox)  # Chromium's sandbox does not start as root
export BENCH_TMP=${BENCH_TMP:-/tmp/bench-browser}
mkdir -p "$BENCH_TMP"
site=$BENCH_TMP/site-$pages
# shellcheck source=bench/lib/serve.sh
source "$here/lib/serve.sh"
port=$(free_port 18190)
python3 "$here/make_site.py" --pages "$pages" --out "$site" --base "http://127.0.0.1:$port"
trap stop_site EXIT
serve_site "$site" "$BENCH_TMP" 0 "$port"

# scan RUN_DIR FLAGS...: one scan of the site; prints "wall_s pages rendered browser_s".
scan() {
  local work=$1; shift
  rm -rf "$work" && mkdir -p "$work"
  local start end
  start=$(date +%s.%N)
  ( cd "$work" && "$bin" scan "$SITE_URL" --quiet --db '' --max-pages 0 --format json \
      --no-fetch-third-party --out . "$@" > scan.log 2>&1 ) || true
  end=$(date +%s.%N)
  python3 - "$work/tagwarden-report.json" "$start" "$end" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
settings = report["scan"]["settings"]
print(float(sys.argv[3]) - float(sys.argv[2]), report["scan"]["counts"]["pages_analysed"],
      settings.get("browser_pages_rendered", 0), settings.get("browser_seconds", 0))
PY
}

printf '%-5s %6s %9s %9s %9s %9s %10s\n' run pages static_s browser_s rendered pages/s scan_ratio
for run in $(seq 1 "$runs"); do
  read -r static_wall _ _ _ < <(scan "$BENCH_TMP/static-$run")
  read -r wall analysed rendered browser_s < <(scan "$BENCH_TMP/browser-$run" --browser \
      --browser-tabs "$tabs" --offline "${sandbox[@]}" "$@")
  awk -v r="$run" -v p="$analysed" -v s="$static_wall" -v b="$browser_s" -v n="$rendered" \
      -v w="$wall" \
      'BEGIN { printf "%-5s %6d %9.2f %9.2f %9d %9.2f %10.1f\n", r, p, s, b, n, (b > 0 ? n / b : 0), w / s }'
done
