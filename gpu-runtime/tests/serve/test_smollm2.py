"""The CPU server on the real SmolLM2-135M-Instruct (skipped until `python -m maft_runtime.prepare_model`)."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from maft_runtime.models import models_dir

from serve_helpers import SMOLLM2, ServeProcess, make_lora_adapter

# Resolved at import, before the tiny-model fixture points MAFT_MODELS_DIR at a temporary folder.
SMOLLM2_PATH = models_dir() / SMOLLM2

pytestmark = [
    pytest.mark.smollm2,
    pytest.mark.skipif(
        not (SMOLLM2_PATH / "config.json").is_file(),
        reason=f"{SMOLLM2} is not prepared in {SMOLLM2_PATH.parent}: run `python -m maft_runtime.prepare_model`",
    ),
]


@pytest.fixture(scope="module")
def smol(tmp_path_factory):
    log = tmp_path_factory.mktemp("smol-log") / "serve.log"
    process = ServeProcess(str(SMOLLM2_PATH), log, extra_args=["--served-model-name", SMOLLM2, "--batch-wait-ms", "50"]).start()
    yield process
    process.stop()


def test_answers_a_simple_question(smol):
    response = smol.chat(SMOLLM2, "What is 2+2?", max_tokens=16, temperature=0)
    assert response.status_code == 200, response.text
    data = response.json()
    assert "4" in data["choices"][0]["message"]["content"]
    assert data["model"] == SMOLLM2
    assert smol.text(SMOLLM2, "What is 2+2?", max_tokens=16, temperature=0) == data["choices"][0]["message"]["content"]


def test_seeded_samples_reproduce_alone_and_batched(smol):
    bodies = [
        {"model": SMOLLM2, "messages": [{"role": "user", "content": q}], "max_tokens": 8, "temperature": 1.0, "top_p": 0.95, "seed": s}
        for q, s in [("Name a colour.", 1), ("Name a colour.", 2), ("Name an animal.", 3)]
    ]
    solo = [smol.client.post("/v1/chat/completions", json=b).json()["choices"][0]["message"]["content"] for b in bodies]

    async def together():
        async with httpx.AsyncClient(base_url=smol.url, timeout=120) as client:
            return await asyncio.gather(*(client.post("/v1/chat/completions", json=b) for b in bodies))

    batched = [r.json()["choices"][0]["message"]["content"] for r in asyncio.run(together())]
    assert batched == solo
    assert smol.health()["largest_batch"] >= 2


def test_lora_adapter_on_smollm2(smol, tmp_path):
    adapter = make_lora_adapter(SMOLLM2_PATH, tmp_path / "smol-lora", rank=2, scale=0.3, base_name=SMOLLM2,
                                target_modules=["q_proj", "v_proj"])
    assert smol.load("smol-test-l0-gen0", adapter).status_code == 200
    try:
        base = smol.text(SMOLLM2, "What is 2+2?", max_tokens=8, temperature=0)
        adapted = smol.text("smol-test-l0-gen0", "What is 2+2?", max_tokens=8, temperature=0)
        assert adapted != base
    finally:
        smol.unload("smol-test-l0-gen0")
