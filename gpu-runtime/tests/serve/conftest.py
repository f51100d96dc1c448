"""Serving fixtures: LoRA adapters made with PEFT on the shared tiny model (tests/conftest.py) and one
CPU server subprocess on it for the session."""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from serve_helpers import ServeProcess, make_lora_adapter, root_conftest


def pytest_configure(config):
    config.addinivalue_line("markers", "smollm2: needs the real SmolLM2-135M-Instruct in MODELS_DIR (prepare_model)")
    config.addinivalue_line("markers", "slow: slow; runs only when asked for (see the test's skip reason)")


@dataclass(frozen=True)
class ServeFixtures:
    base: str
    adapter_a: Path  # LoRA for the tiny model, with maft_model.json
    adapter_b: Path  # another LoRA for the tiny model, without maft_model.json
    wrong_shape: Path  # LoRA made for a different (hidden 32) model
    wrong_record: Path  # a copy of adapter_a whose maft_model.json names another base
    full: Path  # a full checkpoint in MAFT_ADAPTER_ROOT: the tiny model's own weights, kind "full"
    lora_on_full: Path  # adapter_b's weights, recorded as trained on top of `full`
    not_adapter: Path  # a folder with neither adapter_config.json nor config.json


@pytest.fixture(scope="session")
def serve_fixtures(tiny_model, tmp_path_factory) -> ServeFixtures:
    build_tiny_chat_model = root_conftest().build_tiny_chat_model

    root = tmp_path_factory.mktemp("serve")
    adapters = tiny_model.adapter_root
    a = make_lora_adapter(tiny_model.path, adapters / "serve-adapter-a", seed=1, base_name=tiny_model.name)
    b = make_lora_adapter(tiny_model.path, root / "serve-adapter-b", seed=2)
    other = build_tiny_chat_model(root / "other-base", hidden_size=32)
    wrong_shape = make_lora_adapter(other, root / "serve-wrong-shape", seed=3)
    wrong_record = root / "serve-wrong-record"
    shutil.copytree(a, wrong_record)
    (wrong_record / "maft_model.json").write_text(json.dumps({"base_model": "some-other-model", "parent": "x", "kind": "lora", "job_id": "t"}))
    full = adapters / "serve-full"
    shutil.copytree(tiny_model.path, full)
    (full / "maft_model.json").write_text(json.dumps({"base_model": tiny_model.name, "parent": tiny_model.name, "kind": "full", "job_id": "t"}))
    on_full = root / "serve-lora-on-full"
    shutil.copytree(b, on_full)
    (on_full / "maft_model.json").write_text(json.dumps({"base_model": tiny_model.name, "parent": "serve-full", "kind": "lora", "job_id": "t"}))
    not_adapter = root / "serve-not-adapter"
    not_adapter.mkdir()
    (not_adapter / "README.md").write_text("nothing here\n")
    return ServeFixtures(tiny_model.name, a, b, wrong_shape, wrong_record, full, on_full, not_adapter)


@pytest.fixture(scope="session")
def server(tiny_model, serve_fixtures, tmp_path_factory) -> ServeProcess:
    """One CPU server on the tiny model for the module's tests (batch window 50 ms so concurrent requests batch)."""
    log = tmp_path_factory.mktemp("serve-log") / "serve.log"
    process = ServeProcess(
        tiny_model.name, log,
        extra_args=["--threads", "1", "--max-batch-size", "8", "--max-model-len", "256", "--batch-wait-ms", "50"],
    ).start()
    yield process
    process.stop()
