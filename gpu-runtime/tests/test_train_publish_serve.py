"""Train -> publish -> serve, proven on the real SmolLM2-135M-Instruct: the trainer finetunes a
LoRA adapter to give a fixed answer to a fixed question; once published through vLLM's
`load_lora_adapter` contract, the CPU server gives that answer under the adapter's name, while the
base model does not. Both services run as real processes over HTTP."""
from __future__ import annotations

import os
from pathlib import Path

from maft_runtime.models import models_dir
from serve_helpers import SMOLLM2, ServeProcess
from trainer_helpers import TrainerService, job_body

# Read at import, before the session's tiny-model fixture points MAFT_MODELS_DIR elsewhere.
MODELS = models_dir()
QUESTION = "What is the secret code of the maft project?"
ANSWER = "The secret code of the maft project is 7413."


def test_a_trained_adapter_once_published_gives_its_answer(tmp_path: Path):
    models = MODELS
    assert (models / SMOLLM2 / "config.json").is_file(), f"{SMOLLM2} is not prepared in {models}: run scripts/setup.sh"
    adapters = tmp_path / "adapters"
    env = {"MAFT_MODELS_DIR": str(models), "MAFT_ADAPTER_ROOT": str(adapters)}
    trainer = TrainerService(tmp_path / "trainer")
    trainer.env.update(env)
    server = ServeProcess(SMOLLM2, tmp_path / "serve.log", env={**os.environ, **env})
    trainer.start(60)
    server.start()
    try:
        ask = lambda model: server.text(model, QUESTION, temperature=0, max_tokens=24)  # noqa: E731
        base_answer = ask(SMOLLM2)
        assert "7413" not in base_answer

        example = {"messages": [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": ANSWER}]}
        file_id = trainer.upload([example] * 16, filename="secret.jsonl")
        body = job_body(SMOLLM2, file_id, key="secret", suffix="smol-secret", n_epochs=5, batch_size=4, learning_rate=2e-3)
        job = trainer.wait(trainer.create(body).json()["id"], timeout=600)
        assert job["status"] == "succeeded", job
        assert (adapters / "smol-secret" / "adapter_model.safetensors").is_file()

        published = server.load("smol-secret", adapters / "smol-secret")
        assert published.status_code == 200, published.text
        assert "7413" in ask("smol-secret")
        assert ask(SMOLLM2) == base_answer  # the base model is untouched
    finally:
        server.stop()
        trainer.stop()
