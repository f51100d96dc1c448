#!/usr/bin/env bash
# vLLM's OpenAI-compatible server for maft on a GPU host: one base model, one LoRA adapter per agent
# per iteration, published at runtime by maft's workers with POST /v1/load_lora_adapter.
# (Not run in CI: it needs vLLM and a GPU. The CPU equivalent is `python -m maft_runtime.serve`.)
#
#   gpu-runtime/scripts/serve-vllm.sh                      # defaults below
#   MAFT_AGENTS=5 MAFT_LORA_RANK=32 gpu-runtime/scripts/serve-vllm.sh --tensor-parallel-size 2
#
# Extra arguments are passed to `vllm serve` unchanged (they come last, so they override).
#
# Environment (defaults in brackets):
#   MAFT_BASE_MODEL       served name of the base model, as in maft's config `baseModel` [SmolLM2-135M-Instruct]
#   MAFT_MODELS_DIR       where base models live [<repo>/.maft/models]; the model is MAFT_MODELS_DIR/MAFT_BASE_MODEL
#   MAFT_MODEL_PATH       the checkpoint folder (or a hub id on a machine with network) [MAFT_MODELS_DIR/MAFT_BASE_MODEL]
#   MAFT_ADAPTER_ROOT     must be the path the workers send as lora_path (their MAFT_ADAPTER_ROOT); only checked here
#   MAFT_AGENTS           N, agents in the society [3]
#   MAFT_LORA_RANK        the LoRA rank the trainer uses (maft config training.lora.rank) [16]
#   MAFT_MAX_LORAS        adapters usable in one batch [2 * N: each agent's generator and critic]
#   MAFT_MAX_CPU_LORAS    adapters cached in host memory [2 * MAX_LORAS: this iteration's and the last one's]
#   MAFT_MAX_NUM_SEQS     sequences vLLM runs at once [256]; maft's inference capacity C: give the workers the same MAFT_INFERENCE_CONCURRENCY
#   MAFT_MAX_MODEL_LEN    prompt + completion tokens [4096]; debate prompts grow with N and rounds
#   MAFT_GPU_MEMORY_UTILIZATION  fraction of GPU memory vLLM may take [0.90]
#   MAFT_VLLM_HOST, MAFT_VLLM_PORT  where to listen [0.0.0.0, 8000]
#
# Sizing notes:
#   --max-loras bounds how many *different* adapters one batch can mix (GPU slots, each sized for
#   --max-lora-rank). maft's debates and evaluations call all 2N agent models at once, so anything below 2N
#   serialises agents. Slots cost GPU memory (max_loras x max_lora_rank x layers), so do not oversize.
#   --max-cpu-loras is the host-side LRU cache of loaded adapters (>= max-loras); adapters evicted from it
#   are reloaded from lora_path on demand, so older iterations stay servable by name.
#   --max-lora-rank must be >= the rank of every adapter and one of vLLM's supported values
#   (1, 8, 16, 32, 64, 128, 256, 320, 512); maft's ranks (8..256) all are.
#   --max-num-seqs is the engine's concurrency C: size maft's workers from the same number
#   (MAFT_INFERENCE_CONCURRENCY; core/sizing.ts), so enough calls are in flight to keep the GPU full.
#   --seed fixes the server's default sampling seed; maft sends a per-request `seed`, which vLLM honours
#   per request, so reruns reproduce whatever the batching.
#   Prefix caching (on by default in vLLM V1) keys cached blocks by adapter. maft gives every adapter a new
#   name per iteration (<runId>-l<l>-gen<n>): never unload and reload different weights under one name,
#   or requests may hit KV blocks cached for the old weights.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"

BASE_MODEL="${MAFT_BASE_MODEL:-SmolLM2-135M-Instruct}"
MODELS_DIR="${MAFT_MODELS_DIR:-$REPO_ROOT/.maft/models}"
MODEL_PATH="${MAFT_MODEL_PATH:-$MODELS_DIR/$BASE_MODEL}"
AGENTS="${MAFT_AGENTS:-3}"
LORA_RANK="${MAFT_LORA_RANK:-16}"
MAX_LORAS="${MAFT_MAX_LORAS:-$((2 * AGENTS))}"
MAX_CPU_LORAS="${MAFT_MAX_CPU_LORAS:-$((2 * MAX_LORAS))}"
MAX_NUM_SEQS="${MAFT_MAX_NUM_SEQS:-256}"
MAX_MODEL_LEN="${MAFT_MAX_MODEL_LEN:-4096}"
GPU_MEMORY_UTILIZATION="${MAFT_GPU_MEMORY_UTILIZATION:-0.90}"
HOST="${MAFT_VLLM_HOST:-0.0.0.0}"
PORT="${MAFT_VLLM_PORT:-8000}"

# vLLM's --max-lora-rank takes only certain values: round the trainer's rank up to the next one.
MAX_LORA_RANK=""
for r in 1 8 16 32 64 128 256 320 512; do
  if [ "$r" -ge "$LORA_RANK" ]; then MAX_LORA_RANK="$r"; break; fi
done
if [ -z "$MAX_LORA_RANK" ]; then
  echo "serve-vllm.sh: LoRA rank $LORA_RANK is above vLLM's largest max-lora-rank (512)" >&2
  exit 2
fi
if [ "$MAX_LORAS" -lt "$((2 * AGENTS))" ]; then
  echo "serve-vllm.sh: warning: MAFT_MAX_LORAS=$MAX_LORAS < 2N=$((2 * AGENTS)); agents' calls will be serialised" >&2
fi
if [ "$MAX_CPU_LORAS" -lt "$MAX_LORAS" ]; then
  echo "serve-vllm.sh: MAFT_MAX_CPU_LORAS ($MAX_CPU_LORAS) must be >= MAFT_MAX_LORAS ($MAX_LORAS)" >&2
  exit 2
fi
if [ -n "${MAFT_ADAPTER_ROOT:-}" ] && [ ! -d "$MAFT_ADAPTER_ROOT" ]; then
  echo "serve-vllm.sh: warning: MAFT_ADAPTER_ROOT=$MAFT_ADAPTER_ROOT does not exist here; the workers' lora_path must be readable by this server" >&2
fi
if ! command -v vllm >/dev/null 2>&1; then
  echo "serve-vllm.sh: vllm is not installed (pip install vllm on the GPU host)" >&2
  exit 127
fi

# Runtime LoRA loading (POST /v1/load_lora_adapter, /v1/unload_lora_adapter) is off unless this is set.
export VLLM_ALLOW_RUNTIME_LORA_UPDATING=True

set -x
exec vllm serve "$MODEL_PATH" \
  --served-model-name "$BASE_MODEL" \
  --host "$HOST" --port "$PORT" \
  --enable-lora \
  --max-loras "$MAX_LORAS" \
  --max-cpu-loras "$MAX_CPU_LORAS" \
  --max-lora-rank "$MAX_LORA_RANK" \
  --max-num-seqs "$MAX_NUM_SEQS" \
  --max-model-len "$MAX_MODEL_LEN" \
  --gpu-memory-utilization "$GPU_MEMORY_UTILIZATION" \
  --generation-config vllm \
  "$@"
