#!/usr/bin/env bash
# The test command: installs what is missing (scripts/setup.sh), checks the gpu-runtime's formatting
# (ruff format) and runs its pytest suite, then type check, lint, Prettier's check and the jest
# suites (unit, then integration against a real Temporal dev server, the simulator, and the real
# trainer and CPU server with SmolLM2; the benchmark runs there at a tiny size,
# test/integration/bench-tiny.test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
(cd gpu-runtime && ../.venv/bin/ruff format --check . && ../.venv/bin/python -m pytest -q)
npm test
