"""maft's artifact store in S3 or any S3-compatible object store, for the Python side: the trainer
uploads each finetuned model's folder and fetches warm-start parents (maft_runtime/trainer/artifacts.py),
and vLLM's LoRA resolver fetches adapters by name (s3_resolver.py). One module for both: it lives in
this package because an engine host has nothing of maft but this installed plugin, and scripts/setup.sh
installs the plugin into .venv (the trainer's) as well as .venv-vllm. Only boto3 and the standard library.

MAFT_ARTIFACTS is parsed as core/artifact-location.ts parses it: a directory, or `s3://bucket/prefix`.
The endpoint, region and key pair come from AWS's own variables (AWS_ENDPOINT_URL_S3 or
AWS_ENDPOINT_URL, AWS_REGION [us-east-1], AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; else boto3's
default chain), never from a job or a request.

A finetuned model `<name>` is the key prefix `<prefix>/adapters/<name>/`, its files in PEFT layout.
adapter_config.json is uploaded last: it is the commit marker, and a folder without it is absent to
readers (a full checkpoint, which has no adapter_config.json, commits with maft_model.json, uploaded
last there). Every file is one PutObject, so a retried upload rewrites the same keys.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ARTIFACTS_VARIABLE = "MAFT_ARTIFACTS"
# Seconds an upload or download keeps retrying while the store cannot be reached [600].
RETRY_VARIABLE = "MAFT_ARTIFACTS_RETRY_SECONDS"
DEFAULT_RETRY_SECONDS = 600.0
# How long the start check asks again a store that answers with a server error (5xx) before it gives up.
START_CHECK_SECONDS = 30.0
ADAPTERS_FOLDER = "adapters"
COMMIT_MARKER = "adapter_config.json"
MODEL_RECORD = "maft_model.json"  # maft_runtime.models.MODEL_RECORD: base model, parent, kind, job id
WRITE_CHECK = ".maft-write-check"

# S3 bucket names: 3-63 characters, lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
Result = TypeVar("Result")


class ObjectStoreError(RuntimeError):
    """A failure whose message names the setting at fault (MAFT_ARTIFACTS, the key pair, the endpoint)."""


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str  # without slashes at either end; '' for the bucket's root

    def url(self, key: str = "") -> str:
        return f"s3://{self.bucket}/{key}" if key else f"s3://{self.bucket}{f'/{self.prefix}' if self.prefix else ''}"


def parse_artifact_location(raw: str) -> Path | S3Location:
    """MAFT_ARTIFACTS: a directory (a Path, as given) or an s3://bucket/prefix URL; anything else is refused."""
    if not raw.lower().startswith("s3://"):
        if URL_SCHEME.match(raw):
            raise ObjectStoreError(
                f'{ARTIFACTS_VARIABLE}: "{raw}" is neither a directory nor an s3://bucket/prefix URL'
            )
        return Path(raw)
    rest = raw[len("s3://") :]
    bucket, _, prefix = rest.partition("/")
    prefix = prefix.strip("/")
    if not BUCKET.match(bucket):
        raise ObjectStoreError(
            f'{ARTIFACTS_VARIABLE}: "{bucket}" in "{raw}" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)'
        )
    if prefix and any(part in ("", ".", "..") for part in prefix.split("/")):
        raise ObjectStoreError(
            f'{ARTIFACTS_VARIABLE}: the key prefix "{prefix}" in "{raw}" has an empty, "." or ".." part'
        )
    return S3Location(bucket, prefix)


def s3_location(env: Mapping[str, str] = os.environ) -> S3Location | None:
    """The S3 location MAFT_ARTIFACTS names; None when it is unset or a directory."""
    raw = env.get(ARTIFACTS_VARIABLE, "")
    location = parse_artifact_location(raw) if raw else None
    return location if isinstance(location, S3Location) else None


def retry_seconds(env: Mapping[str, str] = os.environ) -> float:
    raw = env.get(RETRY_VARIABLE)
    if raw is None or raw == "":
        return DEFAULT_RETRY_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise ObjectStoreError(f"{RETRY_VARIABLE} must be a number of seconds >= 0, not {raw!r}")
    return seconds


def check_model_name(name: str) -> str:
    if not name or "/" in name or name.startswith("."):
        raise ObjectStoreError(f"invalid model name {name!r}: no '/', not starting with '.'")
    return name


