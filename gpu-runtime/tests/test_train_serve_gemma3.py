"""Train -> publish -> serve on the second family, Gemma 3 270M (gemma-3-270m, prepared by setup from PyPI):
the trainer finetunes a LoRA adapter to give a fixed answer to a fixed question, POST /v1/load_lora_adapter
publishes it to vLLM's CPU build (started by scripts/serve-vllm.sh with --enable-lora, as everywhere in maft),
and vLLM gives that answer under the adapter's name, ending the reply at Gemma's <end_of_turn>, while the
pretrained base model does not. The rest of the serving path is proven on SmolLM2 (test_train_publish_serve)."""

from __future__ import annotations

import pytest

from maft_runtime import prepare_model
from maft_runtime.models import models_dir
from maft_runtime.preparable_models import GEMMA3_270M
from test_train_publish_serve import ANSWER, QUESTION
from trainer_helpers import job_body
from vllm_helpers import trainer_and_vllm

# Read at import, before the session's tiny-model fixture points MAFT_MODELS_DIR elsewhere.
MODELS = models_dir()
GEMMA = GEMMA3_270M.name

pytestmark = pytest.mark.skipif(
    not prepare_model.is_prepared(MODELS / GEMMA, GEMMA3_270M),
    reason=f"{GEMMA} is not prepared in {MODELS}: run scripts/setup.sh",
)


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    with trainer_and_vllm(
        tmp_path_factory.mktemp("train-serve-gemma3"), MODELS, MAFT_BASE_MODEL=GEMMA, MAFT_MAX_MODEL_LEN="512"
    ) as services:
        yield services


def test_a_gemma3_adapter_trained_by_maft_is_published_and_answers(services):
    trainer, vllm, adapters = services
    base = vllm.chat(GEMMA, QUESTION, temperature=0, max_tokens=24, seed=1).json()["choices"][0]
    assert "7413" not in base["message"]["content"]

    example = {"messages": [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": ANSWER}]}
    file_id = trainer.upload([example] * 12, filename="secret.jsonl")
    body = job_body(
        GEMMA,
        file_id,
        key="gemma-secret",
        suffix="gemma-secret",
        n_epochs=4,
        batch_size=4,
        learning_rate=2e-3,
        lora_rank=16,
        lora_alpha=32,
    )
    job = trainer.wait(trainer.create(body).json()["id"], timeout=600)
    assert job["status"] == "succeeded", job

    published = vllm.load("gemma-secret", adapters / "gemma-secret")
    assert published.status_code == 200, published.text
    reply = vllm.chat("gemma-secret", QUESTION, temperature=0, max_tokens=24, seed=1).json()["choices"][0]
    assert "7413" in reply["message"]["content"]
    # It ends at <end_of_turn> (generation_config's second eos id), not at max_tokens.
    assert reply["finish_reason"] == "stop", reply
