"""Where models live and how a model name resolves.

A *base model* is a folder MODELS_DIR/<name> holding a transformers checkpoint (config.json,
safetensors weights, tokenizer files). A *finetuned model* is a folder ADAPTER_ROOT/<name>:
a PEFT adapter (adapter_config.json + adapter_model.safetensors) for LoRA jobs, or a full
checkpoint for full finetuning, plus maft_model.json naming its base model and its parent
(the model it was trained from: warm starts chain). The inference server is told an adapter's
path by `POST /v1/load_lora_adapter`; maft's workers send ADAPTER_ROOT/<name>.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL_RECORD = "maft_model.json"


def models_dir() -> Path:
    return Path(os.environ.get("MAFT_MODELS_DIR", REPO_ROOT / ".maft" / "models"))


def adapter_root() -> Path:
    """The local folder of finetuned models; with MAFT_ARTIFACTS=s3://... the host's copy of the store's adapters."""
    raw = os.environ.get("MAFT_ADAPTER_ROOT", "")
    if "://" in raw:
        raise ValueError(
            f"MAFT_ADAPTER_ROOT={raw} is a URL; it must be a local folder (with MAFT_ARTIFACTS=s3://... models "
            "reach the store from it; default .maft/artifacts/adapters)"
        )
    return Path(raw) if raw else REPO_ROOT / ".maft" / "artifacts" / "adapters"


@dataclass(frozen=True)
class ResolvedModel:
    """What a model name means: a base checkpoint, optionally with a finetuned model on top."""

    name: str
    base_name: str
    base_path: Path
    # A PEFT adapter folder (kind "lora") or a full checkpoint folder (kind "full"); None for a base model.
    finetuned_path: Path | None = None
    kind: str = "base"  # "base" | "lora" | "full"
    parent: str | None = None


class UnknownModel(LookupError):
    pass


def write_model_record(folder: Path, *, base_model: str, parent: str, kind: str, job_id: str) -> None:
    (folder / MODEL_RECORD).write_text(
        json.dumps({"base_model": base_model, "parent": parent, "kind": kind, "job_id": job_id}, indent=2) + "\n"
    )


def resolve(name: str, *, models: Path | None = None, adapters: Path | None = None) -> ResolvedModel:
    """Resolves a model name against MODELS_DIR (base models) and ADAPTER_ROOT (finetuned models)."""
    models = models or models_dir()
    adapters = adapters or adapter_root()
    if "/" in name or name.startswith("."):
        raise UnknownModel(f"invalid model name {name!r}")
    base = models / name
    if (base / "config.json").is_file():
        return ResolvedModel(name=name, base_name=name, base_path=base)
    finetuned = adapters / name
    record_file = finetuned / MODEL_RECORD
    if record_file.is_file():
        record = json.loads(record_file.read_text())
        base_name = record["base_model"]
        if not (models / base_name / "config.json").is_file():
            raise UnknownModel(f"model {name!r} is based on {base_name!r}, which is not in {models}")
        return ResolvedModel(
            name=name,
            base_name=base_name,
            base_path=models / base_name,
            finetuned_path=finetuned,
            kind=record.get("kind", "lora"),
            parent=record.get("parent"),
        )
    raise UnknownModel(
        f"The model `{name}` does not exist (no base model in {models}, no finetuned model in {adapters})."
    )
