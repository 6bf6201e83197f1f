#!/usr/bin/env bash
# store-bench.sh: what the SQLite store costs, and what an incremental re-scan saves, on a site
# from bench/make_site.py served by nginx on 127.0.0.1 (bench/lib/serve.sh, a free port).
#
# usage: bench/store-bench.sh [--bin PATH] [--pages N] [--runs R]
#   --bin    tagwarden binary (default build/cli/tagwarden)
#   --pages  site size (default 2000, compare.sh's fast site)
#   --runs   repetitions of each measurement, medians reported (default 3)
#   (BENCH_TMP default /tmp/bench-store)
#
# Per run, with /usr/bin/time (wall, user+sys CPU of the scan):
#   nostore  scan with --db '' (nothing stored)
#   first    scan into a fresh database
#   rescan   the same scan again into that database: conditional requests (nginx answers 304)
#            and stored tags reused, findings evaluated again
# Prints the storage cost (first vs nostore, wall and CPU) and the re-scan CPU ratio
# (rescan / first). Third-party fetching is off: the fast site names real vendor hosts, and this
# measures the page pipeline and the store only. Every scan is seeded from the sitemap, so each
# visits all pages whatever the link order (and a 304 page's stored links are not needed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/../build/cli/tagwarden pages=2000 runs=3
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --pages) pages=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "store-bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
bin=$(realpath "$bin")
[ -x "$bin" ] || { echo "store-bench.sh: no tagwarden binary at $bin (--bin)" >&2; exit 2; }
export BENCH_TMP=${BENCH_TMP:-/tmp/bench-store}
mkdir -p "$BENCH_TMP"
site=$BENCH_TMP/site-$pages
# shellcheck source=bench/lib/serve.sh
source "$here/lib/serve.sh"
port=$(free_port 18095)
# the sitemap names absolute URLs, so the site is made for the port it will be served on
python3 "$here/make_site.py" --pages "$pages" --out "$site" --base "http://127.0.0.1:$port" 2>/dev/null
trap stop_site EXIT
serve_site "$site" "$BENCH_TMP" 0 "$port" >/dev/null
url=$SITE_URL
work=$BENCH_TMP/work
results=$BENCH_TMP/results.tsv
: >"$results"

# measure NAME DB: one scan; appends "name wall cpu pages" to the results.
measure() {
  local name=$1 db=$2
  (cd "$work" && /usr/bin/time -f "%e %U %S" -o "$work/time" "$bin" scan "$url" --quiet \
    --no-fetch-third-party --sitemap --format console,json --out "$work/report-$name" --no-color --max-pages $((pages * 2)) \
    --max-depth 100 --db "$db" >"$work/out" 2>"$work/err") || {
    local rc=$?
    echo "store-bench.sh: $name scan exited $rc: $(tail -1 "$work/err")" >&2
    exit 1
  }
  local analysed
  analysed=$(sed -n 's/^pages: \([0-9]*\).*/\1/p' "$work/out" | head -1)
  local wall cpu
  read -r wall cpu < <(awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$work/time")
  printf '%s\t%s\t%s\t%s\n' "$name" "$wall" "$cpu" "$analysed" >>"$results"
  echo "  $name: wall ${wall}s, cpu ${cpu}s, pages ${analysed}" >&2
}

for run in $(seq "$runs"); do
  echo "run $run/$runs" >&2
  rm -rf "$work" && mkdir -p "$work"
  if [ $((run % 2)) = 1 ]; then measure nostore ""; fi
  measure first "$work/tw.db"
  measure rescan "$work/tw.db"
  if [ $((run % 2)) = 0 ]; then measure nostore ""; fi
  db_bytes=$(stat -c %s "$work/tw.db")
done

python3 - "$results" "$db_bytes" "$pages" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().splitlines()]
def med(name, col):
    return statistics.median(float(r[col]) for r in rows if r[0] == name)
def pages(name):
    return sorted({r[3] for r in rows if r[0] == name})
wall = {n: med(n, 1) for n in ("nostore", "first", "rescan")}
cpu = {n: med(n, 2) for n in ("nostore", "first", "rescan")}
print(f"site: {sys.argv[3]} pages; pages analysed per scan: "
      + ", ".join(f"{n} {'/'.join(pages(n))}" for n in wall))
print(f"{'scan':8} {'wall s':>8} {'cpu s':>8}   (medians of {len(rows) // 3} runs)")
for n in wall:
    print(f"{n:8} {wall[n]:8.2f} {cpu[n]:8.2f}")
print(f"storage cost, wall: {(wall['first'] - wall['nostore']) / wall['first'] * 100:+.1f}% of the scan")
print(f"storage cost, cpu:  {(cpu['first'] - cpu['nostore']) / cpu['first'] * 100:+.1f}% of the scan")
print(f"incremental re-scan cpu ratio (rescan / first): {cpu['rescan'] / cpu['first']:.3f}")
print(f"database size after two scans: {int(sys.argv[2]) / 1e6:.1f} MB")
PY
