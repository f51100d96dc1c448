"""Validation of ``POST /v1/fine_tuning/jobs`` bodies into a training spec (no heavy imports)."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import models

if TYPE_CHECKING:
    from .records import FileRecord

VLLM_LORA_RANKS = (8, 16, 32, 64, 128, 256)
DEFAULT_LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
# Module names that are embeddings or the LM head in common architectures: never LoRA targets,
# since vLLM rejects adapters that train them.
FORBIDDEN_TARGETS = (
    "embed_tokens",
    "lm_head",
    "wte",
    "wpe",
    "embed_out",
    "embed_in",
    "word_embeddings",
    "embeddings",
    "output_layer",
)
DEFAULT_LEARNING_RATE = {"lora": 1e-4, "full": 1e-5}
MAFT_TRAINING_KEYS = {
    "learning_rate",
    "method",
    "lora_rank",
    "lora_alpha",
    "lora_dropout",
    "target_modules",
    "assistant_turns",
    "max_seq_length",
    "gradient_checkpointing",
    "weight_decay",
}
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$")


class ApiError(Exception):
    """An error answered in OpenAI's shape: {"error": {"message", "type", "param", "code"}}."""

    def __init__(
        self,
        status: int,
        message: str,
        param: str | None = None,
        code: str | None = None,
        type: str = "invalid_request_error",
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.type = type

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def bad(param: str, message: str, code: str = "invalid_value") -> ApiError:
    return ApiError(400, message, param, code)


@dataclass
class TrainingSpec:
    """Everything the job process needs, resolved at creation so a restart trains the same thing.
    Stored as `spec` in job.json; paths are absolute."""

    model: str  # the request's `model`: a base model or a finetuned one (warm start)
    base_name: str  # the base model's name in MODELS_DIR (recorded in the output's maft_model.json)
    base_path: str  # its folder
    parent_kind: str  # what `model` is: base | lora | full
    parent_path: str | None  # the finetuned model's folder (lora, full); None for a base model
    output_name: str  # the new model's name: the suffix, or `<model>-<job id>`
    adapter_root: str  # where the output folder is published (ADAPTER_ROOT)
    training_file: str  # file id
    training_filename: str  # the upload's original name, quoted in dataset errors
    training_path: str  # the uploaded bytes (files/<id>.data)
    method: str  # maft_training.method: lora | full
    learning_rate: float  # maft_training.learning_rate x learning_rate_multiplier; linear decay, AdamW
    n_epochs: int  # hyperparameters.n_epochs
    batch_size: int  # hyperparameters.batch_size: examples per optimizer step
    seed: int  # transformers.set_seed and the Trainer's seed/data_seed
    lora_rank: int  # one of VLLM_LORA_RANKS (a warm start keeps its adapter's)
    lora_alpha: float  # default 2 x rank
    lora_dropout: float  # in [0, 1)
    target_modules: list[str] | None  # None: the attention and MLP projections present, else all-linear
    assistant_turns: str  # all | final: which assistant turns carry loss
    max_seq_length: int  # longer examples fail the job (never truncated)
    gradient_checkpointing: bool = False  # trade compute for memory
    weight_decay: float = 0.0  # AdamW's decoupled weight decay
    # MAFT_ARTIFACTS when it is s3://bucket/prefix: the model is uploaded there before the job succeeds
    artifacts: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # reserved for options added later; empty today

    def to_json(self) -> dict[str, Any]:
        value = asdict(self)
        if value["artifacts"] is None:  # directory mode: job.json exactly as before object stores
            del value["artifacts"]
        return value

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> "TrainingSpec":
        return cls(**value)


def _positive(param: str, value: Any, default: float, integer: bool) -> Any:
    if value is None or value == "auto":
        return default
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not value > 0
        or (integer and int(value) != value)
    ):
        raise bad(
            param, f"{param} must be 'auto' or a positive {'integer' if integer else 'number'}, not {json.dumps(value)}"
        )
    return int(value) if integer else float(value)


