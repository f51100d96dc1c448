"""One training job, run as a child process of the service:

    python -m maft_runtime.trainer.job --job-dir <state>/jobs/<id> --checkpoint-every-steps N --parent-pid P

Reads the job's spec from job.json, checks the training file (before importing torch, so bad files
fail fast), tokenizes it with the model's chat template and assistant-only labels, and trains with
TRL's SFTTrainer: LoRA through PEFT by default, full finetuning on request. Checkpoints go to
<job-dir>/checkpoints every N steps; if one exists the job resumes from the latest. The model is
written to a temporary folder under ADAPTER_ROOT and renamed to ADAPTER_ROOT/<fine_tuned_model>;
with MAFT_ARTIFACTS=s3://... it is then uploaded to the object store (artifacts.py). A job run again
whose model is already in place (the process died before or during the upload) only uploads it.

Exit codes: 0 success (result.json written, model in place); 3 bad training data or options
(error.json written); 1 any other failure (error.json written when possible); 70 the service died.
"""

from __future__ import annotations

import argparse
import ctypes
import fcntl
import math
import os
import secrets
import shutil
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from .. import models
from . import store
from .artifacts import model_saved, upload_model
from .dataset import DatasetError, build_labels, parse_training_file
from .records import JobRecord
from .spec import DEFAULT_LORA_TARGETS, FORBIDDEN_TARGETS, TrainingSpec

# Test hook: seconds to sleep after every optimizer step, so tests can kill or cancel a job mid-run.
STEP_DELAY_ENV = "MAFT_TRAINER_TEST_STEP_DELAY"


class JobError(Exception):
    """A failure with a known cause; becomes the job's error."""

    def __init__(self, message: str, code: str = "training_error", param: str | None = None):
        super().__init__(message)
        self.code = code
        self.param = param


