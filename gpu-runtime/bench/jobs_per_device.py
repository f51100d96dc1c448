"""Training throughput of several LoRA jobs at once on one device (the trainer's `--jobs-per-device`)
against the same jobs one after the other, measured side by side in one run.

    cd gpu-runtime
    ../.venv/bin/python -m bench.jobs_per_device --size 1b --json ../.maft/bench/jobs-per-device.json   # a GPU host
    ../.venv/bin/python -m bench.jobs_per_device --size tiny --jobs 2 --examples 4 --seq-len 32          # anywhere

2N jobs (`--jobs`, default 6: N = 3 agents with a generation and a critic model each, what one
iteration of Algorithm 1 trains) go through the trainer's own job manager and job processes
(trainer/manager.py, supervisor.py, job.py) twice: serially (`--jobs-per-device 1`) and all at once
(`--jobs-per-device 2N`), on one CUDA device or on the CPU, where the concurrent jobs split the
cores as the trainer splits them (trainer/placement.py). Each job trains a LoRA adapter (rank 16,
the trainer's targets) at batch size 1 on `--examples` random chats of about `--seq-len` tokens,
on a random model of throughput.py's shapes with SmolLM2's tokenizer; both modes train the same
jobs (same data and seeds), so the same tokens. A warm-up job first (not counted) pays the cold
start of CUDA and of the page cache, so neither mode does. Two figures per mode, and their ratios
(concurrent / serial):

- end to end: trained tokens / wall time from creating the jobs to the last one finishing, what an
  iteration's finetuning step sees (each job's process start and model load included; running the
  jobs at once overlaps these too);
- training: trained tokens / the time during which at least one job was inside its training loop
  (result.json's train_started_at and train_finished_at): the sharing of the device alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from bench.throughput import SIZES, build_model_folder, write_report
from maft_runtime.models import models_dir
from maft_runtime.trainer import store
from maft_runtime.trainer.manager import JobManager
from maft_runtime.trainer.records import TERMINAL

WORDS = (
    "what is plus minus times the answer question please think step by step so it equals user assistant "
    "you are a helpful agent other agents said final yes no because first then sum of and"
).split()


@dataclass
class ModeFigure:
    mode: str  # serial | concurrent
    jobs_per_device: int
    jobs: int
    trained_tokens: int
    wall_s: float
    tokens_per_s: float
    training_s: float
    training_tokens_per_s: float
    peak_gpu_memory_bytes: int | None  # the most one job allocated (GPU only)


class Upload:
    """What JobManager.create_file reads: an object with an async read(size)."""

    def __init__(self, data: bytes):
        self.data = data

    async def read(self, size: int) -> bytes:
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


def training_text(tokenizer, count: int, seq_len: int, seed: int) -> str:
    """`count` chats of random words, each about `seq_len` tokens with the chat template, as JSONL."""
    rng = random.Random(seed)

    def chat(words: int) -> list[dict[str, str]]:
        half = max(1, words // 2)
        return [
            {"role": "user", "content": " ".join(rng.choice(WORDS) for _ in range(half))},
            {"role": "assistant", "content": " ".join(rng.choice(WORDS) for _ in range(max(1, words - half)))},
        ]

    def tokens(words: int) -> int:
        return len(
            tokenizer(tokenizer.apply_chat_template(chat(words), tokenize=False), add_special_tokens=False)["input_ids"]
        )

    # tokens ~ template + per_word * words (the template may add a default system prompt, as SmolLM2's does)
    per_word = (tokens(400) - tokens(200)) / 200
    words = max(2, round((seq_len - (tokens(200) - 200 * per_word)) / per_word))
    return "".join(json.dumps({"messages": chat(words)}) + "\n" for _ in range(count))


def union_seconds(spans: list[tuple[float, float]]) -> float:
    """The length of the union of [start, end] spans: time during which at least one job trained."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


async def run_jobs(
    state: Path,
    folder: Path,
    texts: list[str],
    *,
    devices: list[str],
    jobs_per_device: int,
    torch_threads: int | None,
    lora_rank: int,
    max_seq_length: int,
    tag: str,
) -> tuple[list[dict], list[dict], float]:
    """Trains one LoRA job per text through a fresh JobManager; returns the jobs, their result.json and the wall time."""
    manager = JobManager(
        state / "trainer",
        models_dir=folder.parent,
        adapter_root=state / "adapters",
        devices=devices,
        jobs_per_device=jobs_per_device,
        torch_threads=torch_threads,
        poll_interval=0.05,
    )
    await manager.start()
    try:
        files = [
            await manager.create_file(f"{tag}-{i}.jsonl", "fine-tune", Upload(text.encode()))
            for i, text in enumerate(texts)
        ]
        start = time.perf_counter()
        ids = [
            manager.create_job(
                {
                    "model": folder.name,
                    "training_file": file["id"],
                    "suffix": f"{tag}-{i}",
                    "seed": i,
                    "hyperparameters": {"n_epochs": 1, "batch_size": 1},
                    "maft_training": {"method": "lora", "lora_rank": lora_rank, "max_seq_length": max_seq_length},
                }
            )["id"]
            for i, file in enumerate(files)
        ]
        while any(manager.get_job(job_id)["status"] not in TERMINAL for job_id in ids):
            await asyncio.sleep(0.05)
        wall = time.perf_counter() - start
    finally:
        await manager.stop()
    jobs = [manager.get_job(job_id) for job_id in ids]
    failed = [job for job in jobs if job["status"] != "succeeded"]
    if failed:
        raise SystemExit(f"{tag}: job {failed[0]['id']} {failed[0]['status']}: {failed[0]['error']}")
    results = [store.read_json(manager.jobs.job_dir(job_id) / store.RESULT_FILE) for job_id in ids]
    return jobs, results, wall


