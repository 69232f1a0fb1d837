#!/bin/sh
# Builds app.zip, the package a Flex Consumption Function App runs: only what the Functions host
# loads. That is the compiled functions and shared code (dist/functions, dist/shared), the JSON
# they import (dist/infra: Cosmos DB's indexing policy), the built workspace pages when present
# (dist/web, static files an HTTP function serves), host.json, package.json and the production
# dependencies. Not the local host, the stand-ins, the benchmarks, the tools, the tests or any
# source. better-sqlite3's native build is skipped: only the embedded default loads it.
#
#   sh infra/package.sh [--skip-build] [OUTPUT.zip]     (default: app.zip at the project root)
#
# --skip-build packages dist/ as it is (the tests build once and package what they built).
# POSIX sh: runs under dash, bash or busybox; needs npm, zip and mktemp.
set -eu

build=true
if [ "${1:-}" = "--skip-build" ]; then
  build=false
  shift
fi
out=${1:-}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$out" in
  '') out="$root/app.zip" ;;
  /*) ;;
  *) out="$(pwd)/$out" ;;
esac
cd "$root"

if $build; then npm run build; fi
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
mkdir "$staging/dist"
for part in functions shared infra web; do
  if [ -d "dist/$part" ]; then cp -R "dist/$part" "$staging/dist/"; fi
done
cp host.json package.json package-lock.json "$staging/"
(cd "$staging" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
rm -f "$out"
(cd "$staging" && zip -qr "$out" .)
echo "$(basename "$out"): $(du -h "$out" | cut -f1)"
