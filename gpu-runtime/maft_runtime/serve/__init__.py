"""maft's CPU inference server: OpenAI chat completions for one base model and its PEFT LoRA
adapters, published at runtime with vLLM's `POST /v1/load_lora_adapter` contract.

    python -m maft_runtime.serve --host 127.0.0.1 --port 8300 --model SmolLM2-135M-Instruct

See docs/serving.md.
"""
from .app import ServerConfig, create_app
from .engine import AdapterError, Engine, GenRequest, GenResult

__all__ = ["AdapterError", "Engine", "GenRequest", "GenResult", "ServerConfig", "create_app"]
