#!/usr/bin/env bash
# Builds app.zip, the package a Flex Consumption Function App runs: the compiled code, host.json,
# package.json and the production dependencies. better-sqlite3's native build is skipped: only the
# embedded default loads it, never the app on Azure.
#
#   bash infra/package.sh [--skip-build] [OUTPUT.zip]     (default: app.zip at the project root)
#
# --skip-build packages dist/ as it is (the tests build once and package what they built).
set -euo pipefail
cd "$(dirname "$0")/.."

build=true
if [ "${1:-}" = "--skip-build" ]; then
  build=false
  shift
fi
out=$(realpath -m "${1:-app.zip}")

if $build; then npm run build; fi
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -r dist host.json package.json package-lock.json "$staging/"
(cd "$staging" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
rm -f "$out"
(cd "$staging" && zip -qr "$out" .)
echo "$(basename "$out"): $(du -h "$out" | cut -f1)"
