#!/usr/bin/env bash
# The test command: installs what is missing (scripts/setup.sh), then type check, lint and the
# jest suites (unit, then integration against a real Temporal dev server and the simulator).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm test
