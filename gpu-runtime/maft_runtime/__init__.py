"""maft's gpu-runtime: a trainer (OpenAI fine-tuning API subset) and a CPU inference server
(OpenAI chat completions + vLLM's runtime LoRA contract) for transformers models with PEFT adapters."""
