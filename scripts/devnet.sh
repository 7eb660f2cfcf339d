#!/usr/bin/env bash
# The main job: provides Node >= 22, installs the workspace, then starts a local devnet
# (hardhat node), deploys Paradigm and runs the network. Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/setup.sh"
cd "$root"
exec npm run --silent devnet -- "$@"
