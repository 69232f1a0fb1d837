#!/usr/bin/env bash
# Builds app.zip, the package a Flex Consumption Function App runs: the compiled code, host.json,
# package.json and the production dependencies. better-sqlite3's native build is skipped: only the
# embedded default loads it, never the app on Azure.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build
rm -rf .package app.zip
mkdir .package
cp -r dist host.json package.json package-lock.json .package/
(cd .package && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
(cd .package && zip -qr ../app.zip .)
rm -rf .package
echo "app.zip: $(du -h app.zip | cut -f1)"