def measure_mode(
    mode: str,
    root: Path,
    folder: Path,
    texts: list[str],
    *,
    devices: list[str],
    torch_threads: int | None,
    lora_rank: int,
    max_seq_length: int,
) -> ModeFigure:
    k = 1 if mode == "serial" else len(texts)
    jobs, results, wall = asyncio.run(
        run_jobs(
            root / mode,
            folder,
            texts,
            devices=devices,
            jobs_per_device=k,
            torch_threads=torch_threads,
            lora_rank=lora_rank,
            max_seq_length=max_seq_length,
            tag=mode,
        )
    )
    tokens = sum(job["trained_tokens"] for job in jobs)
    training = union_seconds([(r["train_started_at"], r["train_finished_at"]) for r in results])
    peaks = [r["peak_gpu_memory_bytes"] for r in results if r.get("peak_gpu_memory_bytes") is not None]
    return ModeFigure(
        mode, k, len(jobs), tokens, wall, tokens / wall, training, tokens / training, max(peaks) if peaks else None
    )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
    parser.add_argument("--jobs", type=int, default=6, help="2N: the jobs, run serially and then all at once")
    parser.add_argument(
        "--examples", type=int, default=64, help="training examples per job (one step each: batch size 1)"
    )
    parser.add_argument("--seq-len", type=int, default=512, help="about this many tokens per example")
    parser.add_argument("--lora-rank", type=int, default=16)
    parser.add_argument(
        "--device", default="auto", help="a CUDA device id as the trainer's --devices takes it, cpu, or auto"
    )
    parser.add_argument(
        "--torch-threads", type=int, default=None, help="the trainer's --torch-threads (default: the trainer's)"
    )
    parser.add_argument("--no-warmup", action="store_true", help="skip the uncounted warm-up job")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--tokenizer",
        type=Path,
        help="a model folder whose tokenizer (with a chat template) to use (default: the prepared SmolLM2)",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1 or args.examples < 1 or args.seq_len < 8:
        parser.error("--jobs and --examples must be >= 1, --seq-len >= 8")

    from transformers import AutoTokenizer

    device = args.device
    if device == "auto":
        device = "0" if torch.cuda.is_available() else "cpu"
    devices = [] if device == "cpu" else [device]
    device_name = "cpu" if device == "cpu" else torch.cuda.get_device_name(int(device))
    tokenizer_source = args.tokenizer or models_dir() / "SmolLM2-135M-Instruct"
    if not (tokenizer_source / "tokenizer.json").is_file():
        raise SystemExit(f"{tokenizer_source} is missing: run scripts/setup.sh (it prepares SmolLM2)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = build_model_folder(args.size, root / "models" / f"random-llama-{args.size}", tokenizer_source)
        tokenizer = AutoTokenizer.from_pretrained(folder)
        texts = [training_text(tokenizer, args.examples, args.seq_len, seed=i) for i in range(args.jobs)]
        options = dict(
            devices=devices,
            torch_threads=args.torch_threads,
            lora_rank=args.lora_rank,
            max_seq_length=2 * args.seq_len + 64,
        )
        if not args.no_warmup:
            asyncio.run(
                run_jobs(
                    root / "warmup",
                    folder,
                    [training_text(tokenizer, 2, args.seq_len, seed=99)],
                    jobs_per_device=1,
                    tag="warmup",
                    **options,
                )
            )
        serial = measure_mode("serial", root, folder, texts, **options)
        concurrent = measure_mode("concurrent", root, folder, texts, **options)
    report = {
        "device": device_name,
        "size": args.size,
        "jobs": args.jobs,
        "examples": args.examples,
        "seq_len": args.seq_len,
        "batch_size": 1,
        "lora_rank": args.lora_rank,
        "torch": torch.__version__,
        "serial": asdict(serial),
        "concurrent": asdict(concurrent),
        "ratio": concurrent.tokens_per_s / serial.tokens_per_s,
        "training_ratio": concurrent.training_tokens_per_s / serial.training_tokens_per_s,
    }
    for figure in (serial, concurrent):
        memory = (
            f"  peak {figure.peak_gpu_memory_bytes / 2**30:.2f} GiB per job" if figure.peak_gpu_memory_bytes else ""
        )
        print(
            f"{figure.mode:10}  K={figure.jobs_per_device:<3} {figure.tokens_per_s:10.0f} tokens/s end to end ({figure.wall_s:.1f} s)  "
            f"{figure.training_tokens_per_s:10.0f} tokens/s training ({figure.training_s:.1f} s){memory}"
        )
    print(
        f"concurrent / serial: {report['ratio']:.2f} end to end, {report['training_ratio']:.2f} training "
        f"({args.jobs} jobs, {serial.trained_tokens} tokens each way, on {device_name})"
    )
    if args.json:
        write_report(args.json, report)
    return report


if __name__ == "__main__":
    main()