def die_with_parent(parent_pid: int) -> None:
    """The job must not outlive its service: PDEATHSIG on Linux, and a watcher thread everywhere."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:
        os._exit(70)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid:
                os._exit(70)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def hold_lock(job_dir: Path, timeout: float = 30.0) -> int:
    fd = os.open(job_dir / store.LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError:
            if time.monotonic() > deadline:
                raise JobError("another process is still training this job (its lock is held)") from None
            time.sleep(0.2)


def default_targets(model: Any) -> list[str] | str:
    import torch.nn as nn

    linear = {name.rsplit(".", 1)[-1] for name, module in model.named_modules() if isinstance(module, nn.Linear)}
    targets = [t for t in DEFAULT_LORA_TARGETS if t in linear]
    return targets or "all-linear"  # PEFT's all-linear never includes the output layer


def check_adapter_modules(model: Any) -> None:
    """vLLM rejects adapters that train embeddings or the LM head: refuse to produce one."""
    import torch.nn as nn

    output = model.get_output_embeddings()
    for name, module in model.named_modules():
        base = getattr(module, "base_layer", None)
        if base is not None and (isinstance(base, nn.Embedding) or base is output):
            raise JobError(
                f"LoRA target {name} is an embedding or the LM head, which vLLM rejects",
                "invalid_target_modules",
                "maft_training.target_modules",
            )
    for name, param in model.named_parameters():
        if param.requires_grad and "lora_" not in name:
            raise JobError(
                f"parameter {name} would be trained outside the LoRA matrices (modules_to_save?), which vLLM rejects",
                "invalid_target_modules",
                "maft_training.target_modules",
            )


def tokenize_examples(tokenizer: Any, spec: TrainingSpec, examples: list) -> tuple[list[dict[str, list[int]]], int]:
    rows = []
    tokens = 0
    for example in examples:
        where = f"training file '{spec.training_filename}' line {example.line}"
        try:
            input_ids, labels = build_labels(tokenizer, example.messages, spec.assistant_turns)
        except ValueError as error:
            raise DatasetError(f"{where}: {error}") from None
        if len(input_ids) > spec.max_seq_length:
            raise DatasetError(
                f"{where}: the example is {len(input_ids)} tokens long, more than max_seq_length {spec.max_seq_length}"
            )
        rows.append({"input_ids": input_ids, "labels": labels})
        tokens += len(input_ids)
    return rows, tokens


def load_model(spec: TrainingSpec, dtype: Any) -> Any:
    from transformers import AutoModelForCausalLM

    if spec.parent_kind == "full":
        model = AutoModelForCausalLM.from_pretrained(spec.parent_path, dtype=dtype)
    else:
        model = AutoModelForCausalLM.from_pretrained(spec.base_path, dtype=dtype)
    if spec.method == "full":
        if spec.parent_kind == "lora":  # continue a LoRA model with full finetuning: merge it first
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, spec.parent_path).merge_and_unload()
        return model

    from peft import LoraConfig, PeftModel, get_peft_model

    if spec.parent_kind == "lora":  # warm start: the parent adapter, trainable, same rank and alpha
        config = LoraConfig.from_pretrained(spec.parent_path)
        config.lora_dropout = spec.lora_dropout
        config.inference_mode = False
        model = PeftModel.from_pretrained(model, spec.parent_path, is_trainable=True, config=config)
    else:
        targets = spec.target_modules or default_targets(model)
        config = LoraConfig(
            r=spec.lora_rank,
            lora_alpha=spec.lora_alpha,
            lora_dropout=spec.lora_dropout,
            target_modules=targets,
            bias="none",
            task_type="CAUSAL_LM",
        )
        model = get_peft_model(model, config)
    check_adapter_modules(model)
    return model


def save_output(
    model: Any, tokenizer: Any, spec: TrainingSpec, job_id: str, job_dir: Path, result: dict[str, Any]
) -> None:
    adapter_root = Path(spec.adapter_root)
    final = adapter_root / spec.output_name
    if final.exists():
        raise JobError(
            f"a model named {spec.output_name!r} already exists in {adapter_root}", "output_exists", "suffix"
        )
    tmp = adapter_root / f".tmp-{job_id}-{secrets.token_hex(4)}"
    if spec.method == "lora":
        # vLLM's filesystem LoRA resolver serves ADAPTER_ROOT/<name> only when the adapter names the
        # engine's served base model, so the adapter records the base model's name, not its folder.
        for config in model.peft_config.values():
            config.base_model_name_or_path = spec.base_name
        model.save_pretrained(tmp, save_embedding_layers=False)
        from safetensors import safe_open

        with safe_open(str(tmp / "adapter_model.safetensors"), framework="pt") as weights:
            bad = [k for k in weights.keys() if any(f in k for f in FORBIDDEN_TARGETS)]
        if bad:
            raise JobError(f"the adapter would contain embedding or LM-head weights ({bad[:3]}), which vLLM rejects")
    else:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
    models.write_model_record(tmp, base_model=spec.base_name, parent=spec.model, kind=spec.method, job_id=job_id)
    # result.json first, then the rename: the service counts a job done when the folder is in place.
    store.write_json_atomic(job_dir / store.RESULT_FILE, result)
    os.rename(tmp, final)


def train(spec: TrainingSpec, job_id: str, job_dir: Path, checkpoint_every: int, torch_threads: int | None) -> None:
    examples = parse_training_file(Path(spec.training_path), spec.training_filename)

    import torch

    if torch_threads:
        torch.set_num_threads(torch_threads)
    from transformers import AutoTokenizer

    tokenizer_path = spec.parent_path if spec.parent_kind == "full" else spec.base_path
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_path)
    if not tokenizer.chat_template:
        raise JobError(f"model {spec.model!r} has no chat template", "invalid_model", "model")
    rows, tokens = tokenize_examples(tokenizer, spec, examples)
    trained_tokens = tokens * spec.n_epochs
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token

    from datasets import Dataset
    from transformers import TrainerCallback, set_seed
    from trl import SFTConfig, SFTTrainer

    cuda = torch.cuda.is_available()
    bf16 = cuda and torch.cuda.is_bf16_supported()
    # LoRA keeps the frozen base in bf16 on GPUs; full finetuning keeps fp32 master weights (bf16 autocast).
    dtype = torch.bfloat16 if (bf16 and spec.method == "lora") else torch.float32

    set_seed(spec.seed)
    model = load_model(spec, dtype)

    total_steps = math.ceil(len(rows) / spec.batch_size) * spec.n_epochs
    step_delay = float(os.environ.get(STEP_DELAY_ENV, "0") or 0)

    class Progress(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                loss = float(logs["loss"])
                data = {
                    "step": state.global_step,
                    "total_steps": state.max_steps,
                    "train_loss": round(loss, 6),
                    "epoch": round(float(state.epoch or 0), 4),
                }
                if "learning_rate" in logs:
                    data["learning_rate"] = float(logs["learning_rate"])
                store.append_event(
                    job_dir,
                    job_id,
                    f"Step {state.global_step}/{state.max_steps}: training loss={loss:.4f}",
                    data=data,
                    type="metrics",
                )

        def on_save(self, args, state, control, **kwargs):
            store.append_event(job_dir, job_id, f"Checkpoint saved at step {state.global_step}.")

        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step >= state.max_steps:
                # No checkpoint after the last step: the model itself is saved next. If the process dies
                # before that, the job resumes from the last periodic checkpoint.
                control.should_save = False
            if step_delay:
                time.sleep(step_delay)

    config = SFTConfig(
        output_dir=str(job_dir / store.CHECKPOINTS),
        per_device_train_batch_size=spec.batch_size,
        gradient_accumulation_steps=1,
        num_train_epochs=spec.n_epochs,
        learning_rate=spec.learning_rate,
        lr_scheduler_type="linear",
        warmup_steps=0,
        weight_decay=spec.weight_decay,
        logging_strategy="steps",
        logging_steps=max(1, math.ceil(total_steps / 100)),  # at most about 100 metrics events
        logging_first_step=True,
        save_strategy="steps",
        save_steps=checkpoint_every,
        save_total_limit=1,
        save_only_model=False,
        seed=spec.seed,
        data_seed=spec.seed,
        report_to="none",
        disable_tqdm=True,
        bf16=bf16,
        fp16=False,
        use_cpu=not cuda,
        activation_checkpointing=spec.gradient_checkpointing,  # transformers 5 name of gradient_checkpointing
        max_length=spec.max_seq_length,
        packing=False,
        dataloader_num_workers=0,
    )
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
        callbacks=[Progress()],
    )

    resume_from = None
    checkpoints = store.complete_checkpoints(job_dir)
    if checkpoints:
        step, resume_from = checkpoints[-1]
        store.append_event(
            job_dir, job_id, f"Resumed from checkpoint at step {step}.", data={"step": step, "total_steps": total_steps}
        )
    else:
        store.append_event(
            job_dir,
            job_id,
            f"Training started: {len(rows)} examples, {total_steps} steps, {trained_tokens} tokens.",
            data={"total_steps": total_steps},
        )
    train_started_at = time.time()
    output = trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)

    # The training loop's wall-clock span and (on a GPU) peak memory: what bench/jobs_per_device.py reads.
    result = {
        "trained_tokens": trained_tokens,
        "total_steps": trainer.state.global_step,
        "train_loss": float(output.training_loss),
        "fine_tuned_model": spec.output_name,
        "train_started_at": train_started_at,
        "train_finished_at": time.time(),
        "peak_gpu_memory_bytes": torch.cuda.max_memory_allocated() if cuda else None,
    }
    save_output(trainer.model, tokenizer, spec, job_id, job_dir, result)
    shutil.rmtree(job_dir / store.CHECKPOINTS, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--job-dir", type=Path, required=True)
    parser.add_argument("--checkpoint-every-steps", type=int, default=20)
    parser.add_argument("--parent-pid", type=int, default=None)
    parser.add_argument("--torch-threads", type=int, default=None)
    args = parser.parse_args(argv)
    if args.parent_pid:
        die_with_parent(args.parent_pid)
    job_dir = args.job_dir.resolve()
    record = JobRecord.from_json(store.read_json(job_dir / store.JOB_FILE))
    job_id, spec = record.id, record.spec

    def fail(code: str, message: str, param: str | None, exit_code: int) -> int:
        store.write_json_atomic(job_dir / store.ERROR_FILE, {"code": code, "message": message, "param": param})
        print(f"job {job_id} failed: {message}", file=sys.stderr, flush=True)
        return exit_code

    try:
        hold_lock(job_dir)
        for stale in Path(spec.adapter_root).glob(f".tmp-{job_id}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        if model_saved(spec, job_id, job_dir):
            store.append_event(job_dir, job_id, "The model was saved before the restart; it is not trained again.")
        else:
            train(spec, job_id, job_dir, args.checkpoint_every_steps, args.torch_threads)
        if spec.artifacts:
            try:
                upload_model(spec, job_id, job_dir)
            except Exception as error:  # the store refused it, or stayed unreachable for MAFT_ARTIFACTS_RETRY_SECONDS
                message = f"the model could not be uploaded to {spec.artifacts}: {error}"
                return fail("artifact_upload_failed", message, None, 1)
    except DatasetError as error:
        return fail("invalid_training_file", str(error), "training_file", 3)
    except JobError as error:
        return fail(error.code, str(error), error.param, 3)
    except Exception as error:
        traceback.print_exc()
        message = f"{type(error).__name__}: {error}"
        if "out of memory" in message.lower():
            message += " (try a smaller batch_size, max_seq_length, or gradient_checkpointing)"
        return fail("training_error", message, None, 1)
    print(f"job {job_id} succeeded", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
