"""The job manager: what the HTTP service calls. It ties the uploaded files (files.py), the job
records (jobs.py) and the job processes (supervisor.py) to the state directory's lock.

All methods run on the service's event loop (one thread), so a create request's check for an
existing `metadata.maft_job_key` and its insertion happen without interleaving. Answers are the
records' JSON, exactly as the API returns them.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import models
from . import store
from .files import FileStore
from .jobs import JobBook
from .placement import cpu_threads_per_job, resolve_slots
from .records import FineTuningJob, Hyperparameters, MaftTraining
from .spec import ApiError, bad, build_spec, parse_metadata
from .supervisor import Supervisor

if TYPE_CHECKING:
    from maft_vllm_cpu.object_store import ObjectStore

log = logging.getLogger("maft.trainer")


class ServiceLocked(RuntimeError):
    pass


class JobManager:
    def __init__(
        self,
        state_dir: Path,
        *,
        slots: int | None = None,
        checkpoint_every_steps: int = 20,
        models_dir: Path | None = None,
        adapter_root: Path | None = None,
        torch_threads: int | None = None,
        devices: list[str] | None = None,
        jobs_per_device: int = 1,
        poll_interval: float = 0.5,
        object_store: ObjectStore | None = None,
    ):
        """`state_dir` holds files, jobs and the service lock (store.py); the options are the
        service's flags (__main__.py, docs/trainer.md); `poll_interval` is seconds between checks
        for exited job processes; `object_store` (from MAFT_ARTIFACTS=s3://...) receives every
        model and supplies warm-start parents."""
        self.object_store = object_store
        self.state_dir = Path(state_dir)
        self.models_dir = Path(models_dir) if models_dir else models.models_dir()
        self.adapter_root = Path(adapter_root) if adapter_root else models.adapter_root()
        self.files = FileStore(self.state_dir / "files")
        self.jobs = JobBook(self.state_dir / "jobs")
        devices = list(devices or [])
        slots = resolve_slots(slots, devices, jobs_per_device)
        # Concurrent jobs on the CPU share its cores rather than each taking all of them.
        if torch_threads is None and not devices and slots > 1:
            torch_threads = cpu_threads_per_job(slots)
        self.supervisor = Supervisor(
            self.jobs,
            slots=slots,
            devices=devices,
            jobs_per_device=jobs_per_device,
            checkpoint_every_steps=checkpoint_every_steps,
            torch_threads=torch_threads,
            poll_interval=poll_interval,
        )
        self.lock = asyncio.Lock()  # serializes create and cancel requests
        self._service_lock_fd: int | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        for folder in (self.files.folder, self.jobs.folder, self.adapter_root):
            folder.mkdir(parents=True, exist_ok=True)
        if self._service_lock_fd is None:
            self.take_service_lock()
        self.files.load()
        self.jobs.load()
        self.supervisor.recover()
        self.supervisor.pump()
        self.supervisor.start_monitor()

    async def stop(self) -> None:
        """Kills every job process group; their jobs stay `running` on disk and resume on the next start."""
        await self.supervisor.stop()
        if self._service_lock_fd is not None:
            os.close(self._service_lock_fd)
            self._service_lock_fd = None

    def take_service_lock(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.state_dir / "service.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ServiceLocked(f"another trainer service is using the state directory {self.state_dir}") from None
        self._service_lock_fd = fd

    def health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "running": len(self.supervisor.procs),
            "queued": len(self.supervisor.queue),
            "slots": self.supervisor.slots,
        }

    # ---- files -----------------------------------------------------------------------------

    async def create_file(self, filename: str, purpose: str, upload: Any) -> dict[str, Any]:
        return (await self.files.create(filename, purpose, upload)).to_json()

    def get_file(self, file_id: str) -> dict[str, Any]:
        return self.files.get(file_id).to_json()

    def file_path(self, file_id: str) -> Path:
        return self.files.path(file_id)

    def list_files(self) -> list[dict[str, Any]]:
        return [f.to_json() for f in self.files.newest_first()]

    # ---- jobs ------------------------------------------------------------------------------

    def create_job(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/fine_tuning/jobs; idempotent on metadata.maft_job_key. Runs without awaiting."""
        metadata = parse_metadata(body.get("metadata"))
        key = (metadata or {}).get("maft_job_key")
        existing = self.jobs.by_key(key) if key is not None else None
        if existing is not None:
            return existing.job.to_json()

        training_file = body.get("training_file")
        if not isinstance(training_file, str) or not training_file:
            raise bad("training_file", "training_file is required and must be a file id", "missing_required_parameter")
        file = self.files.records.get(training_file)
        if file is None:
            raise bad("training_file", f"invalid training_file: no file with id {training_file}", "file_not_found")
        if file.purpose != "fine-tune":
            raise bad(
                "training_file", f"invalid training_file: {training_file} has purpose {file.purpose!r}, not 'fine-tune'"
            )

        job_id = store.new_id("ftjob")
        spec, hyper = build_spec(
            body,
            training_file=file,
            training_path=self.files.path(training_file),
            job_id=job_id,
            models_dir=self.models_dir,
            adapter_root=self.adapter_root,
            artifacts=self.object_store.location.url() if self.object_store else None,
        )
        claimant = self.jobs.claiming(spec.output_name)
        if claimant is not None:
            raise bad(
                "suffix",
                f"suffix {spec.output_name!r} is already used by fine-tuning job {claimant.id}; it must be unique",
            )

        job = FineTuningJob(
            id=job_id,
            model=spec.model,
            created_at=store.now(),
            status="queued",
            training_file=training_file,
            hyperparameters=Hyperparameters.from_json(hyper),
            seed=spec.seed,
            maft_training=MaftTraining.from_spec(spec),
            metadata=metadata,
            user_provided_suffix=body.get("suffix"),
        )
        self.jobs.add(job, spec)
        self.supervisor.queue.append(job_id)
        log.info("created %s (%s on %s) -> %s", job_id, spec.model, training_file, spec.output_name)
        # Start on the next loop turn, so the create call answers `queued`, like OpenAI's API.
        asyncio.get_running_loop().call_soon(self.supervisor.pump)
        return job.to_json()

    async def fetch_parent(self, body: dict[str, Any]) -> None:
        """In object mode, a warm start's parent that is not in the local adapter root is downloaded from
        the store first (off the event loop; retried while the store is unreachable), so build_spec finds it."""
        model = body.get("model")
        if (
            self.object_store is None
            or not isinstance(model, str)
            or not model
            or "/" in model
            or model.startswith(".")
        ):
            return
        if (self.models_dir / model / "config.json").is_file() or (self.adapter_root / model).is_dir():
            return
        metadata = body.get("metadata")
        key = metadata.get("maft_job_key") if isinstance(metadata, dict) else None
        if isinstance(key, str) and self.jobs.by_key(key) is not None:
            return  # a repeated create: create_job answers the existing job
        store_url = f"{self.object_store.location.url()}/adapters"
        try:
            fetched = await asyncio.to_thread(self.object_store.download_folder, model, self.adapter_root)
        except Exception as error:
            raise ApiError(
                503,
                f"model {model!r} could not be fetched from {store_url}: {error}",
                "model",
                "artifact_store_unavailable",
            ) from None
        if fetched is None:
            raise bad(
                "model",
                f"The model `{model}` does not exist (no base model in {self.models_dir}, no finetuned model in "
                f"{self.adapter_root} nor in {store_url}).",
                "model_not_found",
            )

    def get_job(self, job_id: str) -> dict[str, Any]:
        return self.jobs.get(job_id).job.to_json()

    def list_jobs(self, metadata: dict[str, str]) -> list[dict[str, Any]]:
        """Newest first; every metadata[k] = v must match."""
        jobs = [r.job for r in reversed(self.jobs.oldest_first())]
        return [j.to_json() for j in jobs if all((j.metadata or {}).get(k) == v for k, v in metadata.items())]

    def events(self, job_id: str) -> list[dict[str, Any]]:
        return self.jobs.events_newest_first(job_id)

    async def cancel_job(self, job_id: str) -> dict[str, Any]:
        """A queued job leaves the queue; a running one's process group is SIGKILLed, and the job
        is cancelled unless it had saved its model already (then it succeeded)."""
        record = self.jobs.get(job_id)
        job = record.job
        if job.status in ("succeeded", "failed"):
            raise bad(
                "fine_tuning_job_id",
                f"Job {job_id} has already finished with status {job.status} and cannot be cancelled.",
            )
        if job.status == "cancelled":
            return job.to_json()
        was_running = job_id in self.supervisor.procs
        await self.supervisor.cancel(record)
        finished_meanwhile = was_running and job.status != "running"  # by another path
        if not finished_meanwhile:
            if was_running and self.jobs.output_done(record):  # it had saved its model
                self.jobs.succeed(record)
            else:
                self.jobs.cancel(record)
        self.supervisor.pump()
        return job.to_json()
