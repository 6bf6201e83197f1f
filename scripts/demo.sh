#!/usr/bin/env bash
# README command 1: install what is missing, build, and scan the bundled example site (no network).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/install-deps.sh"
bash "$here/scripts/build.sh"
out=$here/out/demo
mkdir -p "$out"
rm -f "$out/tagwarden.db" "$out/tagwarden.db-wal" "$out/tagwarden.db-shm"
policy=()
[[ -f "$here/examples/policy.yaml" ]] && policy=(--policy "$here/examples/policy.yaml")
set +e
"${TAGWARDEN_BUILD_DIR:-$here/build}/cli/tagwarden" scan "$here/examples/site" \
  --base-url https://www.example-shop.com/ "${policy[@]}" \
  --format json,sarif,junit,html,csv,markdown --out "$out" --db "$out/tagwarden.db"
code=$?
set -e
echo "exit code: $code (0 ok, 1 findings at or above --fail-on, 2 usage, 3 scan could not run, 4 interrupted)"
echo "open $out/tagwarden-report.html in a browser for the full report"
# Findings are the point of the demo, not a failure of it.
[[ $code -le 1 ]]
