"""The typed job and file records read the state directory's JSON as written before they existed,
and write it back key for key, so a trainer upgraded mid-run resumes its jobs."""

from __future__ import annotations

import json
from pathlib import Path

from maft_runtime.trainer import store
from maft_runtime.trainer.jobs import JobBook
from maft_runtime.trainer.records import FileRecord, FineTuningJob, Hyperparameters, JobFailure, JobRecord, MaftTraining
from maft_runtime.trainer.supervisor import Supervisor

# A job.json as the trainer wrote it before the typed records (a running job, after its launch).
TODAY_JOB = """{
  "job": {
    "id": "ftjob-0123456789abcdef01234567",
    "object": "fine_tuning.job",
    "model": "tiny-chat",
    "created_at": 1764876000,
    "finished_at": null,
    "fine_tuned_model": null,
    "organization_id": "maft",
    "result_files": [],
    "status": "running",
    "validation_file": null,
    "training_file": "file-89abcdef0123456789abcdef",
    "hyperparameters": {
      "n_epochs": 2,
      "batch_size": 4,
      "learning_rate_multiplier": 1.0
    },
    "trained_tokens": null,
    "error": null,
    "seed": 11,
    "metadata": {
      "maft_job_key": "run-1/iteration-1/critic-2"
    },
    "estimated_finish": null,
    "integrations": [],
    "method": {
      "type": "supervised",
      "supervised": {
        "hyperparameters": {
          "n_epochs": 2,
          "batch_size": 4,
          "learning_rate_multiplier": 1.0
        }
      }
    },
    "user_provided_suffix": "critic-2-it1",
    "maft_training": {
      "method": "lora",
      "learning_rate": 0.0001,
      "weight_decay": 0.001,
      "lora_rank": 16,
      "lora_alpha": 32,
      "lora_dropout": 0.05,
      "target_modules": null,
      "assistant_turns": "all",
      "max_seq_length": 2048,
      "gradient_checkpointing": false
    }
  },
  "spec": {
    "model": "tiny-chat",
    "base_name": "tiny-chat",
    "base_path": "/state/models/tiny-chat",
    "parent_kind": "base",
    "parent_path": null,
    "output_name": "critic-2-it1",
    "adapter_root": "/state/adapters",
    "training_file": "file-89abcdef0123456789abcdef",
    "training_filename": "critic-2.jsonl",
    "training_path": "/state/trainer/files/file-89abcdef0123456789abcdef.data",
    "method": "lora",
    "learning_rate": 0.0001,
    "n_epochs": 2,
    "batch_size": 4,
    "seed": 11,
    "lora_rank": 16,
    "lora_alpha": 32,
    "lora_dropout": 0.05,
    "target_modules": null,
    "assistant_turns": "all",
    "max_seq_length": 2048,
    "gradient_checkpointing": false,
    "weight_decay": 0.001,
    "extra": {}
  },
  "seq": 3,
  "pid": 4242,
  "pgid": 4242
}
"""

TODAY_FILE = """{
  "id": "file-89abcdef0123456789abcdef",
  "object": "file",
  "bytes": 5120,
  "created_at": 1764875990,
  "filename": "critic-2.jsonl",
  "purpose": "fine-tune",
  "status": "processed",
  "status_details": null,
  "expires_at": null
}
"""


def as_written(value: dict) -> str:
    """The bytes store.write_json_atomic writes (json.dump with indent 2 and a newline)."""
    return json.dumps(value, indent=2) + "\n"


def test_a_job_record_in_todays_format_loads_typed_and_writes_back_byte_for_byte():
    record = JobRecord.from_json(json.loads(TODAY_JOB))
    assert record.id == "ftjob-0123456789abcdef01234567" and record.seq == 3 and record.pgid == 4242
    assert record.job.status == "running" and record.job.key() == "run-1/iteration-1/critic-2"
    assert record.job.hyperparameters == Hyperparameters(n_epochs=2, batch_size=4, learning_rate_multiplier=1.0)
    assert record.job.maft_training.weight_decay == 0.001 and record.job.maft_training.lora_alpha == 32
    assert record.spec.output_name == "critic-2-it1" and record.spec.training_filename == "critic-2.jsonl"
    assert record.job.error is None
    assert as_written(record.to_json()) == TODAY_JOB


