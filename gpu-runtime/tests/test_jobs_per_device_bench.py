"""The jobs-per-device benchmark runs end to end on CPU at a tiny size (its figures mean nothing here)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.jobs_per_device import main, union_seconds


def test_union_seconds_counts_overlapping_spans_once():
    assert union_seconds([]) == 0
    assert union_seconds([(0, 2), (3, 4)]) == 3  # serial: the sum
    assert union_seconds([(0, 2), (1, 3), (1.5, 2.5)]) == 3  # at once: first start to last end
    assert union_seconds([(5, 6), (0, 10)]) == 10


def test_reports_serial_and_concurrent_jobs_at_a_tiny_size(tmp_path: Path, tiny_model):
    out = tmp_path / "figures.json"
    # The tiny test model's tokenizer (ChatML, 400 tokens) keeps the random model small.
    report = main(
        [
            "--size",
            "tiny",
            "--jobs",
            "2",
            "--examples",
            "3",
            "--seq-len",
            "32",
            "--device",
            "cpu",
            "--no-warmup",
            "--tokenizer",
            str(tiny_model.path),
            "--json",
            str(out),
        ]
    )
    assert json.loads(out.read_text()) == report
    serial, concurrent = report["serial"], report["concurrent"]
    assert (serial["mode"], serial["jobs_per_device"], concurrent["mode"], concurrent["jobs_per_device"]) == (
        "serial",
        1,
        "concurrent",
        2,
    )
    assert serial["jobs"] == concurrent["jobs"] == report["jobs"] == 2
    assert (
        serial["trained_tokens"] == concurrent["trained_tokens"] > 2 * 3 * 16
    )  # the same jobs, about 32 tokens per example
    for figure in (serial, concurrent):
        assert (
            figure["wall_s"] > figure["training_s"] > 0
            and figure["tokens_per_s"] > 0
            and figure["training_tokens_per_s"] > 0
        )
        assert figure["peak_gpu_memory_bytes"] is None  # CPU
    assert report["ratio"] == concurrent["tokens_per_s"] / serial["tokens_per_s"]
    assert report["training_ratio"] == concurrent["training_tokens_per_s"] / serial["training_tokens_per_s"]
    assert report["device"] == "cpu" and report["batch_size"] == 1
