#!/usr/bin/env bash
# history-bench.sh: what an unchanged nightly re-scan costs in database space and time, on the
# fast site of bench/make_site.py (served by nginx on 127.0.0.1, bench/lib/serve.sh), with wget2
# crawling the same site in the same run for speed.
#
# usage: bench/history-bench.sh [--bin PATH] [--pages N] [--runs R] [--port P]
#   --bin    tagwarden binary (default build/cli/tagwarden)
#   --pages  site size (default 2000, compare.sh's fast site)
#   --runs   repetitions, medians reported (default 3)
#   --port   preferred nginx port on 127.0.0.1 (default 8096, a free one is taken if busy;
#            BENCH_TMP default /tmp/bench-history)
#
# Per run: a first scan into a fresh database, then two unchanged re-scans into it (conditional
# requests answered 304, stored analyses and findings reused). The database is checkpointed (WAL
# folded in) after each scan, so its size is what the scan added. Prints the growth of each
# re-scan as a ratio to the first scan's growth (the goal: <= 0.05), the re-scan's pages/s, and
# wget2's pages/s (8 threads, recursive, no parse; skipped when wget2 is not installed), ratio too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/../build/cli/tagwarden pages=2000 runs=3 port=8096
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --pages) pages=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "history-bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
bin=$(realpath "$bin")
[ -x "$bin" ] || { echo "history-bench.sh: no tagwarden binary at $bin (--bin)" >&2; exit 2; }
export BENCH_TMP=${BENCH_TMP:-/tmp/bench-history}
mkdir -p "$BENCH_TMP"
site=$BENCH_TMP/site-$pages
# shellcheck source=bench/lib/serve.sh
source "$here/lib/serve.sh"
port=$(free_port "$port")
# the sitemap names absolute URLs, so the site is made for the port it will be served on
python3 "$here/make_site.py" --pages "$pages" --out "$site" --base "http://127.0.0.1:$port" 2>/dev/null
trap stop_site EXIT
serve_site "$site" "$BENCH_TMP" 0 "$port" >/dev/null
url=$SITE_URL
work=$BENCH_TMP/work
results=$BENCH_TMP/results.tsv
: >"$results"

db_bytes() {
  python3 - "$1" <<'PY'
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
print(os.path.getsize(sys.argv[1]))
PY
}

# scan NAME: one scan into $work/tw.db; appends "name wall pages bytes_after" to the results.
scan() {
  local name=$1 start end
  start=$(date +%s.%N)
  (cd "$work" && "$bin" scan "$url" --quiet --no-fetch-third-party --sitemap --format console \
    --no-color --max-pages $((pages * 2)) --max-depth 100 --db "$work/tw.db" >"$work/out" \
    2>"$work/err") || {
    echo "history-bench.sh: $name scan exited $?: $(tail -1 "$work/err")" >&2
    exit 1
  }
  end=$(date +%s.%N)
  local analysed bytes
  analysed=$(sed -n 's/^pages: \([0-9]*\).*/\1/p' "$work/out" | head -1)
  bytes=$(db_bytes "$work/tw.db")
  printf '%s\t%s\t%s\t%s\n' "$name" "$(echo "$end - $start" | bc)" "$analysed" "$bytes" >>"$results"
  echo "  $name: $(echo "$end - $start" | bc)s, pages $analysed, database $bytes bytes" >&2
}

wget2_run() {
  command -v wget2 >/dev/null || return 0
  rm -rf "$work/wget2"
  local start end
  start=$(date +%s.%N)
  wget2 -q -r -l inf --max-threads 8 --no-robots -P "$work/wget2" "$url" || true
  end=$(date +%s.%N)
  local fetched
  fetched=$(find "$work/wget2" -type f | wc -l)
  printf 'wget2\t%s\t%s\t0\n' "$(echo "$end - $start" | bc)" "$fetched" >>"$results"
  echo "  wget2: $(echo "$end - $start" | bc)s, files $fetched" >&2
}

for run in $(seq "$runs"); do
  echo "run $run/$runs" >&2
  rm -rf "$work" && mkdir -p "$work"
  echo "  empty: $(db_bytes "$work/tw.db") bytes" >&2
  printf 'empty\t0\t0\t%s\n' "$(db_bytes "$work/tw.db")" >>"$results"
  scan first
  scan rescan1
  scan rescan2
  wget2_run
done

python3 - "$results" "$pages" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().splitlines()]
runs = []
current = []
for row in rows:
    if row[0] == "empty" and current:
        runs.append(current)
        current = []
    current.append(row)
runs.append(current)
growth = {"first": [], "rescan1": [], "rescan2": []}
speed = {"first": [], "rescan1": [], "rescan2": [], "wget2": []}
for run in runs:
    by = {row[0]: row for row in run}
    previous = int(by["empty"][3])
    for name in ("first", "rescan1", "rescan2"):
        growth[name].append(int(by[name][3]) - previous)
        previous = int(by[name][3])
        speed[name].append(int(by[name][2] or 0) / float(by[name][1]))
    if "wget2" in by:
        speed["wget2"].append(int(by["wget2"][2]) / float(by["wget2"][1]))
med = lambda values: statistics.median(values) if values else float("nan")
print(f"site: {sys.argv[2]} pages; medians of {len(runs)} runs")
print(f"{'scan':8} {'growth MB':>10} {'ratio':>7} {'pages/s':>9}")
for name in ("first", "rescan1", "rescan2"):
    ratio = med(growth[name]) / med(growth["first"])
    print(f"{name:8} {med(growth[name]) / 1e6:10.2f} {ratio:7.3f} {med(speed[name]):9.0f}")
if speed["wget2"]:
    print(f"{'wget2':8} {'':10} {'':7} {med(speed['wget2']):9.0f}")
    print(f"re-scan speed / wget2: {med(speed['rescan1']) / med(speed['wget2']):.2f} x")
print(f"unchanged re-scan growth / first scan growth: {med(growth['rescan1']) / med(growth['first']):.3f}"
      " (goal <= 0.05)")
PY
