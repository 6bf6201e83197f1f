#!/usr/bin/env bash
# crawl-bench.sh: crawl speed and memory of `tagwarden scan` alone on a site from bench/make_site.py
# served on 127.0.0.1 (bench/lib/serve.sh: nginx on a free port, or the delaying Python server).
# Prints pages/s, CPU seconds and max RSS from /usr/bin/time. Everything generated goes to
# $BENCH_TMP. bench/compare.sh puts the same scan next to its ceiling and peers.
#
# usage: bench/crawl-bench.sh [--pages N] [--delay-ms MS] [--runs K] [--bin PATH] [--default]
#                             [-- SCAN FLAGS...]
#   --pages N      pages in the site (default 2000; 100000 for the memory-at-scale figure)
#   --delay-ms MS  answer every request after MS like a remote site (default 0: nginx, unthrottled)
#   --runs K       crawls of the same site (default 3)
#   --bin PATH     tagwarden binary (default build/cli/tagwarden under the repo)
#   --default      the scan as a user types it: default report and third-party stage (the vendor
#                  hosts of the generated site do not resolve, as on a machine without egress);
#                  without it the scan is `--format json --no-fetch-third-party`
#   extra flags after -- go to `tagwarden scan` (e.g. --concurrency 64 --per-host 64)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
pages=2000 delay=0 runs=3 bin=$repo/build/cli/tagwarden
shape=(--format json --no-fetch-third-party)
while [ $# -gt 0 ]; do
  case $1 in
    --pages) pages=$2; shift 2 ;;
    --delay-ms) delay=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --default) shape=(); shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "crawl-bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || { echo "crawl-bench: $bin is not built (cmake --build build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "crawl-bench: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
export BENCH_TMP=${BENCH_TMP:-/tmp/bench-crawl}
mkdir -p "$BENCH_TMP"
site=$BENCH_TMP/site-$pages
# shellcheck source=bench/lib/serve.sh
source "$here/lib/serve.sh"
port=$(free_port 18189)
python3 "$here/make_site.py" --pages "$pages" --out "$site" --base "http://127.0.0.1:$port"
trap stop_site EXIT
serve_site "$site" "$BENCH_TMP" "$delay" "$port"

printf '%-5s %8s %9s %8s %8s %12s %s\n' run pages wall_s pages/s cpu_s max_rss_MiB fetched
for run in $(seq 1 "$runs"); do
  work=$BENCH_TMP/run-$run
  rm -rf "$work" && mkdir -p "$work"
  : > "$BENCH_TMP/access.log"
  start=$(date +%s.%N)
  ( cd "$work" && /usr/bin/time -f '%e %U %S %M' -o time.txt \
      "$bin" scan "$SITE_URL" --quiet --db tw.db --max-pages 0 "${shape[@]}" "$@" \
      > scan.log 2>&1 ) || true
  end=$(date +%s.%N)
  read -r wall user sys rss_kb < "$work/time.txt" || true
  analysed=$(grep -oE '^ *pages: *[0-9]+' "$work/scan.log" | grep -oE '[0-9]+' | head -1 || echo 0)
  fetched=$(grep -cE '^200 .*\.html$' "$BENCH_TMP/access.log" || true)
  awk -v r="$run" -v p="${analysed:-0}" -v s="$start" -v e="$end" -v u="$user" -v y="$sys" \
      -v m="$rss_kb" -v f="$fetched" \
      'BEGIN { w = e - s; printf "%-5s %8d %9.2f %8.1f %8.2f %12.1f %s\n", r, p, w, p / w, u + y, m / 1024, f }'
done
