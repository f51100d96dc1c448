"""maft's S3 module (maft_vllm_cpu.object_store) against a real S3 server (SeaweedFS): MAFT_ARTIFACTS parsed as
core/artifact-location.ts parses it, uploads under deterministic keys with the commit marker last, atomic and
idempotent downloads, absent and uncommitted models, start checks naming the setting at fault, and retries
that outlast a store restart or give up with a clear error."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from maft_vllm_cpu.object_store import (
    ObjectStore,
    ObjectStoreError,
    S3Location,
    parse_artifact_location,
    retry_seconds,
    s3_location,
)

from service_process import free_port

BUCKET = "maft-unit"
PREFIX = "runs/one"
FILES = {
    "adapter_model.safetensors": b"\x00weights\x01" * 1000,
    "README.md": b"# adapter\n",
    "maft_model.json": b'{"base_model": "tiny", "parent": "tiny", "kind": "lora", "job_id": "ftjob-1"}\n',
    "adapter_config.json": b'{"peft_type": "LORA", "r": 8}\n',
}


@pytest.fixture(scope="module")
def bucket(seaweed):
    seaweed.create_bucket(BUCKET)
    return BUCKET


def open_store(seaweed, bucket: str = BUCKET, prefix: str = PREFIX, **env: str) -> ObjectStore:
    return ObjectStore(
        parse_artifact_location(seaweed.store_env(bucket, prefix)["MAFT_ARTIFACTS"]),
        {**seaweed.store_env(bucket, prefix), **env},
    )


def model_folder(root: Path, files: dict[str, bytes] = FILES) -> Path:
    root.mkdir(parents=True)
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


# ---- MAFT_ARTIFACTS ----------------------------------------------------------------------------


def test_locations_parse_as_the_typescript_side_parses_them():
    assert parse_artifact_location("/srv/maft/artifacts") == Path("/srv/maft/artifacts")
    assert parse_artifact_location(".maft/artifacts") == Path(".maft/artifacts")
    assert parse_artifact_location("s3://maft-artifacts") == S3Location("maft-artifacts", "")
    assert parse_artifact_location("S3://maft.artifacts/a/b/") == S3Location("maft.artifacts", "a/b")
    assert parse_artifact_location("s3://bkt/prefix").url() == "s3://bkt/prefix"
    assert s3_location({"MAFT_ARTIFACTS": "/srv/x"}) is None and s3_location({}) is None
    with pytest.raises(
        ObjectStoreError, match=r'MAFT_ARTIFACTS: "Bad_Bucket" in "s3://Bad_Bucket/x" is not a valid S3 bucket name'
    ):
        parse_artifact_location("s3://Bad_Bucket/x")
    with pytest.raises(
        ObjectStoreError, match=r'MAFT_ARTIFACTS: the key prefix "a/../b" in "s3://bkt/a/../b" has an empty'
    ):
        parse_artifact_location("s3://bkt/a/../b")
    with pytest.raises(
        ObjectStoreError, match=r'MAFT_ARTIFACTS: "gs://bkt" is neither a directory nor an s3://bucket/prefix URL'
    ):
        parse_artifact_location("gs://bkt")


def test_retry_seconds_default_and_refusal():
    assert retry_seconds({}) == 600
    assert retry_seconds({"MAFT_ARTIFACTS_RETRY_SECONDS": "2.5"}) == 2.5
    with pytest.raises(
        ObjectStoreError, match="MAFT_ARTIFACTS_RETRY_SECONDS must be a number of seconds >= 0, not 'soon'"
    ):
        retry_seconds({"MAFT_ARTIFACTS_RETRY_SECONDS": "soon"})


# ---- models ------------------------------------------------------------------------------------


def test_upload_puts_deterministic_keys_with_the_commit_marker_last(seaweed, bucket, tmp_path):
    store = open_store(seaweed)
    put: list[str] = []
    original = store.client.put_object
    store.client.put_object = lambda **kwargs: put.append(kwargs["Key"]) or original(**kwargs)
    url = store.upload_folder(model_folder(tmp_path / "gen0"), "run-l1-gen0")

    assert url == f"s3://{BUCKET}/{PREFIX}/adapters/run-l1-gen0/"
    expected = sorted(f"{PREFIX}/adapters/run-l1-gen0/{name}" for name in FILES)
    assert seaweed.keys(BUCKET, f"{PREFIX}/adapters/run-l1-gen0/") == expected
    assert put[-2:] == [
        f"{PREFIX}/adapters/run-l1-gen0/maft_model.json",
        f"{PREFIX}/adapters/run-l1-gen0/adapter_config.json",
    ]
    assert sorted(put) == expected  # one PutObject per file
    # A retried upload rewrites the same keys: nothing is duplicated.
    store.upload_folder(tmp_path / "gen0", "run-l1-gen0")
    assert seaweed.keys(BUCKET, f"{PREFIX}/adapters/run-l1-gen0/") == expected


def test_download_is_atomic_idempotent_and_exact(seaweed, bucket, tmp_path):
    store = open_store(seaweed)
    store.upload_folder(model_folder(tmp_path / "source"), "run-l1-gen1")
    root = tmp_path / "cache"
    target = root / "run-l1-gen1"
    seen_during_download: list[bool] = []
    original = store._get
    store._get = lambda key, path: seen_during_download.append(target.exists()) or original(key, path)

    assert store.download_folder("run-l1-gen1", root) == target
    assert seen_during_download == [False] * len(FILES)  # readers see no folder until it is complete
    assert {p.name: p.read_bytes() for p in target.iterdir()} == FILES
    assert [p.name for p in root.iterdir()] == ["run-l1-gen1"]  # no temporary folder left

    # Idempotent: a folder already there is the answer, without reading the store again.
    seen_during_download.clear()
    assert store.download_folder("run-l1-gen1", root) == target
    assert seen_during_download == []


def test_an_absent_or_uncommitted_model_is_none(seaweed, bucket, tmp_path):
    store = open_store(seaweed)
    assert store.download_folder("never-written", tmp_path) is None
    # Everything but the marker (an upload cut short): absent to readers.
    partial = {k: v for k, v in FILES.items() if k != "adapter_config.json"}
    store.upload_folder(model_folder(tmp_path / "partial", partial), "cut-short")
    assert not store.has_model("cut-short")
    assert store.download_folder("cut-short", tmp_path / "cache") is None
    assert not (tmp_path / "cache" / "cut-short").exists()
    # A full checkpoint has no adapter_config.json: its maft_model.json (uploaded last) commits it.
    full = {"config.json": b"{}", "model.safetensors": b"w", "maft_model.json": b'{"kind": "full", "job_id": "j"}'}
    store.upload_folder(model_folder(tmp_path / "full", full), "full-model")
    assert store.has_model("full-model")
    with pytest.raises(ObjectStoreError, match="invalid model name '../x'"):
        store.download_folder("../x", tmp_path)


# ---- start checks ------------------------------------------------------------------------------


def test_check_passes_and_writes_its_marker(seaweed, bucket):
    open_store(seaweed).check()
    assert f"{PREFIX}/.maft-write-check" in seaweed.keys(BUCKET, PREFIX)


def test_check_names_the_setting_at_fault(seaweed, bucket):
    with pytest.raises(ObjectStoreError) as missing:
        open_store(seaweed, bucket="no-such-bucket").check()
    assert str(missing.value) == (
        f'MAFT_ARTIFACTS: the bucket "no-such-bucket" does not exist at {seaweed.endpoint}; create it or fix MAFT_ARTIFACTS'
    )
    with pytest.raises(ObjectStoreError) as refused:
        open_store(seaweed, AWS_SECRET_ACCESS_KEY="wrong").check()
    assert str(refused.value).startswith(
        f"AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: the credentials were refused for s3://{BUCKET}/{PREFIX} (MAFT_ARTIFACTS) at {seaweed.endpoint}"
    )
    nowhere = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ObjectStoreError) as unreachable:
        open_store(seaweed, AWS_ENDPOINT_URL=nowhere).check()
    assert str(unreachable.value).startswith(
        f"AWS_ENDPOINT_URL: the object store for s3://{BUCKET}/{PREFIX} (MAFT_ARTIFACTS) at {nowhere} cannot be reached"
    )


# ---- outages -----------------------------------------------------------------------------------


def test_an_unreachable_store_is_retried_with_backoff_then_named(seaweed):
    delays: list[float] = []
    nowhere = f"http://127.0.0.1:{free_port()}"
    env = {**seaweed.store_env(BUCKET, PREFIX), "AWS_ENDPOINT_URL": nowhere, "MAFT_ARTIFACTS_RETRY_SECONDS": "20"}
    # Waits recorded on a clock of their own, not slept: it gives up when the next wait (1 s doubling, at most
    # 10 s) would pass the 20 s.
    store = ObjectStore(S3Location(BUCKET, PREFIX), env, sleep=delays.append, clock=lambda: sum(delays))
    with pytest.raises(ObjectStoreError) as gave_up:
        store.has_model("any")
    assert delays == [1, 2, 4, 8]
    assert str(gave_up.value).startswith(
        f"AWS_ENDPOINT_URL: the object store for s3://{BUCKET}/{PREFIX} (MAFT_ARTIFACTS) at {nowhere} could not be "
        f"reached while reading s3://{BUCKET}/{PREFIX}/adapters/any/adapter_config.json (retried for 20 s, "
        "MAFT_ARTIFACTS_RETRY_SECONDS)"
    )


def test_a_store_restart_delays_an_upload_and_loses_nothing(seaweed, bucket, tmp_path):
    store = open_store(seaweed, MAFT_ARTIFACTS_RETRY_SECONDS="120")
    folder = model_folder(tmp_path / "outage")
    seaweed.kill()
    outcome: dict[str, object] = {}

    def upload() -> None:
        started = time.monotonic()
        outcome["url"] = store.upload_folder(folder, "during-outage")
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=upload)
    thread.start()
    time.sleep(3)
    assert thread.is_alive()  # waiting for the store, not failed
    seaweed.start()
    thread.join(120)
    assert outcome["url"] == f"s3://{BUCKET}/{PREFIX}/adapters/during-outage/" and outcome["seconds"] >= 3
    assert store.download_folder("during-outage", tmp_path / "cache") is not None
    assert {p.name: p.read_bytes() for p in (tmp_path / "cache" / "during-outage").iterdir()} == FILES


def test_check_asks_again_a_store_that_answers_5xx_at_start_but_not_one_that_refuses(seaweed):
    from botocore.stub import Stubber

    def stubbed(*answers: tuple[str, int, str]) -> tuple[ObjectStore, list[float]]:
        delays: list[float] = []
        store = ObjectStore(
            S3Location(BUCKET, PREFIX),
            seaweed.store_env(BUCKET, PREFIX),
            sleep=delays.append,
            clock=lambda: sum(delays),
        )
        stub = Stubber(store.client)
        for operation, status, code in answers:
            if status == 200:
                stub.add_response(operation, {})
            else:
                stub.add_client_error(operation, service_error_code=code, http_status_code=status)
        stub.activate()
        return store, delays

    # SeaweedFS growing its first volume: the write is refused with 500 twice, then taken.
    store, delays = stubbed(
        ("head_bucket", 200, ""),
        ("put_object", 500, "InternalError"),
        ("head_bucket", 200, ""),
        ("put_object", 500, "InternalError"),
        ("head_bucket", 200, ""),
        ("put_object", 200, ""),
    )
    store.check()
    assert delays == [1, 1]
    # A refusal is not asked again.
    store, delays = stubbed(("head_bucket", 403, "Forbidden"))
    with pytest.raises(ObjectStoreError, match="the credentials were refused"):
        store.check()
    assert delays == []
