"""Serving test helpers: the CPU server as a real subprocess on a free port, LoRA adapters made
with PEFT, and small HTTP helpers. (A module with its own name: both conftest files are `conftest`.)"""
from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

import httpx

from service_process import GPU_RUNTIME, ServiceProcess

SMOLLM2 = "SmolLM2-135M-Instruct"


class ServeProcess(ServiceProcess):
    """`python -m maft_runtime.serve` on `model`."""

    def __init__(self, model: str, log_file: Path, *, extra_args: list[str] | None = None, env: dict | None = None):
        self.model = model
        super().__init__("maft_runtime.serve", ["--model", model, "--log-level", "warning", *(extra_args or [])], log_file,
                         env=env, client_timeout=120)

    def start(self, timeout: float = 90) -> "ServeProcess":
        return super().start(timeout)

    # ---- API helpers -----------------------------------------------------------------------

    def chat(self, model: str, content: str = "What is 3 plus 4?", **params: Any) -> httpx.Response:
        body = {"model": model, "messages": [{"role": "user", "content": content}], **params}
        return self.client.post("/v1/chat/completions", json=body)

    def text(self, model: str, content: str = "What is 3 plus 4?", **params: Any) -> str:
        response = self.chat(model, content, **params)
        assert response.status_code == 200, response.text
        return response.json()["choices"][0]["message"]["content"]

    def load(self, name: str, path: Path | str | None) -> httpx.Response:
        body = {"lora_name": name}
        if path is not None:
            body["lora_path"] = str(path)
        return self.client.post("/v1/load_lora_adapter", json=body)

    def unload(self, name: str) -> httpx.Response:
        return self.client.post("/v1/unload_lora_adapter", json={"lora_name": name})

    def health(self) -> dict:
        return self.client.get("/health").json()


def make_lora_adapter(base: Path, out: Path, *, seed: int = 1, rank: int = 4, scale: float = 0.5,
                      base_name: str | None = None, target_modules: list[str] | None = None) -> Path:
    """A PEFT LoRA adapter for the model in `base` with non-zero random A and B (so it changes outputs)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
    config = LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.0,
                        target_modules=target_modules or ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
    with warnings.catch_warnings():  # PEFT calls a property transformers 5 deprecated
        warnings.simplefilter("ignore", FutureWarning)
        peft_model = get_peft_model(model, config)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in peft_model.named_parameters():
            if "lora_A" in name or "lora_B" in name:
                param.copy_(torch.randn(param.shape, generator=generator) * scale)
    peft_model.save_pretrained(out)
    if base_name:
        (out / "maft_model.json").write_text(json.dumps({"base_model": base_name, "parent": base_name, "kind": "lora", "job_id": "test"}))
    return out


def root_conftest():
    """tests/conftest.py as a module (both conftest files are called `conftest`)."""
    import importlib.util

    name = "maft_tests_root_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, GPU_RUNTIME / "tests" / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
