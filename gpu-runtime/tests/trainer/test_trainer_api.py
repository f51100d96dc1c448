"""The HTTP contract: files, validation errors, idempotent creation, listing, bad datasets."""

from __future__ import annotations

import concurrent.futures
import io

import pytest

from trainer_helpers import job_body, qa_examples


def test_file_upload_and_retrieve(trainer):
    response = trainer.client.post(
        "/v1/files", files={"file": ("agent.jsonl", io.BytesIO(b'{"messages": []}\n'))}, data={"purpose": "fine-tune"}
    )
    assert response.status_code == 200
    file = response.json()
    assert file["id"].startswith("file-") and file["object"] == "file"
    assert (file["bytes"], file["filename"], file["purpose"], file["status"]) == (
        17,
        "agent.jsonl",
        "fine-tune",
        "processed",
    )
    assert isinstance(file["created_at"], int)
    assert trainer.client.get(f"/v1/files/{file['id']}").json() == file
    assert trainer.client.get(f"/v1/files/{file['id']}/content").content == b'{"messages": []}\n'
    missing = trainer.client.get("/v1/files/file-nope")
    assert missing.status_code == 404 and missing.json()["error"]["param"] == "id"
    no_purpose = trainer.client.post("/v1/files", files={"file": ("a.jsonl", io.BytesIO(b"x"))})
    assert no_purpose.status_code == 400 and no_purpose.json()["error"]["param"] == "purpose"


