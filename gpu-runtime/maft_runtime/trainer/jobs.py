"""Job records: `<state>/jobs/<id>/job.json` (a JobRecord), the job's events, and its outcomes.

The book holds every job in memory, written through to disk (atomically) on each change. Outcomes
read what the job process left: its model folder and `result.json` (success) or `error.json`.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from . import store
from .artifacts import model_done, model_saved
from .records import FineTuningJob, JobFailure, JobRecord
from .spec import ApiError, TrainingSpec

log = logging.getLogger("maft.trainer")


class JobBook:
    def __init__(self, folder: Path):
        self.folder = folder
        self.records: dict[str, JobRecord] = {}
        self.seq = 0  # the newest record's seq

    def load(self) -> None:
        for record in store.read_records(self.folder.glob(f"*/{store.JOB_FILE}"), JobRecord.from_json):
            self.records[record.id] = record
        self.seq = max((r.seq for r in self.records.values()), default=0)

    def job_dir(self, job_id: str) -> Path:
        return self.folder / job_id

    def get(self, job_id: str) -> JobRecord:
        record = self.records.get(job_id)
        if record is None:
            raise ApiError(
                404, f"No fine-tuning job with id {job_id}.", "fine_tuning_job_id", "fine_tuning_job_not_found"
            )
        return record

    def by_key(self, key: str) -> JobRecord | None:
        """The job created with `metadata.maft_job_key` == key, if any."""
        return next((r for r in self.records.values() if r.job.key() == key), None)

    def claiming(self, output_name: str) -> JobRecord | None:
        """A job that has not failed or been cancelled and will publish `output_name`."""
        return next(
            (
                r
                for r in self.records.values()
                if r.spec.output_name == output_name and r.job.status not in ("failed", "cancelled")
            ),
            None,
        )

    def oldest_first(self) -> list[JobRecord]:
        return sorted(self.records.values(), key=lambda r: r.seq)

    def add(self, job: FineTuningJob, spec: TrainingSpec) -> JobRecord:
        self.seq += 1
        record = JobRecord(job=job, spec=spec, seq=self.seq)
        self.job_dir(job.id).mkdir(parents=True)
        self.save(record)
        self.records[job.id] = record
        self.event(record, f"Created fine-tuning job: {job.id}")
        return record

    def save(self, record: JobRecord) -> None:
        store.write_json_atomic(self.job_dir(record.id) / store.JOB_FILE, record.to_json())

    def event(self, record: JobRecord, message: str, level: str = "info") -> None:
        store.append_event(self.job_dir(record.id), record.id, message, level=level)

    def events_newest_first(self, job_id: str) -> list[dict[str, Any]]:
        self.get(job_id)
        return list(reversed(store.read_events(self.job_dir(job_id))))

    # ---- outcomes --------------------------------------------------------------------------

    def output_done(self, record: JobRecord) -> bool:
        """The model folder is in place (renamed last), written by this job, and in object mode uploaded."""
        return model_done(record.spec, record.id, self.job_dir(record.id))

    def remove_partial_output(self, record: JobRecord) -> None:
        """Temporary folders, and a model this job saved but did not upload: a job that did not succeed leaves no model."""
        for tmp in Path(record.spec.adapter_root).glob(f".tmp-{record.id}-*"):
            shutil.rmtree(tmp, ignore_errors=True)
        if record.spec.artifacts and model_saved(record.spec, record.id, self.job_dir(record.id)):
            shutil.rmtree(Path(record.spec.adapter_root) / record.spec.output_name, ignore_errors=True)

    def process_failure(self, record: JobRecord, code: int) -> JobFailure:
        """Why a job process exited without success: its error.json, else the exit and its log's tail."""
        job_dir = self.job_dir(record.id)
        try:
            error = store.read_json(job_dir / store.ERROR_FILE)
            if isinstance(error, dict) and error.get("message"):
                return JobFailure.from_json(error)
        except (OSError, ValueError, KeyError):
            pass
        tail = ""
        try:
            tail = (job_dir / store.LOG_FILE).read_text(errors="replace")[-800:].strip()
        except OSError:
            pass
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        return JobFailure("training_process_failed", f"the training process {how}; log tail: {tail}")

    def succeed(self, record: JobRecord) -> None:
        job = record.job
        result = store.read_json(self.job_dir(job.id) / store.RESULT_FILE)
        job.status = "succeeded"
        job.fine_tuned_model = record.spec.output_name
        job.trained_tokens = result.get("trained_tokens")
        job.finished_at = store.now()
        self.save(record)
        self.event(record, f"New fine-tuned model created: {job.fine_tuned_model}")
        self.event(record, "The job has successfully completed")
        log.info("%s succeeded -> %s", job.id, job.fine_tuned_model)

    def fail(self, record: JobRecord, failure: JobFailure) -> None:
        job = record.job
        self.remove_partial_output(record)
        job.status = "failed"
        job.error = failure
        job.finished_at = store.now()
        self.save(record)
        self.event(record, f"Fine-tuning job failed: {failure.message}", level="error")
        log.warning("%s failed: %s", job.id, failure.message)

    def cancel(self, record: JobRecord) -> None:
        self.remove_partial_output(record)
        record.job.status = "cancelled"
        record.job.finished_at = store.now()
        self.save(record)
        self.event(record, "Fine-tuning job cancelled.")
        log.info("cancelled %s", record.id)