def parse_hyperparameters(body: dict[str, Any]) -> dict[str, Any]:
    raw = body.get("hyperparameters")
    if raw is None:
        method = body.get("method")
        if isinstance(method, dict) and isinstance(method.get("supervised"), dict):
            raw = method["supervised"].get("hyperparameters")
        elif method is not None and not (isinstance(method, dict) and method.get("type") in (None, "supervised")):
            raise bad("method", "only the 'supervised' fine-tuning method is supported")
    raw = raw if raw is not None else {}
    if not isinstance(raw, dict):
        raise bad("hyperparameters", "hyperparameters must be an object")
    unknown = set(raw) - {"n_epochs", "batch_size", "learning_rate_multiplier"}
    if unknown:
        name = sorted(unknown)[0]
        raise bad(
            f"hyperparameters.{name}",
            f"unknown hyperparameter {name!r} (supported: n_epochs, batch_size, learning_rate_multiplier)",
        )
    return {
        "n_epochs": _positive("hyperparameters.n_epochs", raw.get("n_epochs"), 1, True),
        "batch_size": _positive("hyperparameters.batch_size", raw.get("batch_size"), 1, True),
        "learning_rate_multiplier": _positive(
            "hyperparameters.learning_rate_multiplier", raw.get("learning_rate_multiplier"), 1.0, False
        ),
    }


def parse_metadata(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad("metadata", "metadata must be an object of string values")
    for key, item in value.items():
        if not isinstance(item, str):
            raise bad(f"metadata.{key}", f"metadata.{key} must be a string")
    return dict(value)


def read_adapter_config(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "adapter_config.json").read_text())


