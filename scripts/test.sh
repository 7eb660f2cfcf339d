#!/usr/bin/env bash
# The test command: provides Node >= 22, installs the workspace, runs every test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/setup.sh"
cd "$root"
npm test
