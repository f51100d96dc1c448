"""Real training through the HTTP API on the tiny model: loss, adapter layout, warm start, full finetuning."""

from __future__ import annotations

import json

import pytest

from trainer_helpers import job_body, metrics, qa_examples
from maft_runtime import models

PROJECTIONS = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}


@pytest.fixture(scope="session")
def trained(trainer, tiny_model):
    """A LoRA job on the base model: 16 examples, batch 4, 4 epochs = 16 steps (also the resume test's reference)."""
    file_id = trainer.upload(qa_examples(16), filename="gen-0.jsonl")
    job = trainer.create(
        job_body(tiny_model.name, file_id, key="ref/l1/generation/0", suffix="ref-l1-gen0", n_epochs=4)
    ).json()
    if job["status"] != "succeeded":  # the resume test may have created it first (same maft_job_key)
        assert job["status"] == "queued" and job["fine_tuned_model"] is None
    job = trainer.wait(job["id"], 90)
    assert job["status"] == "succeeded", job["error"]
    return {"job": job, "events": trainer.events(job["id"]), "file_id": file_id}


def test_loss_falls(trained):
    logged = metrics(trained["events"])
    assert len(logged) == 16
    assert [m["step"] for m in logged] == list(range(1, 17))
    assert all(m["total_steps"] == 16 for m in logged)
    assert logged[-1]["epoch"] == pytest.approx(4.0)
    first, last = logged[0]["train_loss"], logged[-1]["train_loss"]
    assert last < first - 0.3, (first, last)


def test_job_and_events_report_the_result(trainer, trained):
    job = trained["job"]
    assert job["fine_tuned_model"] == "ref-l1-gen0"
    assert job["trained_tokens"] > 0 and job["finished_at"] >= job["created_at"]
    assert job["error"] is None
    messages = [e["message"] for e in trained["events"]]
    assert messages[0].startswith("Created fine-tuning job") and "Fine-tuning job started." in messages
    assert messages[-1] == "The job has successfully completed"
    newest = trainer.client.get(f"/v1/fine_tuning/jobs/{job['id']}/events", params={"limit": 1}).json()["data"]
    assert newest[0]["message"] == "The job has successfully completed"
    assert all(e["object"] == "fine_tuning.job.event" and e["id"].startswith("ftevent-") for e in trained["events"])


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_adapter_layout_loads_with_peft(trained, tiny_model):
    from peft import PeftModel
    from safetensors import safe_open
    from transformers import AutoModelForCausalLM

    folder = tiny_model.adapter_root / "ref-l1-gen0"
    assert {"adapter_config.json", "adapter_model.safetensors", "maft_model.json"} <= {p.name for p in folder.iterdir()}
    config = json.loads((folder / "adapter_config.json").read_text())
    assert config["r"] == 8 and config["lora_alpha"] == 16 and set(config["target_modules"]) == PROJECTIONS
    assert not config.get("modules_to_save")
    with safe_open(str(folder / "adapter_model.safetensors"), framework="pt") as weights:
        keys = list(weights.keys())
    assert keys and all("lora_" in k for k in keys)
    assert not [k for k in keys if "embed" in k or "lm_head" in k]
    record = json.loads((folder / "maft_model.json").read_text())
    assert record == {
        "base_model": tiny_model.name,
        "parent": tiny_model.name,
        "kind": "lora",
        "job_id": trained["job"]["id"],
    }
    resolved = models.resolve("ref-l1-gen0")
    assert (resolved.kind, resolved.base_name, resolved.parent) == ("lora", tiny_model.name, tiny_model.name)

    base = AutoModelForCausalLM.from_pretrained(tiny_model.path)
    model = PeftModel.from_pretrained(base, folder)
    lora_b = [p for n, p in model.named_parameters() if "lora_B" in n]
    assert lora_b and any(p.abs().sum() > 0 for p in lora_b)  # trained (B starts at zero)
    assert not [p.name for p in tiny_model.adapter_root.iterdir() if p.name.startswith(".tmp")]


def test_warm_start_continues_the_adapter_and_chains_parent(trainer, trained, tiny_model):
    parent = trained["job"]["fine_tuned_model"]
    mismatch = trainer.create(
        job_body(parent, trained["file_id"], key="ref/l2/generation/0/bad", suffix="ref-l2-bad", lora_rank=16)
    )
    assert mismatch.status_code == 400 and mismatch.json()["error"]["param"] == "maft_training.lora_rank"

    job = trainer.create(
        job_body(parent, trained["file_id"], key="ref/l2/generation/0", suffix="ref-l2-gen0", n_epochs=1)
    ).json()
    job = trainer.wait(job["id"], 90)
    assert job["status"] == "succeeded", job["error"]
    assert job["model"] == parent
    record = json.loads((tiny_model.adapter_root / "ref-l2-gen0" / "maft_model.json").read_text())
    assert (record["base_model"], record["parent"], record["kind"]) == (tiny_model.name, parent, "lora")
    assert models.resolve("ref-l2-gen0").parent == parent
    # It starts where the parent ended, not from a fresh adapter.
    first_parent = metrics(trained["events"])[0]["train_loss"]
    first_child = metrics(trainer.events(job["id"]))[0]["train_loss"]
    assert first_child < first_parent - 0.3, (first_parent, first_child)


def test_full_finetuning_writes_a_full_checkpoint(trainer, trained, tiny_model):
    file_id = trainer.upload(qa_examples(8), filename="full.jsonl")
    job = trainer.create(
        job_body(
            tiny_model.name,
            file_id,
            key="full/0",
            suffix="full-0",
            method="full",
            learning_rate=1e-3,
            n_epochs=1,
            batch_size=8,
        )
    ).json()
    job = trainer.wait(job["id"], 90)
    assert job["status"] == "succeeded", job["error"]
    folder = tiny_model.adapter_root / "full-0"
    names = {p.name for p in folder.iterdir()}
    assert {"config.json", "model.safetensors", "maft_model.json", "tokenizer.json"} <= names
    assert "adapter_config.json" not in names
    resolved = models.resolve("full-0")
    assert (resolved.kind, resolved.base_name, resolved.parent) == ("full", tiny_model.name, tiny_model.name)
    # A LoRA adapter cannot sit on a full checkpoint (adapters name a base model); this is refused up front.
    refused = trainer.create(job_body("full-0", file_id, key="full/1", suffix="full-1"))
    assert refused.status_code == 400 and refused.json()["error"]["param"] == "maft_training.method"
