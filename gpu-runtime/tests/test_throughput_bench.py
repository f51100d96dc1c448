"""The GPU throughput benchmark runs end to end on CPU at a tiny size (its figures mean nothing here)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.throughput import main
from maft_runtime.models import models_dir

# Read at import, before the session's tiny-model fixture points MAFT_MODELS_DIR elsewhere.
SMOLLM2 = models_dir() / "SmolLM2-135M-Instruct"


def test_reports_training_and_generation_throughput_at_a_tiny_size(tmp_path: Path):
    out = tmp_path / "figures.json"
    report = main(
        [
            "--size",
            "tiny",
            "--seq-len",
            "32",
            "--batch-size",
            "2",
            "--steps",
            "2",
            "--gen-batch",
            "2",
            "--gen-tokens",
            "4",
            "--json",
            str(out),
            "--tokenizer",
            str(SMOLLM2),
        ]
    )
    assert json.loads(out.read_text()) == report
    assert [t["method"] for t in report["training"]] == ["lora", "full"]
    lora, full = report["training"]
    assert 0 < lora["trainable_params"] < full["trainable_params"] == full["params"]
    assert lora["tokens_per_s"] > 0 and full["tokens_per_s"] > 0
    assert full["flops_per_token"] > lora["flops_per_token"]
    assert report["device"] == "cpu" and lora["mfu"] is None  # no peak figure for a CPU
    assert report["generation"]["tokens_per_s"] > 0
