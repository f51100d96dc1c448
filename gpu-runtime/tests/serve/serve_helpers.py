"""Serving test helpers: the CPU server as a real subprocess on a free port, LoRA adapters made
with PEFT, and small HTTP helpers. (A module with its own name: both conftest files are `conftest`.)"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import httpx

GPU_RUNTIME = Path(__file__).resolve().parents[2]
SMOLLM2 = "SmolLM2-135M-Instruct"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    """`python -m maft_runtime.serve` in its own process group."""

    def __init__(self, model: str, log_file: Path, *, extra_args: list[str] | None = None, env: dict | None = None):
        self.model = model
        self.log_file = log_file
        self.extra_args = extra_args or []
        self.env = dict(os.environ if env is None else env)
        # PASSIVE: idle OpenMP threads sleep instead of spinning (matters on shared 2-core machines)
        self.env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.url = ""
        self.client: httpx.Client | None = None

    def start(self, timeout: float = 90) -> "ServeProcess":
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = open(self.log_file, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "maft_runtime.serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--model", self.model, "--log-level", "warning", *self.extra_args],
            cwd=GPU_RUNTIME, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        self.client = httpx.Client(base_url=self.url, timeout=120)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if self.client.get("/health").status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server did not come up in {timeout}s: {self.log_tail()}")
            time.sleep(0.1)

    def log_tail(self) -> str:
        return self.log_file.read_text(errors="replace")[-3000:] if self.log_file.exists() else ""

    def stop(self) -> None:
        if self.client:
            self.client.close()
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

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