@pytest.mark.parametrize(
    "change, param",
    [
        ({"model": "no-such-model"}, "model"),
        ({"training_file": "file-missing"}, "training_file"),
        ({"hyperparameters": {"n_epochs": 0, "batch_size": 4}}, "hyperparameters.n_epochs"),
        ({"hyperparameters": {"n_epochs": 1, "batch_size": 2.5}}, "hyperparameters.batch_size"),
        ({"maft_training": {"method": "lora", "lora_rank": 12}}, "maft_training.lora_rank"),
        ({"maft_training": {"method": "qlora"}}, "maft_training.method"),
        ({"maft_training": {"learning_rate": -1}}, "maft_training.learning_rate"),
        ({"maft_training": {"lora_dropout": 1.5}}, "maft_training.lora_dropout"),
        ({"maft_training": {"target_modules": ["q_proj", "lm_head"]}}, "maft_training.target_modules"),
        ({"maft_training": {"assistant_turns": "some"}}, "maft_training.assistant_turns"),
        ({"maft_training": {"warmup": 3}}, "maft_training.warmup"),
        ({"suffix": "../escape"}, "suffix"),
    ],
)
def test_bad_requests_are_400_naming_the_field(trainer, tiny_model, change, param):
    file_id = trainer.upload(qa_examples(2))
    body = job_body(tiny_model.name, file_id, key=f"bad-{param}", suffix=f"bad-{param.replace('.', '-')}")
    body.update(change)
    response = trainer.create(body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == param
    assert error["type"] == "invalid_request_error" and error["message"]
    assert set(error) == {"message", "type", "param", "code"}
    # nothing was created under that key
    listed = trainer.client.get("/v1/fine_tuning/jobs", params={"metadata[maft_job_key]": f"bad-{param}"}).json()
    assert listed["data"] == []


def test_unknown_job_is_404(trainer):
    for response in (
        trainer.client.get("/v1/fine_tuning/jobs/ftjob-nope"),
        trainer.client.post("/v1/fine_tuning/jobs/ftjob-nope/cancel"),
        trainer.client.get("/v1/fine_tuning/jobs/ftjob-nope/events"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["param"] == "fine_tuning_job_id"


def test_same_job_key_creates_one_job_even_concurrently(trainer, tiny_model):
    file_id = trainer.upload(qa_examples(4))
    body = job_body(tiny_model.name, file_id, key="run-x/l1/generation/0", suffix="run-x-l1-gen0")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda _: trainer.create(body), range(8)))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 1
    job_id = ids.pop()
    assert trainer.create(body).json()["id"] == job_id  # and again, sequentially

    listed = trainer.client.get(
        "/v1/fine_tuning/jobs", params={"metadata[maft_job_key]": "run-x/l1/generation/0", "limit": 10}
    ).json()
    assert listed["object"] == "list" and [j["id"] for j in listed["data"]] == [job_id]
    job = listed["data"][0]
    for field in (
        "id",
        "object",
        "model",
        "status",
        "fine_tuned_model",
        "created_at",
        "finished_at",
        "training_file",
        "hyperparameters",
        "metadata",
        "error",
        "trained_tokens",
        "seed",
        "result_files",
        "organization_id",
        "validation_file",
        "estimated_finish",
    ):
        assert field in job
    assert job["object"] == "fine_tuning.job" and job["id"].startswith("ftjob-")
    assert job["hyperparameters"] == {"n_epochs": 2, "batch_size": 4, "learning_rate_multiplier": 1.0}
    assert job["metadata"] == {"maft_job_key": "run-x/l1/generation/0"} and job["seed"] == 7

    # A different key with the same suffix is refused while this job may still produce that model.
    other = trainer.create(job_body(tiny_model.name, file_id, key="another-key", suffix="run-x-l1-gen0"))
    assert other.status_code == 400 and other.json()["error"]["param"] == "suffix"

    cancelled = trainer.client.post(f"/v1/fine_tuning/jobs/{job_id}/cancel").json()
    assert cancelled["status"] in ("cancelled", "succeeded")
    assert trainer.create(body).json()["id"] == job_id  # still re-attaches after it ended


def test_list_is_newest_first_and_pages(trainer, tiny_model):
    file_id = trainer.upload(["not json"])
    ids = [
        trainer.create(job_body(tiny_model.name, file_id, key=f"page-{i}", suffix=f"page-{i}")).json()["id"]
        for i in range(3)
    ]
    first = trainer.client.get("/v1/fine_tuning/jobs", params={"limit": 2}).json()
    assert [j["id"] for j in first["data"]] == [ids[2], ids[1]] and first["has_more"]
    second = trainer.client.get("/v1/fine_tuning/jobs", params={"limit": 2, "after": ids[1]}).json()
    assert second["data"][0]["id"] == ids[0]
    for job_id in ids:
        trainer.wait(job_id, 30)


BAD_DATASETS = {
    "invalid JSON": ([qa_examples(1)[0], "{oops"], "line 2", "invalid JSON"),
    "unknown role": (
        [{"messages": [{"role": "tool", "content": "x"}, {"role": "assistant", "content": "y"}]}],
        "line 1",
        "unknown role",
    ),
    "no assistant turn": (
        [qa_examples(1)[0], qa_examples(1)[0], {"messages": [{"role": "user", "content": "x"}]}],
        "line 3",
        "no assistant",
    ),
    "empty file": ([], "line 1", "empty"),
}


@pytest.mark.parametrize("kind", list(BAD_DATASETS))
def test_bad_dataset_fails_the_job_naming_file_and_line(trainer, tiny_model, kind):
    lines, line, phrase = BAD_DATASETS[kind]
    file_id = trainer.upload(lines, filename=f"critic-{kind.replace(' ', '-')}.jsonl")
    job = trainer.create(
        job_body(tiny_model.name, file_id, key=f"bad-data-{kind}", suffix=f"bad-data-{kind.replace(' ', '-')}")
    ).json()
    job = trainer.wait(job["id"], 30)
    assert job["status"] == "failed" and job["fine_tuned_model"] is None
    assert job["error"]["code"] == "invalid_training_file" and job["error"]["param"] == "training_file"
    assert f"'critic-{kind.replace(' ', '-')}.jsonl' {line}" in job["error"]["message"]
    assert phrase in job["error"]["message"]
    assert job["finished_at"] is not None
    assert any(e["level"] == "error" for e in trainer.events(job["id"]))


def test_example_longer_than_max_seq_length_fails(trainer, tiny_model):
    long = {"messages": [{"role": "user", "content": "plus " * 200}, {"role": "assistant", "content": "7"}]}
    file_id = trainer.upload([qa_examples(1)[0], long], filename="long.jsonl")
    job = trainer.create(
        job_body(tiny_model.name, file_id, key="too-long", suffix="too-long", max_seq_length=64)
    ).json()
    job = trainer.wait(job["id"], 60)
    assert job["status"] == "failed"
    assert "'long.jsonl' line 2" in job["error"]["message"] and "max_seq_length 64" in job["error"]["message"]
