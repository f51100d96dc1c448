#!/usr/bin/env bash
# The main job: installs what is missing, then runs Algorithm 1 on the embedded defaults
# (dev server + simulator + worker in one process) and prints the final table and the UI address.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node dist/cli/main.js demo "$@"
