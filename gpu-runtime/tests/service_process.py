"""A service as a real subprocess on a free port, in its own process group, for tests: by default a
gpu-runtime module (`python -m maft_runtime.<module>`); start and wait until it answers, stop,
SIGKILL, log tail."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

GPU_RUNTIME = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServiceProcess:
    def __init__(
        self, module: str, args: list[str], log_file: Path, *, env: dict | None = None, client_timeout: float = 30
    ):
        self.module = module
        self.args = args
        self.log_file = log_file
        self.env = dict(os.environ if env is None else env)
        # PASSIVE: idle OpenMP threads sleep instead of spinning (matters on shared 2-core machines)
        self.env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.client_timeout = client_timeout
        self.proc: subprocess.Popen | None = None
        self.ready_path = "/health"
        self.port = 0
        self.url = ""
        self.client: httpx.Client | None = None

    def argv(self) -> list[str]:
        """The command line, once self.port is chosen."""
        return [sys.executable, "-m", self.module, "--host", "127.0.0.1", "--port", str(self.port), *self.args]

    def start(self, timeout: float = 90, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            self.proc = subprocess.Popen(
                self.argv(),
                cwd=GPU_RUNTIME,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.client = httpx.Client(base_url=self.url, timeout=self.client_timeout)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.module} exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if self.client.get(self.ready_path).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.module} did not come up in {timeout}s: {self.log_tail()}")
            time.sleep(0.1)

    def log_tail(self) -> str:
        return self.log_file.read_text(errors="replace")[-3000:] if self.log_file.exists() else ""

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
        """SIGKILL to the service's whole process group."""
        if self.client:
            self.client.close()
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
