"""The trainer's state directory: uploaded files, one folder per job, and job events.

    <state>/files/<file-id>.json        FileObject
    <state>/files/<file-id>.data        the uploaded bytes
    <state>/jobs/<job-id>/job.json      the job record (public FineTuningJob + the resolved training spec);
                                        written only by the service, atomically
    <state>/jobs/<job-id>/events.jsonl  events, oldest first; appended by the service and the job process
    <state>/jobs/<job-id>/checkpoints/  trainer checkpoints (checkpoint-<step>/)
    <state>/jobs/<job-id>/result.json   written by the job process once the model is saved
    <state>/jobs/<job-id>/uploaded.json written by the job process once the model is in the object store
                                        (MAFT_ARTIFACTS=s3://...; trainer/artifacts.py)
    <state>/jobs/<job-id>/error.json    written by the job process when it fails cleanly
    <state>/jobs/<job-id>/train.log     the job process's stdout and stderr
    <state>/jobs/<job-id>/lock          flock held by the job process while it runs

This module is shared by the service and the job process and imports nothing heavy.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

JOB_FILE = "job.json"
EVENTS_FILE = "events.jsonl"
RESULT_FILE = "result.json"
UPLOADED_FILE = "uploaded.json"
ERROR_FILE = "error.json"
LOG_FILE = "train.log"
LOCK_FILE = "lock"
CHECKPOINTS = "checkpoints"

log = logging.getLogger("maft.trainer")
Record = TypeVar("Record")


def now() -> int:
    return int(time.time())


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(12)}"


def write_json_atomic(path: Path, value: Any) -> None:
    """Writes JSON to a temporary file beside `path`, fsyncs it and renames it over `path`."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_records(paths: Iterable[Path], from_json: Callable[[Any], Record]) -> list[Record]:
    """Each file's JSON through `from_json`; an unreadable file or record is logged and skipped."""
    records = []
    for path in paths:
        try:
            records.append(from_json(read_json(path)))
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("skipping unreadable record %s", path)
    return records


def append_event(
    job_dir: Path,
    job_id: str,
    message: str,
    *,
    level: str = "info",
    data: dict[str, Any] | None = None,
    type: str = "message",
) -> dict[str, Any]:
    """Appends one event as a single O_APPEND write, so the service and the job process can both append."""
    event = {
        "object": "fine_tuning.job.event",
        "id": new_id("ftevent"),
        "created_at": now(),
        "level": level,
        "message": message,
        "data": data or {},
        "type": type,
    }
    line = (json.dumps(event) + "\n").encode("utf-8")
    fd = os.open(job_dir / EVENTS_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return event


def read_events(job_dir: Path) -> list[dict[str, Any]]:
    """Events oldest first; a torn last line (a writer killed mid-write) is skipped."""
    path = job_dir / EVENTS_FILE
    if not path.is_file():
        return []
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return events


def complete_checkpoints(job_dir: Path) -> list[tuple[int, Path]]:
    """Checkpoints whose trainer_state.json (written last by the Trainer) parses, by step ascending."""
    found = []
    root = job_dir / CHECKPOINTS
    if not root.is_dir():
        return []
    for entry in root.iterdir():
        if not entry.name.startswith("checkpoint-"):
            continue
        try:
            step = int(entry.name.split("-", 1)[1])
            state = read_json(entry / "trainer_state.json")
        except (ValueError, OSError, json.JSONDecodeError):
            continue
        if isinstance(state, dict) and state.get("global_step") == step:
            found.append((step, entry))
    return sorted(found)
