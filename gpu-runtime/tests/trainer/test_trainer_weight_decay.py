"""maft_training.weight_decay (Appendix B.3's weight decay): validated, echoed on the job, and used by the optimizer."""

from __future__ import annotations

import pytest

from trainer_helpers import job_body, qa_examples


@pytest.mark.parametrize("value", [-0.01, True, "1e-3"])
def test_weight_decay_must_be_a_non_negative_number(trainer, tiny_model, value):
    file_id = trainer.upload(qa_examples(2))
    body = job_body(
        tiny_model.name,
        file_id,
        key=f"wd-bad-{value}",
        suffix=f"wd-bad-{str(value).replace('.', '-')}",
        weight_decay=value,
    )
    response = trainer.create(body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == "maft_training.weight_decay"


def _train(trainer, tiny_model, file_id: str, name: str, **training):
    job = trainer.create(job_body(tiny_model.name, file_id, key=name, suffix=name, n_epochs=2, **training)).json()
    job = trainer.wait(job["id"], 90)
    assert job["status"] == "succeeded", job["error"]
    return job


def test_weight_decay_is_echoed_and_shrinks_the_trained_weights(trainer, tiny_model):
    from safetensors.torch import load_file

    file_id = trainer.upload(qa_examples(16), filename="wd.jsonl")
    plain = _train(trainer, tiny_model, file_id, "wd-none")
    decayed = _train(trainer, tiny_model, file_id, "wd-half", weight_decay=0.5)
    assert plain["maft_training"]["weight_decay"] == 0.0  # absent: no decay, as before
    assert decayed["maft_training"]["weight_decay"] == 0.5
    a = load_file(str(tiny_model.adapter_root / "wd-none" / "adapter_model.safetensors"))
    b = load_file(str(tiny_model.adapter_root / "wd-half" / "adapter_model.safetensors"))
    assert a.keys() == b.keys()
    # Same data, seed and steps: only the decoupled decay differs, and it pulls the LoRA A matrices
    # (initialised away from zero) toward zero.
    lora_a = [k for k in a if "lora_A" in k]
    norm = lambda weights: sum(float(weights[k].norm()) for k in lora_a)
    assert norm(b) < norm(a)
