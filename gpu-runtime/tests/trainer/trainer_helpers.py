"""Trainer test helpers: the service as a real subprocess on a free port, and small HTTP helpers.

(A uniquely named module rather than conftest.py, so test files can import it whatever other
conftest modules are loaded.)
"""
from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

GPU_RUNTIME = Path(__file__).resolve().parents[2]
TERMINAL = ("succeeded", "failed", "cancelled")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TrainerService:
    """`python -m maft_runtime.trainer` in its own process group; start, stop, SIGKILL, restart."""

    def __init__(self, state_dir: Path, *, slots: int = 1, checkpoint_every: int = 20, step_delay: float = 0.0):
        self.state_dir = state_dir
        self.slots = slots
        self.checkpoint_every = checkpoint_every
        self.env = dict(os.environ)
        if step_delay:
            self.env["MAFT_TRAINER_TEST_STEP_DELAY"] = str(step_delay)
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.client: httpx.Client | None = None

    def start(self) -> "TrainerService":
        self.port = free_port()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.state_dir / "service.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "maft_runtime.trainer", "--host", "127.0.0.1", "--port", str(self.port),
             "--state-dir", str(self.state_dir), "--slots", str(self.slots),
             "--checkpoint-every-steps", str(self.checkpoint_every), "--torch-threads", "1", "--log-level", "warning"],
            cwd=GPU_RUNTIME, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"trainer exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if self.client.get("/health").status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"trainer did not come up: {self.log_tail()}")
            time.sleep(0.1)

    def log_tail(self) -> str:
        path = self.state_dir / "service.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        if self.client:
            self.client.close()
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL to the service's whole process group (job processes have their own groups)."""
        if self.client:
            self.client.close()
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    # ---- API helpers -----------------------------------------------------------------------

    def upload(self, lines: list[Any], filename: str = "train.jsonl") -> str:
        text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
        response = self.client.post("/v1/files", files={"file": (filename, io.BytesIO(text.encode()), "application/jsonl")},
                                    data={"purpose": "fine-tune"})
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
                raise AssertionError(f"job {job_id} still {job['status']} after {timeout}s; events: {self.events(job_id)[-5:]}")
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
        out.append({"messages": [{"role": "user", "content": f"What is {a} plus {b}?"},
                                 {"role": "assistant", "content": f"The answer is {a + b}."}]})
    return out


def job_body(model: str, file_id: str, key: str, suffix: str, **training: Any) -> dict[str, Any]:
    hyper = {"n_epochs": training.pop("n_epochs", 2), "batch_size": training.pop("batch_size", 4)}
    seed = training.pop("seed", 7)
    maft = {"learning_rate": 5e-3, "method": "lora", "lora_rank": 8, "lora_alpha": 16, "lora_dropout": 0.0}
    maft.update(training)
    return {"model": model, "training_file": file_id, "suffix": suffix, "seed": seed,
            "metadata": {"maft_job_key": key}, "hyperparameters": hyper, "maft_training": maft}


def metrics(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The data of the metrics events, in the order given."""
    return [e["data"] for e in events if e["type"] == "metrics"]

