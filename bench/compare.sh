#!/usr/bin/env bash
# compare.sh: tagwarden against its parse ceiling and its peers, on a generated site served on
# 127.0.0.1, all in one invocation, so the figures that matter are ratios, not seconds.
#
# usage: bench/compare.sh [--pages N] [--runs N] [--only LIST] [--quick] [--slow]
#                         [--slow-pages N] [--delay-ms MS] [--bin PATH] [--timeout S]
#   --pages N      pages in the fast site (default 2000)
#   --runs N       runs of every tool, medians reported (default 3)
#   --only LIST    comma-separated subset of: gumbo,wget2,crawlee,tagwarden,tagwarden-default
#   --quick        a smoke test: 200 pages (50 on the slow site), 1 run, 120 s timeout
#   --slow         also the slow site: every answer delayed (bench/slow_server.py), latency-bound
#   --slow-pages N pages in the slow site (default 300); --delay-ms MS its delay (default 100)
#   --bin PATH     the tagwarden binary (default build/cli/tagwarden)
#   --timeout S    per tool and run (default 600)
#
# The tools (each in a fresh empty directory, under `timeout` and /usr/bin/time -v):
#   gumbo              bench/gumbo_ceiling on 2 threads: every page parsed from memory (the ceiling)
#   wget2              recursive crawl, 8 threads, pages deleted after link extraction (Debian)
#   crawlee            bench/peers/crawlee_crawl.mjs: CheerioCrawler, 16 concurrent, tag extraction
#   tagwarden          tuned: scan URL --max-pages 0 --concurrency 64 --per-host 64 --format console
#                      --no-fetch-third-party --db ''
#   tagwarden-default  what a user types: scan URL --max-pages 0 --concurrency 64 --per-host 64
#                      (JSON report, tagwarden.db, third-party stage on; the site's vendor hosts do
#                      not resolve here, and if they do, they are sent to a closed 127.0.0.1 port)
# Pages fetched are counted from the server's access log (answers 200 to .html paths), never from a
# tool's output; a tool that misses pages is INCOMPLETE and gets no ratio.
# Installs what is missing: nginx-light, wget2, time (Debian), crawlee (npm, into
# build/bench-peers), and builds bench/gumbo_ceiling. Sites and logs go to $BENCH_TMP
# (default /tmp/tagwarden-compare), never into the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
pages=2000 runs=3 only="gumbo,wget2,crawlee,tagwarden,tagwarden-default" slow=0 slow_pages=300
delay_ms=100 bin=$repo/build/cli/tagwarden timeout_s=600 quick=0
while [ $# -gt 0 ]; do
  case $1 in
    --pages) pages=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    --slow) slow=1; shift ;;
    --slow-pages) slow_pages=$2; slow=1; shift 2 ;;
    --delay-ms) delay_ms=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$quick" = 1 ]; then pages=200 slow_pages=50 runs=1 timeout_s=120; fi
for n in "$pages" "$runs" "$slow_pages" "$delay_ms" "$timeout_s"; do
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || { echo "compare.sh: '$n' is not a positive number" >&2; exit 2; }
done
for tool in ${only//,/ }; do
  case $tool in gumbo|wget2|crawlee|tagwarden|tagwarden-default) ;;
    *) echo "compare.sh: unknown tool '$tool' in --only" >&2; exit 2 ;; esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }

work=${BENCH_TMP:-/tmp/tagwarden-compare}
peers=$repo/build/bench-peers
mkdir -p "$work"
# shellcheck source=bench/lib/serve.sh
source "$here/lib/serve.sh"
# shellcheck source=bench/lib/peers.sh
source "$here/lib/peers.sh"
trap stop_site EXIT

install_peers
results=$work/results.tsv
: >"$results"

# run_tool SITE TOOL RUN DOCROOT: one measured run; appends a row to $results.
run_tool() {
  local site=$1 tool=$2 run=$3 root=$4 dir=$work/run/$1-$2-$3
  rm -rf "$dir" && mkdir -p "$dir"
  local -a cmd env_prefix=()
  tool_command "$tool" "$root"
  : >"$site_log"
  local status=ok
  (cd "$dir" && env "${env_prefix[@]}" /usr/bin/time -v -o "$dir/time.txt" \
    timeout "$timeout_s" "${cmd[@]}" >"$dir/out.txt" 2>"$dir/err.txt") || status="exit$?"
  [ "$status" = exit124 ] && status="TIMEOUT(${timeout_s}s)"
  local wall rss cpu fetched
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$dir/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$dir/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$dir/time.txt")
  if [ "$tool" = gumbo ]; then
    fetched=$(awk '{ print $2 }' "$dir/out.txt")
    wall=$(awk '{ print $4 }' "$dir/out.txt")  # its own timer: reading the files is not parsing
  else
    fetched=$(grep -cE '^200 .*\.html$' "$site_log" || true)
  fi
  # a scan that finds problems exits 1; that is a result, not a failure
  case $tool:$status in tagwarden*:exit1) status=ok ;; esac
  [ "${fetched:-0}" -lt "$expected" ] && [ "$status" = ok ] && status="INCOMPLETE($fetched/$expected)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$site" "$tool" "$run" "${fetched:-0}" "$expected" \
    "${wall:-0}" "${rss:-0}" "${cpu:-0}" "$status" >>"$results"
  printf '  %-18s run %s: %s pages in %ss, %s\n' "$tool" "$run" "${fetched:-0}" "${wall:-?}" "$status" >&2
}

# measure SITE PAGES DELAY_MS PREFERRED_PORT
measure() {
  local site=$1 n=$2 delay=$3 root=$work/site-$2 port
  port=$(free_port "$4")
  # the site names absolute URLs (robots.txt's sitemap, canonical links) on the port it is served on
  python3 "$here/make_site.py" --pages "$n" --out "$root" --base "http://127.0.0.1:$port"
  serve_site "$root" "$work" "$delay" "$port"
  site_log=$work/access.log expected=$n
  echo "$site site: $n pages on $SITE_URL (delay ${delay} ms)" >&2
  for run in $(seq "$runs"); do
    for tool in gumbo wget2 crawlee tagwarden tagwarden-default; do
      wants "$tool" || continue
      [ "$tool" = gumbo ] && [ "$site" = slow ] && continue  # the ceiling does not change with latency
      run_tool "$site" "$tool" "$run" "$root"
    done
  done
  stop_site
}

measure fast "$pages" 0 18089
[ "$slow" = 1 ] && measure slow "$slow_pages" "$delay_ms" 18090
python3 "$here/compare_summary.py" "$results" | tee "$work/table.txt"
echo "(rows: $results; logs: $work/run/)" >&2