def test_a_file_record_in_todays_format_round_trips():
    record = FileRecord.from_json(json.loads(TODAY_FILE))
    assert record == FileRecord(
        id="file-89abcdef0123456789abcdef",
        bytes=5120,
        created_at=1764875990,
        filename="critic-2.jsonl",
        purpose="fine-tune",
    )
    assert as_written(record.to_json()) == TODAY_FILE


def test_a_failed_job_keeps_its_error_through_a_round_trip():
    value = json.loads(TODAY_JOB)
    value["job"].update(
        status="failed",
        finished_at=1764876100,
        error={
            "code": "invalid_training_file",
            "message": "training file 'critic-2.jsonl' line 17: bad role",
            "param": "training_file",
        },
    )
    record = JobRecord.from_json(value)
    assert record.job.error == JobFailure(
        "invalid_training_file", "training file 'critic-2.jsonl' line 17: bad role", "training_file"
    )
    assert record.to_json() == value and JobRecord.from_json(record.to_json()) == record


def test_a_record_from_before_weight_decay_and_gradient_checkpointing_loads_with_their_defaults():
    value = json.loads(TODAY_JOB)
    for options in (value["job"]["maft_training"], value["spec"]):
        del options["weight_decay"], options["gradient_checkpointing"]
    record = JobRecord.from_json(value)
    assert (record.job.maft_training.weight_decay, record.job.maft_training.gradient_checkpointing) == (0.0, False)
    assert (record.spec.weight_decay, record.spec.gradient_checkpointing) == (0.0, False)


def test_a_new_job_round_trips_and_reports_its_hyperparameters_twice():
    value = json.loads(TODAY_JOB)
    job = FineTuningJob(
        id="ftjob-1",
        model="tiny-chat",
        created_at=1,
        status="queued",
        training_file="file-1",
        hyperparameters=Hyperparameters(1, 1, 1.0),
        seed=5,
        maft_training=MaftTraining.from_json(value["job"]["maft_training"]),
    )
    out = job.to_json()
    assert out["method"] == {
        "type": "supervised",
        "supervised": {"hyperparameters": {"n_epochs": 1, "batch_size": 1, "learning_rate_multiplier": 1.0}},
    }
    assert (out["metadata"], out["error"], out["fine_tuned_model"], out["result_files"]) == (None, None, None, [])
    assert list(out) == list(value["job"])  # OpenAI's key order, as before
    assert FineTuningJob.from_json(out) == job


def test_an_upgraded_trainer_queues_a_running_job_from_today_first(tmp_path: Path):
    """The state directory as the old trainer left it: a running job (its process gone) and a queued one."""
    jobs_dir = tmp_path / "jobs"
    running = json.loads(TODAY_JOB)
    queued = json.loads(TODAY_JOB)
    queued["job"].update(id="ftjob-queued", status="queued")
    queued.update(seq=1, pid=None, pgid=None)  # created first, yet it waits behind the running job
    for value in (running, queued):
        value["spec"]["adapter_root"] = str(tmp_path / "adapters")
        (jobs_dir / value["job"]["id"]).mkdir(parents=True)
        store.write_json_atomic(jobs_dir / value["job"]["id"] / store.JOB_FILE, value)

    book = JobBook(jobs_dir)
    book.load()
    assert sorted(book.records) == ["ftjob-0123456789abcdef01234567", "ftjob-queued"] and book.seq == 3
    supervisor = Supervisor(
        book, slots=1, devices=[], jobs_per_device=1, checkpoint_every_steps=20, torch_threads=None, poll_interval=0.5
    )
    supervisor.recover()
    assert list(supervisor.queue) == ["ftjob-0123456789abcdef01234567", "ftjob-queued"]
    events = store.read_events(jobs_dir / "ftjob-0123456789abcdef01234567")
    assert [e["message"] for e in events] == [
        "The trainer service restarted; the job resumes from its latest checkpoint."
    ]