def build_spec(
    body: dict[str, Any],
    *,
    training_file: FileRecord,
    training_path: Path,
    job_id: str,
    models_dir: Path,
    adapter_root: Path,
    artifacts: str | None = None,
) -> tuple[TrainingSpec, dict[str, Any]]:
    """Validates a create body (the training file already looked up) into (spec, public hyperparameters)."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise bad("model", "model is required and must be a string", "missing_required_parameter")
    try:
        resolved = models.resolve(model, models=models_dir, adapters=adapter_root)
    except models.UnknownModel as error:
        raise bad("model", str(error), "model_not_found") from None
    except (OSError, ValueError, KeyError) as error:
        raise bad("model", f"model {model!r} cannot be read: {error}", "model_not_found") from None

    hyper = parse_hyperparameters(body)

    seed = body.get("seed")
    if seed is None:
        seed = secrets.randbelow(2**31)
    elif isinstance(seed, bool) or not isinstance(seed, int) or seed < 0 or seed >= 2**32:
        raise bad("seed", "seed must be an integer in [0, 2^32)")

    if body.get("validation_file") is not None:
        raise bad("validation_file", "validation_file is not supported by maft's trainer")

    extension = body.get("maft_training") or {}
    if not isinstance(extension, dict):
        raise bad("maft_training", "maft_training must be an object")
    unknown = set(extension) - MAFT_TRAINING_KEYS
    if unknown:
        name = sorted(unknown)[0]
        raise bad(
            f"maft_training.{name}",
            f"unknown maft_training option {name!r} (supported: {', '.join(sorted(MAFT_TRAINING_KEYS))})",
        )

    method = extension.get("method", "lora")
    if method not in ("lora", "full"):
        raise bad("maft_training.method", f"maft_training.method must be 'lora' or 'full', not {json.dumps(method)}")
    learning_rate = _positive(
        "maft_training.learning_rate", extension.get("learning_rate"), DEFAULT_LEARNING_RATE[method], False
    )
    learning_rate *= hyper["learning_rate_multiplier"]
    weight_decay = extension.get("weight_decay", 0.0)
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, (int, float)) or not weight_decay >= 0:
        raise bad(
            "maft_training.weight_decay",
            f"maft_training.weight_decay must be a number >= 0, not {json.dumps(weight_decay)}",
        )

    rank = extension.get("lora_rank", 16)
    if isinstance(rank, bool) or rank not in VLLM_LORA_RANKS:
        raise bad(
            "maft_training.lora_rank",
            f"maft_training.lora_rank must be one of {list(VLLM_LORA_RANKS)} (ranks vLLM serves), not {json.dumps(rank)}",
        )
    alpha = _positive("maft_training.lora_alpha", extension.get("lora_alpha"), 2 * rank, False)
    dropout = extension.get("lora_dropout", 0.05)
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise bad("maft_training.lora_dropout", "maft_training.lora_dropout must be a number in [0, 1)")
    targets = extension.get("target_modules")
    if targets is not None:
        if not isinstance(targets, list) or not targets or not all(isinstance(t, str) and t for t in targets):
            raise bad(
                "maft_training.target_modules", "maft_training.target_modules must be a non-empty list of module names"
            )
        forbidden = [t for t in targets if any(f in t for f in FORBIDDEN_TARGETS)]
        if forbidden:
            raise bad(
                "maft_training.target_modules",
                f"maft_training.target_modules may not include embeddings or the LM head ({', '.join(forbidden)}): vLLM rejects such adapters",
            )
    turns = extension.get("assistant_turns", "all")
    if turns not in ("all", "final"):
        raise bad("maft_training.assistant_turns", "maft_training.assistant_turns must be 'all' or 'final'")
    max_len = extension.get("max_seq_length", 2048)
    if isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 8:
        raise bad("maft_training.max_seq_length", "maft_training.max_seq_length must be an integer >= 8")
    checkpointing = extension.get("gradient_checkpointing", False)
    if not isinstance(checkpointing, bool):
        raise bad("maft_training.gradient_checkpointing", "maft_training.gradient_checkpointing must be a boolean")

    # Warm starts: what the parent model allows.
    if resolved.kind == "lora":
        try:
            parent_config = read_adapter_config(resolved.finetuned_path)
        except (OSError, ValueError) as error:
            raise bad(
                "model", f"model {model!r} has no readable adapter_config.json: {error}", "model_not_found"
            ) from None
        if method == "lora":
            if parent_config.get("r") != rank:
                raise bad(
                    "maft_training.lora_rank",
                    f"model {model!r} is a rank-{parent_config.get('r')} LoRA adapter; a warm start keeps training it, so lora_rank must be {parent_config.get('r')}, not {rank}",
                )
            if float(parent_config.get("lora_alpha", alpha)) != float(alpha):
                raise bad(
                    "maft_training.lora_alpha",
                    f"model {model!r} has lora_alpha {parent_config.get('lora_alpha')}; a warm start keeps it, so lora_alpha must be {parent_config.get('lora_alpha')}, not {alpha}",
                )
            parent_targets = parent_config.get("target_modules")
            if targets is not None and isinstance(parent_targets, list) and sorted(targets) != sorted(parent_targets):
                raise bad(
                    "maft_training.target_modules",
                    f"model {model!r} adapts {sorted(parent_targets)}; a warm start keeps its target modules",
                )
            if parent_config.get("modules_to_save"):
                raise bad(
                    "model", f"model {model!r} has modules_to_save, which vLLM rejects; it cannot be warm-started"
                )
    elif resolved.kind == "full" and method == "lora":
        raise bad(
            "maft_training.method",
            f"model {model!r} is a fully finetuned checkpoint; LoRA adapters must sit on a base model in MODELS_DIR, "
            "so continue it with method 'full' (or train a LoRA adapter on its base model)",
        )

    suffix = body.get("suffix")
    if suffix is not None:
        if not isinstance(suffix, str) or not NAME_PATTERN.match(suffix) or ".." in suffix:
            raise bad(
                "suffix",
                "suffix must be 1-256 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
            )
        output_name = suffix
    else:
        output_name = f"{model}-{job_id}"
    if (models_dir / output_name).exists() or (adapter_root / output_name).exists():
        raise bad("suffix", f"a model named {output_name!r} already exists; suffix must be unique")

    spec = TrainingSpec(
        model=model,
        base_name=resolved.base_name,
        base_path=str(resolved.base_path.resolve()),
        parent_kind=resolved.kind,
        parent_path=str(resolved.finetuned_path.resolve()) if resolved.finetuned_path else None,
        output_name=output_name,
        adapter_root=str(adapter_root.resolve()),
        training_file=training_file.id,
        training_filename=training_file.filename,
        training_path=str(training_path.resolve()),
        method=method,
        learning_rate=learning_rate,
        n_epochs=hyper["n_epochs"],
        batch_size=hyper["batch_size"],
        seed=seed,
        lora_rank=rank,
        lora_alpha=alpha,
        lora_dropout=float(dropout),
        target_modules=list(targets) if targets is not None else None,
        assistant_turns=turns,
        max_seq_length=max_len,
        gradient_checkpointing=checkpointing,
        weight_decay=float(weight_decay),
        artifacts=artifacts,
    )
    return spec, hyper
