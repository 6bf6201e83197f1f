#!/usr/bin/env bash
# Regenerates catalogue/data/retirejs/jsrepository.json (known-vulnerable JavaScript libraries, from
# retire.js, Apache-2.0) and its LICENSE.md / NOTICE.md.
# Usage: update-retire.sh [DIR]   DIR holds jsrepository-v5.json, LICENSE.md and NOTICE.md
#        update-retire.sh --download   fetches them from github.com/RetireJS/retire.js (master)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ $# -ne 1 ]]; then
  echo "usage: update-retire.sh DIR | --download   (DIR holds jsrepository-v5.json, LICENSE.md, NOTICE.md)" >&2
  exit 2
fi
source_dir="$1"
if [[ "$source_dir" != "--download" && ! -f "$source_dir/jsrepository-v5.json" ]]; then
  echo "update-retire.sh: no jsrepository-v5.json in $source_dir" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ "$source_dir" == "--download" ]]; then
  base="https://raw.githubusercontent.com/RetireJS/retire.js/master"
  curl -fsSL "$base/repository/jsrepository-v5.json" -o "$work/jsrepository-v5.json"
  curl -fsSL "$base/LICENSE.md" -o "$work/LICENSE.md"
  printf 'Copyright 2018 Erlend Oftedal\n\nLicensed under the Apache License, Version 2.0.\n' \
    >"$work/NOTICE.md"
  label="retire.js master, downloaded $(date -u +%Y-%m-%d)"
  source_dir="$work"
else
  label="retire.js repository/jsrepository-v5.json, ${RETIRE_SOURCE_LABEL:-commit fd8df0d (2026-08-22)}"
fi

python3 "$here/convert-retirejs.py" "$source_dir/jsrepository-v5.json" "$label" \
  >"$work/jsrepository.json"
mkdir -p "$here/retirejs"
mv "$work/jsrepository.json" "$here/retirejs/jsrepository.json"
cp "$source_dir/LICENSE.md" "$here/retirejs/LICENSE.md"
cp "$source_dir/NOTICE.md" "$here/retirejs/NOTICE.md"
chmod 644 "$here"/retirejs/*
echo "retire.js: $(grep -c '"name"' "$here/retirejs/jsrepository.json") libraries, \
$(grep -c '"below"' "$here/retirejs/jsrepository.json") advisories"
