"""A job's model as an artifact: saved in the local adapter root, and with MAFT_ARTIFACTS=s3://bucket/prefix
uploaded to the object store before the job succeeds; warm-start parents fetched from the store.

A job is done when its model folder is in place, written by this job, with its result.json; in object
mode also uploaded (uploaded.json, written after the upload's commit marker). A trainer restarted between
the save and the upload finds the job not done, runs it again, and the job process, seeing its model in
place, uploads it without training again. The S3 code itself is maft_vllm_cpu.object_store (the plugin
package that vLLM's engine hosts install; scripts/setup.sh installs it into .venv too).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .. import models
from . import store
from .spec import TrainingSpec

if TYPE_CHECKING:
    from maft_vllm_cpu.object_store import ObjectStore


def open_object_store(location: str | None = None, env: Mapping[str, str] = os.environ) -> ObjectStore | None:
    """The store at `location` (an s3:// URL), else the one MAFT_ARTIFACTS names; None in directory mode."""
    try:
        from maft_vllm_cpu.object_store import ObjectStore, parse_artifact_location
    except ImportError as error:
        raise RuntimeError(
            f"MAFT_ARTIFACTS is an s3:// URL but maft's S3 helper is not installed ({error}): "
            "run scripts/setup.sh (it installs gpu-runtime/vllm-cpu-plugin into .venv)"
        ) from None
    if location is not None:
        return ObjectStore(parse_artifact_location(location), env)
    return ObjectStore.from_env(env)


def model_saved(spec: TrainingSpec, job_id: str, job_dir: Path) -> bool:
    """The model folder is in place (renamed last) and was written by this job, which left its result.json."""
    folder = Path(spec.adapter_root) / spec.output_name
    try:
        written_by = store.read_json(folder / models.MODEL_RECORD).get("job_id")
    except (OSError, ValueError):
        return False
    return written_by == job_id and (job_dir / store.RESULT_FILE).is_file()


def model_done(spec: TrainingSpec, job_id: str, job_dir: Path) -> bool:
    """Saved, and in object mode (spec.artifacts) uploaded: the job may be reported succeeded."""
    saved = model_saved(spec, job_id, job_dir)
    return saved and (spec.artifacts is None or (job_dir / store.UPLOADED_FILE).is_file())


def upload_model(spec: TrainingSpec, job_id: str, job_dir: Path) -> None:
    """Uploads the saved model to `<prefix>/adapters/<name>/` (retrying while the store is unreachable)."""
    object_store = open_object_store(spec.artifacts)
    url = object_store.upload_folder(Path(spec.adapter_root) / spec.output_name, spec.output_name)
    store.write_json_atomic(job_dir / store.UPLOADED_FILE, {"url": url})
    store.append_event(job_dir, job_id, f"Uploaded the model to {url}", data={"url": url})
