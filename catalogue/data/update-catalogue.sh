#!/usr/bin/env bash
# Regenerates catalogue/data/third-party-web/ from the npm package third-party-web (MIT):
# the converted entities and the package's licence. Usage: update-catalogue.sh [VERSION]
set -euo pipefail
version="${1:-0.30.0}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "third-party-web@${version}" >/dev/null)
tar -xzf "$work"/third-party-web-*.tgz -C "$work"
python3 "$here/convert-third-party-web.py" "$work/package/dist/entities.json" "$version" \
  >"$work/entities.json"
mkdir -p "$here/third-party-web"
mv "$work/entities.json" "$here/third-party-web/entities.json"
cp "$work/package/LICENSE" "$here/third-party-web/LICENSE"
echo "third-party-web ${version}: $(grep -c '"name"' "$here/third-party-web/entities.json") vendors"
