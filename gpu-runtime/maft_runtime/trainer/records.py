"""Typed records of the trainer's state: uploaded files and fine-tuning jobs (no heavy imports).

Each record's `to_json` gives the exact dict that the API answers and that the store writes
(`files/<id>.json`, `jobs/<id>/job.json`), keys in OpenAI's order; `from_json` reads those files
back, including ones written before these types existed (the format is unchanged), so a trainer
upgraded mid-run resumes its jobs. Fields that are constant in maft's subset of the API
(`object`, `organization_id`, `result_files`, ...) are written by `to_json` and not stored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .spec import TrainingSpec

JOB_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
TERMINAL = ("succeeded", "failed", "cancelled")


@dataclass
class FileRecord:
    """An uploaded file (OpenAI's FileObject); its bytes are `files/<id>.data`."""

    id: str  # `file-<24 hex>`
    bytes: int  # size of the upload
    created_at: int  # Unix seconds
    filename: str  # the uploaded file's base name, quoted in dataset errors
    purpose: str  # as uploaded; jobs need "fine-tune"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": self.bytes,
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
            "status_details": None,
            "expires_at": None,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> FileRecord:
        return cls(
            id=value["id"],
            bytes=value["bytes"],
            created_at=value["created_at"],
            filename=value["filename"],
            purpose=value["purpose"],
        )


@dataclass
class Hyperparameters:
    """OpenAI's supervised hyperparameters, "auto" already resolved to the defaults."""

    n_epochs: int  # passes over the training file (default 1)
    batch_size: int  # examples per optimizer step (default 1; no gradient accumulation)
    learning_rate_multiplier: float  # scales maft_training.learning_rate (default 1)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Hyperparameters:
        return cls(
            n_epochs=value["n_epochs"],
            batch_size=value["batch_size"],
            learning_rate_multiplier=value["learning_rate_multiplier"],
        )


@dataclass
class JobFailure:
    """A failed job's `error` (OpenAI's shape); `param` names the request field at fault, if any."""

    code: str  # e.g. invalid_training_file, training_error, training_process_failed
    message: str
    param: str | None = None

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> JobFailure:
        return cls(code=value["code"], message=value["message"], param=value.get("param"))


@dataclass
class MaftTraining:
    """The job's resolved `maft_training` options, as reported on the job (see TrainingSpec)."""

    method: str
    learning_rate: float
    lora_rank: int
    lora_alpha: float
    lora_dropout: float
    target_modules: list[str] | None
    assistant_turns: str
    max_seq_length: int
    gradient_checkpointing: bool = False  # absent from records older than the option
    weight_decay: float = 0.0  # absent from records older than the option

    @classmethod
    def from_spec(cls, spec: TrainingSpec) -> MaftTraining:
        return cls(
            method=spec.method,
            learning_rate=spec.learning_rate,
            weight_decay=spec.weight_decay,
            lora_rank=spec.lora_rank,
            lora_alpha=spec.lora_alpha,
            lora_dropout=spec.lora_dropout,
            target_modules=spec.target_modules,
            assistant_turns=spec.assistant_turns,
            max_seq_length=spec.max_seq_length,
            gradient_checkpointing=spec.gradient_checkpointing,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "learning_rate": self.learning_rate,
            "weight_decay": self.weight_decay,
            "lora_rank": self.lora_rank,
            "lora_alpha": self.lora_alpha,
            "lora_dropout": self.lora_dropout,
            "target_modules": self.target_modules,
            "assistant_turns": self.assistant_turns,
            "max_seq_length": self.max_seq_length,
            "gradient_checkpointing": self.gradient_checkpointing,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> MaftTraining:
        return cls(**{name: value[name] for name in cls.__dataclass_fields__ if name in value})


@dataclass
class FineTuningJob:
    """The public FineTuningJob, as `GET /v1/fine_tuning/jobs/{id}` answers it."""

    id: str  # `ftjob-<24 hex>`
    model: str  # the requested base or finetuned model
    created_at: int  # Unix seconds
    status: str  # one of JOB_STATUSES
    training_file: str  # file id
    hyperparameters: Hyperparameters
    seed: int  # the request's, or drawn at creation
    maft_training: MaftTraining
    metadata: dict[str, str] | None = None  # `maft_job_key` makes creation idempotent
    user_provided_suffix: str | None = None
    finished_at: int | None = None  # set when succeeded, failed or cancelled
    fine_tuned_model: str | None = None  # the output model's name, set on success
    trained_tokens: int | None = None  # tokens per epoch x epochs, set on success
    error: JobFailure | None = None  # set on failure

    def to_json(self) -> dict[str, Any]:
        hyper = asdict(self.hyperparameters)
        return {
            "id": self.id,
            "object": "fine_tuning.job",
            "model": self.model,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
            "fine_tuned_model": self.fine_tuned_model,
            "organization_id": "maft",
            "result_files": [],
            "status": self.status,
            "validation_file": None,
            "training_file": self.training_file,
            "hyperparameters": hyper,
            "trained_tokens": self.trained_tokens,
            "error": asdict(self.error) if self.error else None,
            "seed": self.seed,
            "metadata": self.metadata,
            "estimated_finish": None,
            "integrations": [],
            "method": {"type": "supervised", "supervised": {"hyperparameters": dict(hyper)}},
            "user_provided_suffix": self.user_provided_suffix,
            "maft_training": self.maft_training.to_json(),
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> FineTuningJob:
        error = value.get("error")
        return cls(
            id=value["id"],
            model=value["model"],
            created_at=value["created_at"],
            status=value["status"],
            training_file=value["training_file"],
            hyperparameters=Hyperparameters.from_json(value["hyperparameters"]),
            seed=value["seed"],
            maft_training=MaftTraining.from_json(value["maft_training"]),
            metadata=value.get("metadata"),
            user_provided_suffix=value.get("user_provided_suffix"),
            finished_at=value.get("finished_at"),
            fine_tuned_model=value.get("fine_tuned_model"),
            trained_tokens=value.get("trained_tokens"),
            error=JobFailure.from_json(error) if error else None,
        )

    def key(self) -> str | None:
        """The idempotency key, `metadata.maft_job_key`."""
        return (self.metadata or {}).get("maft_job_key")


@dataclass
class JobRecord:
    """What `jobs/<id>/job.json` holds: the public job, the resolved spec the job process trains, and
    the service's bookkeeping."""

    job: FineTuningJob
    spec: TrainingSpec
    seq: int  # creation order (1, 2, ...): FIFO order of the queue and newest-first listing
    pid: int | None = None  # the job process, once launched
    pgid: int | None = None  # its process group (== pid: it leads its own session), killed on cancel

    @property
    def id(self) -> str:
        return self.job.id

    def to_json(self) -> dict[str, Any]:
        return {
            "job": self.job.to_json(),
            "spec": self.spec.to_json(),
            "seq": self.seq,
            "pid": self.pid,
            "pgid": self.pgid,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> JobRecord:
        return cls(
            job=FineTuningJob.from_json(value["job"]),
            spec=TrainingSpec.from_json(value["spec"]),
            seq=value["seq"],
            pid=value.get("pid"),
            pgid=value.get("pgid"),
        )
