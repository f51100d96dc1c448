"""Trainer test helpers: the service as a real subprocess on a free port, and small HTTP helpers.

(A uniquely named module rather than conftest.py, so test files can import it whatever other
conftest modules are loaded.)
"""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx

from service_process import ServiceProcess

TERMINAL = ("succeeded", "failed", "cancelled")


class TrainerService(ServiceProcess):
    """`python -m maft_runtime.trainer`: start, stop, SIGKILL, restart (start again)."""

    def __init__(
        self,
        state_dir: Path,
        *,
        slots: int | None = 1,
        jobs_per_device: int = 1,
        checkpoint_every: int = 20,
        step_delay: float = 0.0,
    ):
        """slots None: the trainer's default (jobs_per_device on the CPU). Every job trains on one torch thread."""
        self.state_dir = state_dir
        state_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        if step_delay:
            env["MAFT_TRAINER_TEST_STEP_DELAY"] = str(step_delay)
        super().__init__(
            "maft_runtime.trainer",
            [
                "--state-dir",
                str(state_dir),
                *(["--slots", str(slots)] if slots is not None else []),
                "--jobs-per-device",
                str(jobs_per_device),
                "--checkpoint-every-steps",
                str(checkpoint_every),
                "--torch-threads",
                "1",
                "--log-level",
                "warning",
            ],
            state_dir / "service.log",
            env=env,
        )

    def start(self, timeout: float = 30) -> "TrainerService":
        return super().start(timeout)

    # ---- API helpers -----------------------------------------------------------------------

    def upload(self, lines: list[Any], filename: str = "train.jsonl") -> str:
        text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
        response = self.client.post(
            "/v1/files",
            files={"file": (filename, io.BytesIO(text.encode()), "application/jsonl")},
            data={"purpose": "fine-tune"},
        )
        assert response.status_code == 200, response.text
        return response.json()["id"]

    def create(self, body: dict[str, Any]) -> httpx.Response:
        return self.client.post("/v1/fine_tuning/jobs", json=body)

    def job(self, job_id: str) -> dict[str, Any]:
        response = self.client.get(f"/v1/fine_tuning/jobs/{job_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def events(self, job_id: str) -> list[dict[str, Any]]:
        """All events, oldest first."""
        response = self.client.get(f"/v1/fine_tuning/jobs/{job_id}/events", params={"limit": 10000})
        assert response.status_code == 200, response.text
        return list(reversed(response.json()["data"]))

    def wait(self, job_id: str, timeout: float = 60, statuses: tuple[str, ...] = TERMINAL) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if job["status"] in statuses:
                return job
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"job {job_id} still {job['status']} after {timeout}s; events: {self.events(job_id)[-5:]}"
                )
            time.sleep(0.2)

    def wait_event(self, job_id: str, predicate, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events(job_id):
                if predicate(event):
                    return event
            if time.monotonic() > deadline:
                raise AssertionError(f"no matching event for {job_id} after {timeout}s: {self.events(job_id)[-5:]}")
            time.sleep(0.1)


def qa_examples(n: int = 16) -> list[dict[str, Any]]:
    """Short single-turn arithmetic chats, the kind of data the tiny model learns quickly."""
    out = []
    for i in range(n):
        a, b = i % 7, (3 * i) % 5
        out.append(
            {
                "messages": [
                    {"role": "user", "content": f"What is {a} plus {b}?"},
                    {"role": "assistant", "content": f"The answer is {a + b}."},
                ]
            }
        )
    return out


def job_body(model: str, file_id: str, key: str, suffix: str, **training: Any) -> dict[str, Any]:
    hyper = {"n_epochs": training.pop("n_epochs", 2), "batch_size": training.pop("batch_size", 4)}
    seed = training.pop("seed", 7)
    maft = {"learning_rate": 5e-3, "method": "lora", "lora_rank": 8, "lora_alpha": 16, "lora_dropout": 0.0}
    maft.update(training)
    return {
        "model": model,
        "training_file": file_id,
        "suffix": suffix,
        "seed": seed,
        "metadata": {"maft_job_key": key},
        "hyperparameters": hyper,
        "maft_training": maft,
    }


def metrics(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The data of the metrics events, in the order given."""
    return [e["data"] for e in events if e["type"] == "metrics"]
