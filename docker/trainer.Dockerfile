# The gpu-runtime's trainer (docs/trainer.md) with a CUDA build of torch. Build from the repository root:
#   docker build -f docker/trainer.Dockerfile -t maft-trainer:local .
# Base models are read from MAFT_MODELS_DIR (/models), finetuned models written to MAFT_ADAPTER_ROOT
# and, with MAFT_ARTIFACTS=s3://bucket/prefix, uploaded to the object store.
FROM python:3.11.13-slim-bookworm
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /opt/maft/gpu-runtime
COPY gpu-runtime/requirements.txt requirements.txt
# PyPI's torch wheels for Linux x86_64 are the CUDA builds (the CUDA libraries come as nvidia-* wheels;
# the host's NVIDIA driver and container toolkit do the rest). The check fails the build on a CPU-only torch.
RUN pip install -r requirements.txt \
 && python -c "import sys, torch; sys.exit(0 if torch.version.cuda else f'torch {torch.__version__} has no CUDA')"
COPY gpu-runtime/maft_runtime maft_runtime
# maft's S3 module (maft_vllm_cpu.object_store, in the plugin package vLLM's engine hosts install too): the
# trainer uploads adapters to and fetches parents from the store when MAFT_ARTIFACTS is s3://bucket/prefix.
COPY gpu-runtime/vllm-cpu-plugin vllm-cpu-plugin
RUN pip install --no-deps ./vllm-cpu-plugin
# uid 1000 like the worker image's node user: both write to the shared artifact volume.
RUN useradd --uid 1000 --create-home maft \
 && mkdir -p /maft/artifacts /maft/trainer && chown maft:maft /maft/artifacts /maft/trainer
USER maft
ENV MAFT_MODELS_DIR=/models MAFT_ADAPTER_ROOT=/maft/artifacts/adapters
EXPOSE 8200
ENTRYPOINT ["python", "-m", "maft_runtime.trainer"]
CMD ["--host", "0.0.0.0", "--port", "8200", "--state-dir", "/maft/trainer", "--devices", "0"]
