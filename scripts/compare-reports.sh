#!/usr/bin/env bash
# compare-reports.sh: do two tagwarden binaries write the same reports? Scans the bundled example
# site (as scripts/demo.sh does) and a generated 2000-page site (bench/make_site.py, served by
# nginx on 127.0.0.1) with each binary, every file format, each into a fresh directory and
# database; normalises what legitimately varies (clock times, durations, the temp path: see
# scripts/normalize-report.py) and compares the files byte for byte.
#
# usage: scripts/compare-reports.sh [--pages N] [--third-party] [--keep] OLD_BINARY NEW_BINARY
#   --pages N       pages in the generated site (default 2000; 0 skips it)
#   --third-party   scan the generated site with the third-party stage on (default off there:
#                   its vendor hosts do not resolve, and which of a page's tags on a dangling
#                   host gets the TW308 finding varies from run to run, even with one binary)
#   --keep          keep the temp dir (its path is printed) to inspect the reports
# Prints IDENTICAL and exits 0, or prints the differences and exits 1 (2: usage, 3: a scan failed).
# The example site is a directory: its scan fetches nothing. If the generated site's vendor hosts
# resolve on this machine, their requests go to a closed 127.0.0.1 port instead.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pages=2000 keep=0 third_party=(--no-fetch-third-party)
while [ $# -gt 0 ]; do
  case $1 in
    --pages) pages=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --third-party) third_party=(); shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) echo "compare-reports: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -eq 2 ] || { echo "usage: compare-reports.sh [--pages N] [--third-party] [--keep] OLD NEW" >&2; exit 2; }
[[ $pages =~ ^[0-9]+$ ]] || { echo "compare-reports: --pages wants a number" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2")
for b in "$old" "$new"; do
  [ -x "$b" ] || { echo "compare-reports: $b is not an executable" >&2; exit 2; }
done

tmp=$(mktemp -d /tmp/tagwarden-compare-reports.XXXXXX)
# shellcheck source=bench/lib/serve.sh
source "$here/bench/lib/serve.sh"
cleanup() {
  stop_site
  if [ "$keep" = 1 ]; then echo "compare-reports: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
formats=json,sarif,junit,html,csv,markdown
closed_proxy=()
if getent hosts www.googletagmanager.com >/dev/null 2>&1; then
  closed_proxy=(http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 no_proxy=127.0.0.1)
fi

# scan NAME LABEL BINARY ARGS...: one scan in $tmp/run (the same path for both binaries, so paths
# in the reports agree), its reports kept in $tmp/LABEL/NAME, normalised.
scan() {
  local name=$1 label=$2 binary=$3
  shift 3
  rm -rf "$tmp/run" && mkdir -p "$tmp/run"
  local rc=0
  (cd "$tmp/run" && env "${closed_proxy[@]}" "$binary" scan "$@" --format "$formats" --out reports \
    --db tagwarden.db --quiet >stdout.txt 2>stderr.txt) || rc=$?
  if [ "$rc" -gt 1 ]; then  # 1 is "findings at or above --fail-on", a result
    echo "compare-reports: $label scan of $name exited $rc: $(tail -1 "$tmp/run/stderr.txt")" >&2
    exit 3
  fi
  echo "exit $rc" >"$tmp/run/reports/exit-code"
  python3 "$here/scripts/normalize-report.py" "$tmp/run" "$tmp/run/reports"/*
  mkdir -p "$tmp/$label"
  mv "$tmp/run/reports" "$tmp/$label/$name"
}

policy=()
[ -f "$here/examples/policy.yaml" ] && policy=(--policy "$here/examples/policy.yaml")
for label in old new; do
  binary=$old; [ "$label" = new ] && binary=$new
  echo "compare-reports: $label binary, example site" >&2
  scan example "$label" "$binary" "$here/examples/site" --base-url https://www.example-shop.com/ "${policy[@]}"
done

if [ "$pages" -gt 0 ]; then
  port=$(free_port)
  python3 "$here/bench/make_site.py" --pages "$pages" --out "$tmp/site" --base "http://127.0.0.1:$port"
  serve_site "$tmp/site" "$tmp" 0 "$port"
  for label in old new; do
    binary=$old; [ "$label" = new ] && binary=$new
    echo "compare-reports: $label binary, generated site ($pages pages)" >&2
    scan generated "$label" "$binary" "$SITE_URL" --max-pages 0 --concurrency 64 --per-host 64 \
      "${third_party[@]}"
  done
  stop_site
fi

if diff -r "$tmp/old" "$tmp/new" >"$tmp/diff.txt"; then
  echo "IDENTICAL ($(find "$tmp/old" -type f | wc -l) report files)"
  exit 0
fi
head -c 20000 "$tmp/diff.txt"
echo "DIFFERENT (full diff: $(wc -l <"$tmp/diff.txt") lines; --keep to inspect)" >&2
exit 1
