"""Process control: SIGKILL of the service mid-job and resume from the checkpoint; FIFO queue; cancel."""

from __future__ import annotations

import json
import os
import re
import time

import pytest

from trainer_helpers import TrainerService, job_body, metrics, qa_examples
from maft_runtime.trainer.supervisor import lock_is_held

STEP_DELAY = 0.2  # seconds per optimizer step (test hook), so jobs can be caught mid-run


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); check its state
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def slow_trainer(tiny_model, tmp_path_factory):
    service = TrainerService(tmp_path_factory.mktemp("slow-trainer"), checkpoint_every=3, step_delay=STEP_DELAY).start()
    yield service
    service.stop()


def job_pid(service: TrainerService, job_id: str) -> int:
    return json.loads((service.state_dir / "jobs" / job_id / "job.json").read_text())["pid"]


def test_killed_service_resumes_job_from_checkpoint(slow_trainer, trainer, tiny_model):
    # Same data, hyperparameters and seed as the `trained` reference job (16 steps), run uninterrupted elsewhere.
    reference_file = trainer.upload(qa_examples(16))
    reference = trainer.create(
        job_body(tiny_model.name, reference_file, key="ref/l1/generation/0", suffix="ref-l1-gen0", n_epochs=4)
    ).json()

    service = slow_trainer
    file_id = service.upload(qa_examples(16))
    job = service.create(job_body(tiny_model.name, file_id, key="resume/0", suffix="resume-0", n_epochs=4)).json()
    service.wait_event(
        job["id"], lambda e: re.fullmatch(r"Checkpoint saved at step \d+\.", e["message"]) is not None, 60
    )
    pid = job_pid(service, job["id"])
    assert pid_alive(pid)

    service.kill()  # SIGKILL to the service's process group
    # The job process dies with its service (PDEATHSIG / parent watch) and so releases the job's lock.
    lock = service.state_dir / "jobs" / job["id"] / "lock"
    wait_until(
        lambda: not pid_alive(pid) and not lock_is_held(lock), 10, "the orphaned job process to die with its service"
    )

    service.start()
    assert service.job(job["id"])["status"] == "running"
    reference = trainer.wait(reference["id"], 90)
    reference_metrics = metrics(trainer.events(reference["id"]))
    done = service.wait(job["id"], 90)
    assert done["status"] == "succeeded", done["error"]
    events = service.events(job["id"])
    resumed = [e for e in events if re.fullmatch(r"Resumed from checkpoint at step (\d+)\.", e["message"])]
    assert len(resumed) == 1
    step = int(re.search(r"\d+", resumed[0]["message"]).group())
    assert step > 0

    after = metrics(events[events.index(resumed[0]) :])
    assert after[0]["step"] == step + 1  # not from zero
    assert after[-1]["step"] == after[-1]["total_steps"] == reference_metrics[-1]["total_steps"] == 16
    # Seeded and resumed with optimizer, scheduler and RNG state: the same losses as the uninterrupted run.
    by_step = {m["step"]: m["train_loss"] for m in reference_metrics}
    for m in after:
        assert m["train_loss"] == pytest.approx(by_step[m["step"]], abs=1e-3)
    assert done["trained_tokens"] == reference["trained_tokens"]
    assert (tiny_model.adapter_root / "resume-0" / "adapter_model.safetensors").is_file()


def test_queue_is_fifo_and_cancel_kills_the_job(slow_trainer, tiny_model):
    service = slow_trainer
    file_id = service.upload(qa_examples(16))
    first = service.create(
        job_body(tiny_model.name, file_id, key="cancel/0", suffix="cancel-0", n_epochs=8, batch_size=1)
    ).json()
    second = service.create(job_body(tiny_model.name, file_id, key="cancel/1", suffix="cancel-1")).json()
    service.wait_event(first["id"], lambda e: e["type"] == "metrics", 60)
    assert service.job(first["id"])["status"] == "running"
    assert service.job(second["id"])["status"] == "queued"  # one slot

    cancelled = service.client.post(f"/v1/fine_tuning/jobs/{second['id']}/cancel").json()
    assert cancelled["status"] == "cancelled" and cancelled["finished_at"] is not None
    assert "Fine-tuning job started." not in [e["message"] for e in service.events(second["id"])]

    pid = job_pid(service, first["id"])
    cancelled = service.client.post(f"/v1/fine_tuning/jobs/{first['id']}/cancel").json()
    assert cancelled["status"] == "cancelled" and cancelled["fine_tuned_model"] is None
    assert not pid_alive(pid)
    assert service.events(first["id"])[-1]["message"] == "Fine-tuning job cancelled."
    assert not (tiny_model.adapter_root / "cancel-0").exists()
    again = service.client.post(f"/v1/fine_tuning/jobs/{first['id']}/cancel")
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
    # the suffix of a cancelled job may be reused by a new job
    reuse = service.create(job_body(tiny_model.name, file_id, key="cancel/2", suffix="cancel-0"))
    assert reuse.status_code == 200
    service.client.post(f"/v1/fine_tuning/jobs/{reuse.json()['id']}/cancel")
