"""maft's gpu-runtime: a trainer (OpenAI fine-tuning API subset) for transformers models with PEFT
adapters that vLLM serves, and model preparation. Serving is vLLM's (scripts/serve-vllm.sh)."""
