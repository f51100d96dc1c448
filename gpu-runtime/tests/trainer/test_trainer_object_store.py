"""The trainer with MAFT_ARTIFACTS=s3://bucket/prefix against a real S3 server (SeaweedFS): a job's model is
uploaded under `<prefix>/adapters/<name>/` before the job succeeds; a trainer with an empty adapter root
fetches a warm start's parent from the store; a trainer restarted before the upload uploads without
training again and only then reports success; a store that stays down fails the job, leaving no model; a wrong
bucket, key pair or adapter root stops the service at start, naming the setting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seaweed_helpers import SeaweedServer
from trainer_helpers import TrainerService, job_body, metrics, qa_examples

BUCKET = "maft-trainer"
PREFIX = "exp"


@pytest.fixture(scope="module")
def store_env(seaweed, tiny_model) -> dict[str, str]:
    seaweed.create_bucket(BUCKET)
    return seaweed.store_env(BUCKET, PREFIX)


def s3_trainer(root: Path, env: dict[str, str], **settings: str) -> TrainerService:
    """A trainer on its own state folder and its own (empty) adapter root root/adapters, in object mode."""
    service = TrainerService(root / "state")
    service.env.update({**env, "MAFT_ADAPTER_ROOT": str(root / "adapters"), **settings})
    return service


def store_files(seaweed, name: str) -> dict[str, bytes]:
    client = seaweed.s3()
    prefix = f"{PREFIX}/adapters/{name}/"
    return {
        key[len(prefix) :]: client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        for key in seaweed.keys(BUCKET, prefix)
    }


def local_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.fixture(scope="module")
def first(store_env, tiny_model, tmp_path_factory):
    """Trainer A trains s3-gen0 (8 examples, batch 4, 2 epochs = 4 steps) and is stopped."""
    root = tmp_path_factory.mktemp("trainer-a")
    trainer = s3_trainer(root, store_env).start()
    try:
        file_id = trainer.upload(qa_examples(8), filename="gen0.jsonl")
        job = trainer.wait(
            trainer.create(job_body(tiny_model.name, file_id, key="s3/gen0", suffix="s3-gen0")).json()["id"]
        )
        events = trainer.events(job["id"])
    finally:
        trainer.stop()
    return {"root": root, "job": job, "events": events, "trainer": trainer}


def test_a_jobs_model_is_in_the_store_in_peft_layout_before_it_succeeds(first, seaweed):
    job = first["job"]
    assert job["status"] == "succeeded", job["error"]
    local = first["root"] / "adapters" / "s3-gen0"
    assert {"adapter_config.json", "adapter_model.safetensors", "maft_model.json"} <= set(local_files(local))
    assert store_files(seaweed, "s3-gen0") == local_files(local)
    assert json.loads(local_files(local)["maft_model.json"])["job_id"] == job["id"]
    messages = [e["message"] for e in first["events"]]
    uploaded = messages.index(f"Uploaded the model to s3://{BUCKET}/{PREFIX}/adapters/s3-gen0/")
    assert uploaded < messages.index("The job has successfully completed")


def test_a_warm_start_on_an_empty_adapter_root_fetches_its_parent(first, store_env, seaweed, tmp_path):
    trainer = s3_trainer(tmp_path, store_env).start()
    try:
        assert list((tmp_path / "adapters").iterdir()) == []
        file_id = trainer.upload(qa_examples(8), filename="gen1.jsonl")
        unknown = trainer.create(job_body("s3-nowhere", file_id, key="s3/none", suffix="s3-none"))
        assert unknown.status_code == 400, unknown.text
        assert unknown.json()["error"]["message"] == (
            f"The model `s3-nowhere` does not exist (no base model in {trainer.env['MAFT_MODELS_DIR']}, no finetuned "
            f"model in {tmp_path / 'adapters'} nor in s3://{BUCKET}/{PREFIX}/adapters)."
        )
        job = trainer.create(job_body("s3-gen0", file_id, key="s3/gen1", suffix="s3-gen1", n_epochs=1)).json()
        job = trainer.wait(job["id"])
        assert job["status"] == "succeeded", job["error"]
        events = trainer.events(job["id"])
        # A repeated create (same maft_job_key) answers the existing job; nothing is fetched for it.
        again = trainer.create(job_body("s3-nowhere", file_id, key="s3/gen1", suffix="s3-gen1", n_epochs=1))
        assert again.status_code == 200 and again.json()["id"] == job["id"], again.text
    finally:
        trainer.stop()
    parent = local_files(first["root"] / "adapters" / "s3-gen0")
    assert local_files(tmp_path / "adapters" / "s3-gen0") == parent  # fetched whole
    record = json.loads((tmp_path / "adapters" / "s3-gen1" / "maft_model.json").read_text())
    assert (record["parent"], record["job_id"]) == ("s3-gen0", job["id"])
    assert store_files(seaweed, "s3-gen1") == local_files(tmp_path / "adapters" / "s3-gen1")
    # It continued the parent: its first loss is below the parent's first.
    assert metrics(events)[0]["train_loss"] < metrics(first["events"])[0]["train_loss"] - 0.3


def test_a_trainer_restarted_before_the_upload_uploads_then_succeeds(first, seaweed):
    """As if the service died between the model's save and its upload: the job is `running` on disk, its
    model in place, not in the store. The restarted service must not call it done before it is uploaded."""
    trainer, job_id = first["trainer"], first["job"]["id"]
    job_dir = trainer.state_dir / "jobs" / job_id
    record = json.loads((job_dir / "job.json").read_text())
    record["job"].update(status="running", finished_at=None, fine_tuned_model=None)
    (job_dir / "job.json").write_text(json.dumps(record))
    (job_dir / "uploaded.json").unlink()
    client = seaweed.s3()
    for key in seaweed.keys(BUCKET, f"{PREFIX}/adapters/s3-gen0/"):
        client.delete_object(Bucket=BUCKET, Key=key)
    assert store_files(seaweed, "s3-gen0") == {}

    trainer.start()
    try:
        job = trainer.wait(job_id)
        events = trainer.events(job_id)
    finally:
        trainer.stop()
    assert job["status"] == "succeeded" and job["fine_tuned_model"] == "s3-gen0"
    assert store_files(seaweed, "s3-gen0") == local_files(first["root"] / "adapters" / "s3-gen0")
    after = [e["message"] for e in events][len(first["events"]) :]
    assert after == [
        "The trainer service restarted; the job resumes from its latest checkpoint.",
        "The model was saved before the restart; it is not trained again.",
        f"Uploaded the model to s3://{BUCKET}/{PREFIX}/adapters/s3-gen0/",
        "New fine-tuned model created: s3-gen0",
        "The job has successfully completed",
    ]


def test_a_store_that_stays_down_fails_the_job_and_leaves_no_model(tiny_model, tmp_path):
    """A store of its own, gone after the trainer's start check: the upload retries for
    MAFT_ARTIFACTS_RETRY_SECONDS (2 here), then the job fails naming the endpoint."""
    store = SeaweedServer(tmp_path / "seaweed").start()
    try:
        store.create_bucket("maft-doomed")
        trainer = s3_trainer(tmp_path, store.store_env("maft-doomed"), MAFT_ARTIFACTS_RETRY_SECONDS="2").start()
        store.kill()
        try:
            file_id = trainer.upload(qa_examples(4), filename="doomed.jsonl")
            body = job_body(tiny_model.name, file_id, key="doomed", suffix="doomed", n_epochs=1)
            job = trainer.wait(trainer.create(body).json()["id"])
        finally:
            trainer.stop()
    finally:
        store.kill()
    assert job["status"] == "failed" and job["error"]["code"] == "artifact_upload_failed"
    assert job["error"]["message"].startswith(
        "the model could not be uploaded to s3://maft-doomed: AWS_ENDPOINT_URL: the object store for s3://maft-doomed "
        f"(MAFT_ARTIFACTS) at {store.endpoint} could not be reached while uploading s3://maft-doomed/adapters/doomed/"
    )
    assert list((tmp_path / "adapters").iterdir()) == []  # the name is free for a new job


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"MAFT_ARTIFACTS": "s3://maft-missing/exp"},
            'MAFT_ARTIFACTS: the bucket "maft-missing" does not exist at {endpoint}; create it or fix MAFT_ARTIFACTS',
        ),
        (
            {"AWS_SECRET_ACCESS_KEY": "wrong"},
            f"AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: the credentials were refused for s3://{BUCKET}/{PREFIX} (MAFT_ARTIFACTS) at {{endpoint}}",
        ),
        (
            {"MAFT_ARTIFACTS": "s3://Bad_Bucket"},
            'MAFT_ARTIFACTS: "Bad_Bucket" in "s3://Bad_Bucket" is not a valid S3 bucket name',
        ),
        (
            {"MAFT_ADAPTER_ROOT": "s3://bkt/adapters"},
            "MAFT_ADAPTER_ROOT=s3://bkt/adapters is a URL; it must be a local folder",
        ),
    ],
    ids=["bucket", "key-pair", "bucket-name", "adapter-root"],
)
def test_a_wrong_setting_stops_the_service_at_start_naming_it(store_env, seaweed, tmp_path, settings, message):
    trainer = s3_trainer(tmp_path, store_env, **settings)
    with pytest.raises(RuntimeError) as refused:
        trainer.start()
    assert "exited with 2" in str(refused.value)
    assert f"maft trainer: {message.format(endpoint=seaweed.endpoint)}" in str(refused.value)
