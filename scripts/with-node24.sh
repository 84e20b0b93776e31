#!/usr/bin/env bash
# Runs a command with Node 24 (what Vercel runs the pages and the proxy on) first on PATH: the machine's own Node when
# it is 24 already, else the registry's `node@24` package, installed once into .local/node24 (outside node_modules,
# which stays as installed; npm 11 skips its install script and the binary works without it).
# Usage: scripts/with-node24.sh <command…>   e.g. `npm run test:node24` = scripts/with-node24.sh npm test
set -euo pipefail
cd "$(dirname "$0")/.."
major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || true; }
if [ "$(major node)" != 24 ]; then
  bin="$PWD/.local/node24/node_modules/.bin"
  if [ "$(major "$bin/node")" != 24 ]; then
    npm install --prefix .local/node24 --no-audit --no-fund node@24 >&2
  fi
  export PATH="$bin:$PATH"
fi
echo "with-node24: node $(node -v)" >&2
exec "$@"
