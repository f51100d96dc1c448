"""Uploaded files: `<state>/files/<id>.json` (the FileRecord) beside `<id>.data` (the bytes)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import store
from .records import FileRecord
from .spec import ApiError


class FileStore:
    def __init__(self, folder: Path):
        self.folder = folder
        self.records: dict[str, FileRecord] = {}

    def load(self) -> None:
        for record in store.read_records(sorted(self.folder.glob("file-*.json")), FileRecord.from_json):
            self.records[record.id] = record

    async def create(self, filename: str, purpose: str, upload: Any) -> FileRecord:
        """Streams `upload` (a Starlette UploadFile) to disk, fsynced, then writes its record."""
        file_id = store.new_id("file")
        tmp = self.folder / f".{file_id}.tmp"
        size = 0
        with open(tmp, "wb") as out:
            while chunk := await upload.read(1 << 20):
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path(file_id))
        record = FileRecord(id=file_id, bytes=size, created_at=store.now(), filename=filename, purpose=purpose)
        store.write_json_atomic(self.folder / f"{file_id}.json", record.to_json())
        self.records[file_id] = record
        return record

    def get(self, file_id: str) -> FileRecord:
        record = self.records.get(file_id)
        if record is None:
            raise ApiError(404, f"No such File object: {file_id}", "id", "file_not_found")
        return record

    def path(self, file_id: str) -> Path:
        return self.folder / f"{file_id}.data"

    def newest_first(self) -> list[FileRecord]:
        return sorted(self.records.values(), key=lambda f: f.created_at, reverse=True)
