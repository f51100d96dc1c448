# vLLM's CUDA image with maft's vLLM plugin package (gpu-runtime/vllm-cpu-plugin), whose
# maft_s3_lora_resolver fetches an adapter from the object store (MAFT_ARTIFACTS=s3://bucket/prefix)
# into the engine's local cache before vLLM loads it. serve-vllm.sh allows only the plugins it names
# (VLLM_PLUGINS), so the package's CPU-build plugin stays off here. Build from the repository root:
#   docker build -f docker/vllm.Dockerfile -t maft-vllm:local .
FROM vllm/vllm-openai:v0.33.0
COPY gpu-runtime/vllm-cpu-plugin /opt/maft/vllm-plugin
# boto3 pinned as in gpu-runtime/requirements.txt; the plugin itself without dependencies (vLLM is the image's).
RUN uv pip install --system boto3==1.44.8 && uv pip install --system --no-deps /opt/maft/vllm-plugin
