#!/usr/bin/env bash
# The test command: installs what is missing (scripts/setup.sh), runs the benchmark at a tiny
# size, then the gpu-runtime's pytest suite, then type check, lint and the jest suites (unit, then
# integration against a real Temporal dev server, the simulator, and the real trainer and CPU
# server with SmolLM2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The benchmark at a tiny size, to show it works (its figures mean nothing at this size).
node dist/bench/run.js --tiny --out .maft/bench/tiny.json
(cd gpu-runtime && ../.venv/bin/python -m pytest -q)
npm test