def _is_unreachable(error: BaseException) -> bool:
    """No answer from the store, or a server-side failure (5xx, SlowDown): worth retrying."""
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    if isinstance(error, (ConnectionError, HTTPClientError)):
        return True
    return isinstance(error, ClientError) and error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500


def _error_code(error: BaseException) -> tuple[int, str]:
    from botocore.exceptions import ClientError

    if isinstance(error, ClientError):
        return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0), error.response.get("Error", {}).get(
            "Code", ""
        )
    return 0, type(error).__name__


class ObjectStore:
    """The store at one S3 location; each operation retries for `retry_for` seconds while the store is unreachable."""

    def __init__(
        self,
        location: S3Location,
        env: Mapping[str, str] = os.environ,
        *,
        retry_for: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        import boto3
        from botocore.config import Config

        self.location = location
        self.endpoint_url = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or None
        self.endpoint = self.endpoint_url or "AWS S3"
        self.retry_for = retry_seconds(env) if retry_for is None else retry_for
        self.sleep = sleep
        self.clock = clock
        keys: dict[str, Any] = {}
        if env.get("AWS_ACCESS_KEY_ID"):  # else boto3's default chain (profiles, instance roles, ...)
            keys = {
                "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
                "aws_secret_access_key": env.get("AWS_SECRET_ACCESS_KEY", ""),
                "aws_session_token": env.get("AWS_SESSION_TOKEN") or None,
            }
        self.client = boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            config=Config(
                # Self-hosted stores (SeaweedFS, MinIO) serve buckets by path, not by virtual host.
                s3={"addressing_style": "path" if self.endpoint_url else "auto"},
                connect_timeout=5,
                read_timeout=120,
                retries={"mode": "standard", "max_attempts": 2},  # the long wait is _retrying's
            ),
            **keys,
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, **options: Any) -> ObjectStore | None:
        """The store MAFT_ARTIFACTS names, or None in directory mode."""
        location = s3_location(env)
        return cls(location, env, **options) if location else None

    def key(self, relative: str) -> str:
        return f"{self.location.prefix}/{relative}" if self.location.prefix else relative

    def model_key(self, name: str, file: str = "") -> str:
        """`<prefix>/adapters/<name>/<file>`: the deterministic key of a finetuned model's file."""
        return self.key(f"{ADAPTERS_FOLDER}/{check_model_name(name)}/{file}")

    def _where(self) -> str:
        return f"{self.location.url()} ({ARTIFACTS_VARIABLE}) at {self.endpoint}"

    def _retrying(self, what: str, action: Callable[[], Result]) -> Result:
        """`action`, again with backoff (1 s doubling to 10 s) while the store is unreachable, for retry_for seconds."""
        deadline = self.clock() + self.retry_for
        delay = 1.0
        while True:
            try:
                return action()
            except Exception as error:
                if not _is_unreachable(error):
                    raise
                if self.clock() + delay > deadline:
                    raise ObjectStoreError(
                        f"AWS_ENDPOINT_URL: the object store for {self._where()} could not be reached while {what} "
                        f"(retried for {self.retry_for:g} s, {RETRY_VARIABLE}): {error}"
                    ) from error
            self.sleep(delay)
            delay = min(delay * 2, 10.0)

    # ---- start ---------------------------------------------------------------------------------

    def check(self) -> None:
        """The bucket exists and the credentials may write there: or an ObjectStoreError naming the setting at fault.
        A store that answers with a server error (5xx: SeaweedFS still growing its first volume) is asked again for
        START_CHECK_SECONDS; a refusal (4xx) or no answer fails at once."""
        from botocore.exceptions import NoCredentialsError, PartialCredentialsError

        deadline = self.clock() + START_CHECK_SECONDS
        try:
            while True:
                try:
                    self.client.head_bucket(Bucket=self.location.bucket)
                    self.client.put_object(
                        Bucket=self.location.bucket,
                        Key=self.key(WRITE_CHECK),
                        Body=b"maft checks at start that it may write here\n",
                    )
                    return
                except Exception as error:
                    if _error_code(error)[0] < 500 or self.clock() + 1 > deadline:
                        raise
                self.sleep(1)
        except (NoCredentialsError, PartialCredentialsError) as error:
            raise ObjectStoreError(
                f"AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: no S3 credentials for {self._where()} ({error})"
            ) from None
        except Exception as error:
            status, code = _error_code(error)
            if status == 404 or code in ("NoSuchBucket", "NotFound"):
                raise ObjectStoreError(
                    f'{ARTIFACTS_VARIABLE}: the bucket "{self.location.bucket}" does not exist at {self.endpoint}; create it or fix {ARTIFACTS_VARIABLE}'
                ) from None
            if status in (401, 403) or re.search(
                r"InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied|Forbidden", code
            ):
                raise ObjectStoreError(
                    f"AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: the credentials were refused for {self._where()} ({code or status}); "
                    "check the key pair and its rights on the bucket"
                ) from None
            raise ObjectStoreError(
                f"AWS_ENDPOINT_URL: the object store for {self._where()} cannot be reached ({error})"
            ) from None

    # ---- models --------------------------------------------------------------------------------

    def upload_folder(self, local: Path, model_name: str) -> str:
        """Uploads `local` (recursively) to `<prefix>/adapters/<model_name>/`, the commit marker last; returns its URL."""
        files = sorted(p.relative_to(local).as_posix() for p in Path(local).rglob("*") if p.is_file())
        last = [name for name in (MODEL_RECORD, COMMIT_MARKER) if name in files]
        for relative in [f for f in files if f not in last] + last:
            key = self.model_key(model_name, relative)
            self._retrying(
                f"uploading {self.location.url(key)}", lambda key=key, path=Path(local) / relative: self._put(path, key)
            )
        return self.location.url(self.model_key(model_name))

    def _put(self, path: Path, key: str) -> None:
        with open(path, "rb") as body:  # one PutObject: atomic for readers, streamed from the file
            self.client.put_object(Bucket=self.location.bucket, Key=key, Body=body)

    def _get(self, key: str, path: Path) -> None:
        body = self.client.get_object(Bucket=self.location.bucket, Key=key)["Body"]
        with open(path, "wb") as out:
            shutil.copyfileobj(body, out, 1 << 20)

    def _get_json(self, key: str) -> dict[str, Any] | None:
        def get() -> dict[str, Any] | None:
            try:
                body = self.client.get_object(Bucket=self.location.bucket, Key=key)["Body"].read()
            except Exception as error:
                if _error_code(error)[0] == 404 or _error_code(error)[1] in ("NoSuchKey", "NotFound"):
                    return None
                raise
            return json.loads(body)

        return self._retrying(f"reading {self.location.url(key)}", get)

    def has_model(self, model_name: str) -> bool:
        """Whether the model's upload is committed: its adapter_config.json, or a full checkpoint's maft_model.json."""
        if self._get_json(self.model_key(model_name, COMMIT_MARKER)) is not None:
            return True
        record = self._get_json(self.model_key(model_name, MODEL_RECORD))
        return record is not None and record.get("kind") == "full"

    def _list(self, prefix: str) -> list[str]:
        keys: list[str] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.location.bucket, Prefix=prefix):
            keys += [item["Key"] for item in page.get("Contents", [])]
        return keys

    def download_folder(self, model_name: str, local_root: Path) -> Path | None:
        """`local_root/<model_name>`, downloaded first unless it is there: into a temporary folder beside it,
        then renamed (readers never see a part; a concurrent download keeps the first). None when the store
        has no committed model of that name."""
        target = Path(local_root) / check_model_name(model_name)
        if target.is_dir():
            return target
        if not self.has_model(model_name):
            return None
        prefix = self.model_key(model_name)
        keys = self._retrying(f"listing {self.location.url(prefix)}", lambda: self._list(prefix))
        Path(local_root).mkdir(parents=True, exist_ok=True)
        tmp = Path(local_root) / f".fetch-{model_name}-{secrets.token_hex(4)}"
        try:
            for key in keys:
                relative = key[len(prefix) :]
                if not relative or any(part in ("", ".", "..") for part in relative.split("/")):
                    continue  # a "folder" object or a key that would leave the folder
                destination = tmp / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                self._retrying(
                    f"downloading {self.location.url(key)}", lambda key=key, path=destination: self._get(key, path)
                )
            try:
                os.rename(tmp, target)
            except OSError:
                if not target.is_dir():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return target
