"""vLLM's CPU build (through scripts/serve-vllm.sh) with maft's object-store LoRA resolver
(maft_vllm_cpu.s3_resolver), against a real S3 server (SeaweedFS): an adapter that exists only in the store
is served by name, fetched into the engine host's cache (MAFT_ADAPTER_ROOT) first; one not in the store is
a 404; a restarted engine with an empty cache recovers the adapter by name, with the same answers; while the
store is down, a request for an adapter not in the cache fails with 503 after MAFT_ARTIFACTS_RETRY_SECONDS.
The launcher refuses object mode without a local adapter cache."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from maft_vllm_cpu.object_store import ObjectStore, parse_artifact_location

from maft_runtime.models import models_dir
from seaweed_helpers import SeaweedServer
from test_train_publish_serve import random_adapter
from vllm_helpers import LAUNCHER, SMOLLM2, VllmProcess

# Read at import, before the session's tiny-model fixture points MAFT_MODELS_DIR elsewhere.
MODELS = models_dir()
BUCKET = "maft-engine"
PREFIX = "exp"
QUESTION = "Name three colours."


def ask(vllm: VllmProcess, model: str) -> str:
    return vllm.text(model, QUESTION, temperature=0, max_tokens=16, seed=1)


def resolved(vllm: VllmProcess, name: str) -> int:
    """How often the log (appended across starts) says the object-store resolver loaded `name`."""
    return vllm.log_file.read_text(errors="replace").count(
        f"Resolved and loaded LoRA adapter '{name}' using ObjectStoreResolver"
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A SeaweedFS of this module's own (the last test stops it) holding two adapters, and nowhere else."""
    import torch

    assert (MODELS / SMOLLM2 / "config.json").is_file(), f"{SMOLLM2} is not prepared in {MODELS}: run scripts/setup.sh"
    root = tmp_path_factory.mktemp("engine-store")
    server = SeaweedServer(root / "seaweed").start()
    server.create_bucket(BUCKET)
    env = server.store_env(BUCKET, PREFIX)
    uploads = ObjectStore(parse_artifact_location(env["MAFT_ARTIFACTS"]), env)
    torch.manual_seed(0)
    for name in ("smol-s3", "smol-s3-other"):
        uploads.upload_folder(random_adapter(root / "source" / name, 16, init_lora_weights=False), name)
    yield server, root / "source"
    server.kill()


def test_adapters_in_the_store_are_served_by_name_also_after_a_restart_with_an_empty_cache(store, tmp_path):
    server, source = store
    cache = tmp_path / "adapter-cache"
    vllm = VllmProcess(
        tmp_path / "vllm.log",
        MAFT_MODELS_DIR=str(MODELS),
        MAFT_ADAPTER_ROOT=str(cache),
        MAFT_LORA_RANK="16",
        MAFT_MAX_NUM_SEQS="8",
        MAFT_CPU_KVCACHE_GIB="1",
        MAFT_MAX_MODEL_LEN="512",
        MAFT_ARTIFACTS_RETRY_SECONDS="3",
        **server.store_env(BUCKET, PREFIX),
    )
    vllm.start()
    try:
        base = ask(vllm, SMOLLM2)
        served = ask(vllm, "smol-s3")
        assert served != base  # the adapter's weights, not the base model's
        assert resolved(vllm, "smol-s3") == 1
        files = {p.name: p.read_bytes() for p in (source / "smol-s3").iterdir()}
        assert {p.name: p.read_bytes() for p in (cache / "smol-s3").iterdir()} == files
        absent = vllm.chat("smol-absent", QUESTION, max_tokens=4)
        assert absent.status_code == 404, absent.text

        vllm.stop()
        shutil.rmtree(cache)
        vllm.start()  # the launcher makes the cache folder again, empty
        assert list(cache.iterdir()) == []
        assert ask(vllm, "smol-s3") == served
        assert resolved(vllm, "smol-s3") == 2  # fetched again
        assert ask(vllm, SMOLLM2) == base

        # The store down: a cached adapter still serves; one that is not cached fails with 503 and the reason
        # (not 404) after MAFT_ARTIFACTS_RETRY_SECONDS, and the engine stays up.
        server.kill()
        assert ask(vllm, "smol-s3") == served
        down = vllm.chat("smol-s3-other", QUESTION, max_tokens=4)
        assert down.status_code == 503, down.text
        message = down.json()["error"]["message"]  # vLLM writes "<path>" for anything like a file path
        assert message.startswith(
            "LoRA adapter 'smol-s3-other' could not be fetched from the object store: AWS_ENDPOINT_URL: the object "
            f"store for s3://{BUCKET}/{PREFIX} (MAFT_ARTIFACTS) at {server.endpoint} could not be reached while reading "
        )
        assert "(retried for 3 s, MAFT_ARTIFACTS_RETRY_SECONDS)" in message
        assert ask(vllm, SMOLLM2) == base
    finally:
        vllm.stop()


@pytest.mark.parametrize(
    ("adapter_root", "message"),
    [
        (None, "MAFT_ARTIFACTS=s3://maft-engine/exp needs MAFT_ADAPTER_ROOT: this host's folder for the adapters"),
        (
            "s3://maft-engine/exp/adapters",
            "MAFT_ADAPTER_ROOT=s3://maft-engine/exp/adapters is a URL; with MAFT_ARTIFACTS",
        ),
    ],
    ids=["unset", "url"],
)
def test_the_launcher_refuses_object_mode_without_a_local_adapter_cache(adapter_root, message):
    env = {k: v for k, v in os.environ.items() if k != "MAFT_ADAPTER_ROOT"}
    env.update(MAFT_ARTIFACTS="s3://maft-engine/exp", **({"MAFT_ADAPTER_ROOT": adapter_root} if adapter_root else {}))
    run = subprocess.run(["bash", str(LAUNCHER)], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and f"serve-vllm.sh: {message}" in run.stderr, run.stderr
