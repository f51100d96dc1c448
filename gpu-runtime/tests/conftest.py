"""Shared fixtures for the gpu-runtime suites.

`tiny_model` builds, once per session, a tiny random Llama-architecture chat model in a temporary
MODELS_DIR (nothing is downloaded): a byte-level BPE tokenizer trained on the fly, wrapped in
PreTrainedTokenizerFast with a ChatML template (`<|im_start|>role\\ncontent<|im_end|>\\n`, eos
`<|im_end|>`), and a 2-layer, hidden-64 LlamaForCausalLM with random weights. MAFT_MODELS_DIR and
MAFT_ADAPTER_ROOT point at temporary folders for the whole session (subprocesses inherit them).
Use `build_tiny_chat_model` directly for a model elsewhere or with other sizes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

GPU_RUNTIME = Path(__file__).resolve().parents[1]
# maft_runtime, maft_vllm_cpu's source (the trainer's subprocesses import the copy setup installs), and the
# helper modules (trainer_helpers, vllm_helpers, seaweed_helpers) for tests that use several.
FOLDERS = (GPU_RUNTIME, GPU_RUNTIME / "vllm-cpu-plugin", GPU_RUNTIME / "tests", GPU_RUNTIME / "tests" / "trainer")
for folder in FOLDERS:
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
TINY_MODEL_NAME = "tiny-chat"


def _corpus() -> list[str]:
    words = (
        "what is plus minus times the answer question please think step by step so it equals "
        "user assistant system you are a helpful agent other agents said final yes no because"
    ).split()
    lines = [" ".join(words[i : i + 6]) for i in range(0, len(words), 3)]
    lines += [f"What is {a} plus {b}? The answer is {a + b}." for a in range(12) for b in range(12)]
    lines += [f"{a} times {b} equals {a * b}" for a in range(10) for b in range(10)]
    return lines * 2


def build_tiny_chat_model(
    folder: Path,
    *,
    vocab_size: int = 400,
    hidden_size: int = 64,
    layers: int = 2,
    heads: int = 4,
    kv_heads: int = 2,
    seed: int = 0,
) -> Path:
    """Writes a tokenizer + random LlamaForCausalLM (safetensors) into `folder`; returns `folder`."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(
        _corpus(),
        trainers.BpeTrainer(
            vocab_size=vocab_size,
            special_tokens=SPECIAL_TOKENS,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        ),
    )
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    tokenizer.chat_template = CHATML_TEMPLATE
    tokenizer.save_pretrained(folder)

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=2 * hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=kv_heads,
        max_position_embeddings=2048,
        bos_token_id=None,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.save_pretrained(folder)
    return folder


@dataclass(frozen=True)
class TinyModel:
    name: str
    path: Path
    models_dir: Path
    adapter_root: Path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> TinyModel:
    root = tmp_path_factory.mktemp("maft-models")
    models_dir = root / "models"
    adapter_root = root / "adapters"
    adapter_root.mkdir(parents=True)
    path = build_tiny_chat_model(models_dir / TINY_MODEL_NAME)
    patch = pytest.MonkeyPatch()
    patch.setenv("MAFT_MODELS_DIR", str(models_dir))
    patch.setenv("MAFT_ADAPTER_ROOT", str(adapter_root))
    yield TinyModel(name=TINY_MODEL_NAME, path=path, models_dir=models_dir, adapter_root=adapter_root)
    patch.undo()


@pytest.fixture(scope="session")
def tiny_tokenizer(tiny_model: TinyModel):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model.path)


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory):
    """A real S3 server (SeaweedFS, seaweed_helpers.py) for the session; tests make their own buckets."""
    from seaweed_helpers import SeaweedServer

    server = SeaweedServer(tmp_path_factory.mktemp("seaweed")).start()
    yield server
    server.kill()  # its data is thrown away: no need to wait for its own shutdown


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: slow; runs only when asked for (see the test's skip reason)")
