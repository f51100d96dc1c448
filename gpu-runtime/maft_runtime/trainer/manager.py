"""The job manager: uploaded files, job records, the FIFO queue with N slots, and the job processes.

All methods run on the service's event loop (one thread), so a create request's check for an
existing `metadata.maft_job_key` and its insertion happen without interleaving. Each job trains in
its own child process and process group (``python -m maft_runtime.trainer.job``); cancelling a job
or stopping the service SIGKILLs that group. Jobs that were running when the service stopped (or
was killed) are still `running` on disk and are restarted first on the next start; the job process
resumes from its latest checkpoint.
"""
from __future__ import annotations

import asyncio
import collections
import errno
import fcntl
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .. import models
from . import store
from .placement import cpu_threads_per_job, pick_device, resolve_slots
from .spec import ApiError, bad, build_spec, parse_metadata

log = logging.getLogger("maft.trainer")

PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # gpu-runtime/, so `-m maft_runtime...` imports
TERMINAL = ("succeeded", "failed", "cancelled")
JOB_KEY = "maft_job_key"


class ServiceLocked(RuntimeError):
    pass


def lock_is_held(path: Path) -> bool:
    """Whether some process holds an flock on `path` (the job process holds its job's lock)."""
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES):
            return True
        raise
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class JobManager:
    def __init__(self, state_dir: Path, *, slots: int | None = None, checkpoint_every_steps: int = 20,
                 models_dir: Path | None = None, adapter_root: Path | None = None,
                 torch_threads: int | None = None, devices: list[str] | None = None, jobs_per_device: int = 1,
                 poll_interval: float = 0.5):
        self.state_dir = Path(state_dir)
        self.files_dir = self.state_dir / "files"
        self.jobs_dir = self.state_dir / "jobs"
        # With devices, each running job gets one of them as CUDA_VISIBLE_DEVICES, at most
        # jobs_per_device jobs per device (placement.py); slots default to one per such place.
        self.devices = list(devices or [])
        self.jobs_per_device = jobs_per_device
        self.slots = resolve_slots(slots, self.devices, jobs_per_device)
        self.job_devices: dict[str, str] = {}
        self.checkpoint_every_steps = checkpoint_every_steps
        self.models_dir = Path(models_dir) if models_dir else models.models_dir()
        self.adapter_root = Path(adapter_root) if adapter_root else models.adapter_root()
        # Concurrent jobs on the CPU share its cores rather than each taking all of them.
        if torch_threads is None and not self.devices and self.slots > 1:
            torch_threads = cpu_threads_per_job(self.slots)
        self.torch_threads = torch_threads
        self.poll_interval = poll_interval
        self.files: dict[str, dict[str, Any]] = {}
        self.records: dict[str, dict[str, Any]] = {}  # id -> {"job", "spec", "seq", "pid", "pgid"}
        self.queue: collections.deque[str] = collections.deque()
        self.procs: dict[str, subprocess.Popen] = {}
        self.seq = 0
        self.lock = asyncio.Lock()
        self._monitor: asyncio.Task | None = None
        self._service_lock_fd: int | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        for folder in (self.files_dir, self.jobs_dir, self.adapter_root):
            folder.mkdir(parents=True, exist_ok=True)
        if self._service_lock_fd is None:
            self.take_service_lock()
        self._load()
        self._recover()
        self.pump()
        self._monitor = asyncio.create_task(self._monitor_loop())

    async def stop(self) -> None:
        """Kills every job process group; their jobs stay `running` on disk and resume on the next start."""
        if self._monitor:
            self._monitor.cancel()
        procs = list(self.procs.items())
        self.procs.clear()
        self.job_devices.clear()
        for job_id, proc in procs:
            log.info("stopping job %s (pid %s)", job_id, proc.pid)
            kill_group(proc.pid)
        for _, proc in procs:
            try:
                await asyncio.to_thread(proc.wait, 30)
            except subprocess.TimeoutExpired:
                pass
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

    def _load(self) -> None:
        for meta in sorted(self.files_dir.glob("file-*.json")):
            try:
                value = store.read_json(meta)
                self.files[value["id"]] = value
            except (OSError, ValueError, KeyError):
                log.warning("skipping unreadable file record %s", meta)
        for job_file in self.jobs_dir.glob(f"*/{store.JOB_FILE}"):
            try:
                record = store.read_json(job_file)
                self.records[record["job"]["id"]] = record
            except (OSError, ValueError, KeyError):
                log.warning("skipping unreadable job record %s", job_file)
        self.seq = max((r["seq"] for r in self.records.values()), default=0)

    def _recover(self) -> None:
        """Jobs left `running` by a previous service: finish, or queue first to resume from a checkpoint."""
        ordered = sorted(self.records.values(), key=lambda r: r["seq"])
        for record in ordered:
            job = record["job"]
            if job["status"] != "running":
                continue
            job_dir = self.job_dir(job["id"])
            if lock_is_held(job_dir / store.LOCK_FILE) and record.get("pgid"):
                # A job process outlived its service (it normally dies with it): stop it first.
                log.warning("killing leftover process group %s of job %s", record["pgid"], job["id"])
                kill_group(record["pgid"])
                deadline = time.monotonic() + 15
                while lock_is_held(job_dir / store.LOCK_FILE) and time.monotonic() < deadline:
                    time.sleep(0.1)
            if self._output_done(record):
                self._succeed(record)
                continue
            store.append_event(job_dir, job["id"], "The trainer service restarted; the job resumes from its latest checkpoint.")
            self.queue.append(job["id"])
        for record in ordered:
            if record["job"]["status"] == "queued":
                self.queue.append(record["job"]["id"])

    # ---- files -----------------------------------------------------------------------------

    async def create_file(self, filename: str, purpose: str, upload: Any) -> dict[str, Any]:
        file_id = store.new_id("file")
        data_path = self.files_dir / f"{file_id}.data"
        tmp = self.files_dir / f".{file_id}.tmp"
        size = 0
        with open(tmp, "wb") as out:
            while chunk := await upload.read(1 << 20):
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, data_path)
        meta = {
            "id": file_id,
            "object": "file",
            "bytes": size,
            "created_at": store.now(),
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
            "status_details": None,
            "expires_at": None,
        }
        store.write_json_atomic(self.files_dir / f"{file_id}.json", meta)
        self.files[file_id] = meta
        return meta

    def get_file(self, file_id: str) -> dict[str, Any]:
        meta = self.files.get(file_id)
        if meta is None:
            raise ApiError(404, f"No such File object: {file_id}", "id", "file_not_found")
        return meta

    def file_path(self, file_id: str) -> Path:
        return self.files_dir / f"{file_id}.data"

    def list_files(self) -> list[dict[str, Any]]:
        return sorted(self.files.values(), key=lambda f: f["created_at"], reverse=True)

    # ---- jobs ------------------------------------------------------------------------------

    def job_dir(self, job_id: str) -> Path:
        return self.jobs_dir / job_id

    def _record(self, job_id: str) -> dict[str, Any]:
        record = self.records.get(job_id)
        if record is None:
            raise ApiError(404, f"No fine-tuning job with id {job_id}.", "fine_tuning_job_id", "fine_tuning_job_not_found")
        return record

    def _save(self, record: dict[str, Any]) -> None:
        store.write_json_atomic(self.job_dir(record["job"]["id"]) / store.JOB_FILE, record)

    def _event(self, record: dict[str, Any], message: str, level: str = "info") -> None:
        store.append_event(self.job_dir(record["job"]["id"]), record["job"]["id"], message, level=level)

    def create_job(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/fine_tuning/jobs; idempotent on metadata.maft_job_key. Runs without awaiting."""
        metadata = parse_metadata(body.get("metadata"))
        key = (metadata or {}).get(JOB_KEY)
        if key is not None:
            for record in self.records.values():
                if (record["job"].get("metadata") or {}).get(JOB_KEY) == key:
                    return record["job"]

        training_file = body.get("training_file")
        if not isinstance(training_file, str) or not training_file:
            raise bad("training_file", "training_file is required and must be a file id", "missing_required_parameter")
        meta = self.files.get(training_file)
        if meta is None:
            raise bad("training_file", f"invalid training_file: no file with id {training_file}", "file_not_found")
        if meta["purpose"] != "fine-tune":
            raise bad("training_file", f"invalid training_file: {training_file} has purpose {meta['purpose']!r}, not 'fine-tune'")

        job_id = store.new_id("ftjob")
        spec, hyper = build_spec(body, training_file=meta, training_path=self.file_path(training_file), job_id=job_id,
                                 models_dir=self.models_dir, adapter_root=self.adapter_root)
        for record in self.records.values():
            if record["spec"]["output_name"] == spec.output_name and record["job"]["status"] not in ("failed", "cancelled"):
                raise bad("suffix", f"suffix {spec.output_name!r} is already used by fine-tuning job {record['job']['id']}; it must be unique")

        self.seq += 1
        job = {
            "id": job_id,
            "object": "fine_tuning.job",
            "model": spec.model,
            "created_at": store.now(),
            "finished_at": None,
            "fine_tuned_model": None,
            "organization_id": "maft",
            "result_files": [],
            "status": "queued",
            "validation_file": None,
            "training_file": training_file,
            "hyperparameters": hyper,
            "trained_tokens": None,
            "error": None,
            "seed": spec.seed,
            "metadata": metadata,
            "estimated_finish": None,
            "integrations": [],
            "method": {"type": "supervised", "supervised": {"hyperparameters": hyper}},
            "user_provided_suffix": body.get("suffix"),
            "maft_training": {
                "method": spec.method,
                "learning_rate": spec.learning_rate,
                "weight_decay": spec.weight_decay,
                "lora_rank": spec.lora_rank,
                "lora_alpha": spec.lora_alpha,
                "lora_dropout": spec.lora_dropout,
                "target_modules": spec.target_modules,
                "assistant_turns": spec.assistant_turns,
                "max_seq_length": spec.max_seq_length,
                "gradient_checkpointing": spec.gradient_checkpointing,
            },
        }
        record = {"job": job, "spec": spec.to_json(), "seq": self.seq, "pid": None, "pgid": None}
        self.job_dir(job_id).mkdir(parents=True)
        self._save(record)
        self.records[job_id] = record
        self._event(record, f"Created fine-tuning job: {job_id}")
        self.queue.append(job_id)
        log.info("created %s (%s on %s) -> %s", job_id, spec.model, training_file, spec.output_name)
        # Start on the next loop turn, so the create call answers `queued`, like OpenAI's API.
        asyncio.get_running_loop().call_soon(self.pump)
        return job

    def get_job(self, job_id: str) -> dict[str, Any]:
        return self._record(job_id)["job"]

    def list_jobs(self, metadata: dict[str, str]) -> list[dict[str, Any]]:
        records = sorted(self.records.values(), key=lambda r: r["seq"], reverse=True)
        jobs = [r["job"] for r in records]
        return [j for j in jobs if all((j.get("metadata") or {}).get(k) == v for k, v in metadata.items())]

    def events(self, job_id: str) -> list[dict[str, Any]]:
        self._record(job_id)
        return list(reversed(store.read_events(self.job_dir(job_id))))

    async def cancel_job(self, job_id: str) -> dict[str, Any]:
        record = self._record(job_id)
        job = record["job"]
        if job["status"] in ("succeeded", "failed"):
            raise bad("fine_tuning_job_id", f"Job {job_id} has already finished with status {job['status']} and cannot be cancelled.")
        if job["status"] == "cancelled":
            return job
        if job_id in self.queue:
            self.queue.remove(job_id)
        proc = self.procs.pop(job_id, None)
        if proc is not None:
            kill_group(proc.pid)
            await asyncio.to_thread(proc.wait)
            self.job_devices.pop(job_id, None)
            if job["status"] != "running":  # finished meanwhile by another path
                self.pump()
                return job
            if self._output_done(record):  # it had finished saving its model: the job succeeded
                self._succeed(record)
                self.pump()
                return job
        self._remove_partial_output(record)
        job["status"] = "cancelled"
        job["finished_at"] = store.now()
        self._save(record)
        self._event(record, "Fine-tuning job cancelled.")
        log.info("cancelled %s", job_id)
        self.pump()
        return job

    # ---- scheduling ------------------------------------------------------------------------

    def _next_device(self) -> str | None:
        return pick_device(self.devices, self.job_devices.values(), self.jobs_per_device)

    def pump(self) -> None:
        while self.queue and len(self.procs) < self.slots and (not self.devices or self._next_device() is not None):
            job_id = self.queue.popleft()
            record = self.records[job_id]
            if record["job"]["status"] in TERMINAL:
                continue
            try:
                self._launch(record)
            except OSError as error:
                self._fail(record, "training_process_failed", f"could not start the training process: {error}", None)

    def _launch(self, record: dict[str, Any]) -> None:
        job = record["job"]
        job_dir = self.job_dir(job["id"])
        (job_dir / store.ERROR_FILE).unlink(missing_ok=True)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_PARENT), env.get("PYTHONPATH")) if p)
        device = None
        if self.devices:
            device = self._next_device()
            env["CUDA_VISIBLE_DEVICES"] = device
        command = [sys.executable, "-m", "maft_runtime.trainer.job", "--job-dir", str(job_dir),
                   "--checkpoint-every-steps", str(self.checkpoint_every_steps), "--parent-pid", str(os.getpid())]
        if self.torch_threads:
            command += ["--torch-threads", str(self.torch_threads)]
        with open(job_dir / store.LOG_FILE, "ab") as log_file:
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                                    env=env, cwd=str(job_dir), start_new_session=True)
        self.procs[job["id"]] = proc
        if device is not None:
            self.job_devices[job["id"]] = device
        record["pid"] = proc.pid
        record["pgid"] = proc.pid  # start_new_session: the child leads its own process group
        if job["status"] == "queued":
            job["status"] = "running"
            self._save(record)
            self._event(record, "Fine-tuning job started.")
        else:
            self._save(record)
        log.info("started %s (pid %s)", job["id"], proc.pid)

    async def _monitor_loop(self) -> None:
        while True:
            await asyncio.sleep(self.poll_interval)
            try:
                self.reap()
            except Exception:  # keep monitoring whatever one job did
                log.exception("monitor error")

    def reap(self) -> None:
        for job_id, proc in list(self.procs.items()):
            code = proc.poll()
            if code is None:
                continue
            self.procs.pop(job_id, None)
            self.job_devices.pop(job_id, None)
            record = self.records[job_id]
            if record["job"]["status"] != "running":
                continue
            if code == 0 and self._output_done(record):
                self._succeed(record)
            else:
                error = self._read_error(record, code)
                self._fail(record, error["code"], error["message"], error.get("param"))
        self.pump()

    # ---- outcomes --------------------------------------------------------------------------

    def _output_folder(self, record: dict[str, Any]) -> Path:
        return Path(record["spec"]["adapter_root"]) / record["spec"]["output_name"]

    def _output_done(self, record: dict[str, Any]) -> bool:
        """The model folder is in place (renamed last) and was written by this job."""
        folder = self._output_folder(record)
        try:
            written_by = store.read_json(folder / models.MODEL_RECORD).get("job_id")
        except (OSError, ValueError):
            return False
        return written_by == record["job"]["id"] and (self.job_dir(record["job"]["id"]) / store.RESULT_FILE).is_file()

    def _remove_partial_output(self, record: dict[str, Any]) -> None:
        for tmp in Path(record["spec"]["adapter_root"]).glob(f".tmp-{record['job']['id']}-*"):
            shutil.rmtree(tmp, ignore_errors=True)

    def _read_error(self, record: dict[str, Any], code: int) -> dict[str, Any]:
        job_dir = self.job_dir(record["job"]["id"])
        try:
            error = store.read_json(job_dir / store.ERROR_FILE)
            if isinstance(error, dict) and error.get("message"):
                return error
        except (OSError, ValueError):
            pass
        tail = ""
        try:
            tail = (job_dir / store.LOG_FILE).read_text(errors="replace")[-800:].strip()
        except OSError:
            pass
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        return {"code": "training_process_failed", "message": f"the training process {how}; log tail: {tail}", "param": None}

    def _succeed(self, record: dict[str, Any]) -> None:
        job = record["job"]
        result = store.read_json(self.job_dir(job["id"]) / store.RESULT_FILE)
        job["status"] = "succeeded"
        job["fine_tuned_model"] = record["spec"]["output_name"]
        job["trained_tokens"] = result.get("trained_tokens")
        job["finished_at"] = store.now()
        self._save(record)
        self._event(record, f"New fine-tuned model created: {job['fine_tuned_model']}")
        self._event(record, "The job has successfully completed")
        log.info("%s succeeded -> %s", job["id"], job["fine_tuned_model"])

    def _fail(self, record: dict[str, Any], code: str, message: str, param: str | None) -> None:
        job = record["job"]
        self._remove_partial_output(record)
        job["status"] = "failed"
        job["error"] = {"code": code, "message": message, "param": param}
        job["finished_at"] = store.now()
        self._save(record)
        self._event(record, f"Fine-tuning job failed: {message}", level="error")
        log.warning("%s failed: %s", job["id"], message)
