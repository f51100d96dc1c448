"""Throughput of the gpu-runtime on one device: training tokens/s and model FLOPs utilisation
(MFU) for LoRA and full finetuning of a randomly initialised Llama-architecture model, and
generation tokens/s of batched sampling with transformers' `generate` (a reference point for the
device: maft serves with vLLM, whose engine path bench/engine.ts in the repository root measures).

    cd gpu-runtime
    ../.venv/bin/python -m bench.throughput --size 1b --json ../.maft/bench/gpu-runtime.json   # a GPU host
    ../.venv/bin/python -m bench.throughput --size tiny                                          # anywhere

The model has the shape of Llama-3.2-1B (hidden 2048, 16 layers, 32 heads, 8 KV heads, MLP 8192)
with SmolLM2's tokenizer (vocabulary 49,152), randomly initialised: throughput does not depend on
the weights. Training uses the trainer's LoRA targets (trainer/job.py) in a plain loop of
forward, backward and AdamW steps on random token ids; FLOPs per token are 6N (full) or 4N (LoRA:
no weight gradients for frozen weights) plus the attention term 12·layers·hidden·seq (PaLM, App. B).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from maft_runtime.models import models_dir
from maft_runtime.trainer.job import default_targets

SIZES = {
    "tiny": dict(
        hidden_size=64, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2
    ),
    "1b": dict(
        hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, num_attention_heads=32, num_key_value_heads=8
    ),
}
# Dense bf16 peak of the devices maft's GPU hosts have (vendor datasheets, without sparsity).
PEAK_BF16_FLOPS = {"H100": 989e12, "H200": 989e12, "A100": 312e12}


@dataclass
class TrainingFigure:
    method: str
    params: int
    trainable_params: int
    tokens_per_s: float
    flops_per_token: float
    mfu: float | None


@dataclass
class GenerationFigure:
    batch: int
    new_tokens: int
    tokens_per_s: float


def device_and_peak(requested: str) -> tuple[torch.device, float | None, str]:
    if requested == "auto":
        requested = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(requested)
    if device.type != "cuda":
        return device, None, "cpu"
    name = torch.cuda.get_device_name(device)
    peak = next((flops for key, flops in PEAK_BF16_FLOPS.items() if key in name), None)
    return device, peak, name


def build_model_folder(size: str, folder: Path, tokenizer_source: Path) -> Path:
    """A random model of the given shape saved with SmolLM2's tokenizer, so transformers can load it by folder."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_source)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        max_position_embeddings=4096,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        **SIZES[size],
    )
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def flops_per_token(model, seq_len: int, method: str) -> float:
    config = model.config
    non_embedding = sum(p.numel() for n, p in model.named_parameters() if "embed_tokens" not in n)
    attention = 12 * config.num_hidden_layers * config.hidden_size * seq_len
    return (6 if method == "full" else 4) * non_embedding + attention


def measure_training(
    folder: Path, method: str, device: torch.device, peak: float | None, *, seq_len: int, batch_size: int, steps: int
) -> TrainingFigure:
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype).to(device)
    model.config.use_cache = False
    per_token = flops_per_token(model, seq_len, method)
    params = sum(p.numel() for p in model.parameters())
    if method == "lora":
        model = get_peft_model(
            model,
            LoraConfig(
                r=16, lora_alpha=32, lora_dropout=0.0, target_modules=default_targets(model), task_type="CAUSAL_LM"
            ),
        )
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-5)
    vocab = model.config.vocab_size
    batch = torch.randint(0, vocab, (batch_size, seq_len), device=device)

    def step() -> None:
        loss = model(input_ids=batch, labels=batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    step()  # warm-up: allocations, kernels, optimizer state
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    tokens_per_s = steps * batch_size * seq_len / (time.perf_counter() - start)
    figure = TrainingFigure(
        method,
        params,
        sum(p.numel() for p in trainable),
        tokens_per_s,
        per_token,
        tokens_per_s * per_token / peak if peak else None,
    )
    del model, optimizer
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return figure


def measure_generation(folder: Path, device: torch.device, *, batch: int, new_tokens: int) -> GenerationFigure:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(
        folder, dtype=torch.bfloat16 if device.type == "cuda" else torch.float32
    ).to(device)
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "What is the result of 3+4*5+6-7*8?"}],
        add_generation_prompt=True,
        return_tensors="pt",
        return_dict=True,
    )
    ids = prompt["input_ids"].repeat(batch, 1).to(device)
    mask = prompt["attention_mask"].repeat(batch, 1).to(device)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id

    def generate(rows: int):
        with torch.no_grad():
            return model.generate(
                input_ids=ids[:rows],
                attention_mask=mask[:rows],
                max_new_tokens=new_tokens,
                do_sample=True,
                temperature=1.0,
                top_p=1.0,
                pad_token_id=pad,
            )

    generate(1)  # warm-up
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    out = generate(batch)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elapsed = time.perf_counter() - start
    # Random weights rarely emit end-of-sequence; only the tokens actually generated count (generate pads
    # a finished row to the longest one).
    generated = int((out[:, ids.shape[1] :] != pad).sum().item())
    del model
    return GenerationFigure(batch, new_tokens, generated / elapsed)


def write_report(path: Path, report: dict) -> None:
    """A benchmark's JSON record, written where --json says."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
    parser.add_argument("--methods", default="lora,full")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--seq-len", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--gen-batch", type=int, default=32)
    parser.add_argument("--gen-tokens", type=int, default=128)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--tokenizer", type=Path, help="a model folder whose tokenizer to use (default: the prepared SmolLM2)"
    )
    args = parser.parse_args(argv)

    device, peak, device_name = device_and_peak(args.device)
    tokenizer_source = args.tokenizer or models_dir() / "SmolLM2-135M-Instruct"
    if not (tokenizer_source / "tokenizer.json").is_file():
        raise SystemExit(f"{tokenizer_source} is missing: run scripts/setup.sh (it prepares SmolLM2)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_model_folder(args.size, Path(tmp) / f"random-llama-{args.size}", tokenizer_source)
        training = [
            measure_training(
                folder, m, device, peak, seq_len=args.seq_len, batch_size=args.batch_size, steps=args.steps
            )
            for m in args.methods.split(",")
        ]
        generation = measure_generation(folder, device, batch=args.gen_batch, new_tokens=args.gen_tokens)
    report = {
        "device": device_name,
        "peak_bf16_flops": peak,
        "size": args.size,
        "seq_len": args.seq_len,
        "batch_size": args.batch_size,
        "steps": args.steps,
        "torch": torch.__version__,
        "training": [asdict(t) for t in training],
        "generation": asdict(generation),
    }
    for t in training:
        mfu = f"{100 * t.mfu:.1f}%" if t.mfu is not None else "n/a (no peak for this device)"
        print(
            f"train {t.method:4}  {t.tokens_per_s:12.0f} tokens/s  MFU {mfu}  ({t.trainable_params:,} of {t.params:,} parameters trained)"
        )
    print(
        f"generate  {generation.tokens_per_s:12.0f} tokens/s  (batch {generation.batch}, {generation.new_tokens} new tokens each)"
    )
    if args.json:
        write_report(args.json, report)
    return report


if __name__ == "__main__":
    main()
