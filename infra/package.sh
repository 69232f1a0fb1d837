#!/bin/sh
# Builds app.zip, the package a Flex Consumption Function App runs: the Functions entry point and
# everything it imports, tree-shaken (infra/bundle.config.ts), shipped as dist/functions/index.js
# (package.json's "main") with the modules it loads on first use in dist/functions/chunks/, the
# built workspace pages when present (dist/web, static files an HTTP function serves), host.json and a package.json naming the
# entry point. No node_modules: the bundle holds the production code of every dependency it uses,
# and the Functions host's worker provides @azure/functions-core. Not the local host, the
# stand-ins, the benchmarks, the tools, the tests or any source. The embedded default (SQLite, a
# native module) is not in it: the package runs on Cosmos DB and Service Bus only.
#
#   sh infra/package.sh [--skip-build] [OUTPUT.zip]     (default: app.zip at the project root)
#
# --skip-build takes dist/web as it is instead of running `npm run build` (the tests build once);
# the bundle is always made, from the sources.
# POSIX sh: runs under dash, bash or busybox; needs npm, node, zip and mktemp.
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
npm run --silent bundle
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/dist/functions"
cp -R dist/bundle/functions/. "$staging/dist/functions/"
if [ -d dist/web ]; then cp -R dist/web "$staging/dist/"; fi
cp host.json "$staging/"
# The package's identity and entry point, without the dependencies: they are in the bundle.
node -e '
  const p = require("./package.json");
  const shipped = { name: p.name, version: p.version, description: p.description, license: p.license,
    private: true, type: p.type, main: p.main, engines: p.engines };
  process.stdout.write(JSON.stringify(shipped, null, 2) + "\n");
' > "$staging/package.json"
rm -f "$out"
(cd "$staging" && zip -qr "$out" .)
echo "$(basename "$out"): $(du -h "$out" | cut -f1)"
