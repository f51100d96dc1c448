"""The trainer's HTTP API: the subset of OpenAI's files and fine-tuning API that the `openai` clients use.

    POST /v1/files                          multipart file + purpose -> FileObject
    GET  /v1/files, /v1/files/{id}, /v1/files/{id}/content
    POST /v1/fine_tuning/jobs               create (idempotent on metadata.maft_job_key)
    GET  /v1/fine_tuning/jobs               ?limit=&after=&metadata[k]=v, newest first
    GET  /v1/fine_tuning/jobs/{id}
    POST /v1/fine_tuning/jobs/{id}/cancel
    GET  /v1/fine_tuning/jobs/{id}/events   ?limit=&after=, newest first
    GET  /health

Errors use OpenAI's shape: {"error": {"message", "type", "param", "code"}}.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .manager import JobManager
from .spec import ApiError, bad


def _page(items: list[dict[str, Any]], limit: int, after: str | None) -> dict[str, Any]:
    start = 0
    if after is not None:
        index = next((i for i, item in enumerate(items) if item["id"] == after), None)
        start = len(items) if index is None else index + 1
    data = items[start : start + limit]
    return {"object": "list", "data": data, "has_more": start + limit < len(items)}


def _limit(request: Request, default: int = 20) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return default
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= 10_000:
        raise bad("limit", "limit must be an integer in [1, 10000]")
    return limit


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ApiError(400, f"the request body is not valid JSON: {error}", None, "invalid_json") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object", None, "invalid_json")
    return body


def create_app(manager: JobManager) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        await manager.start()
        try:
            yield
        finally:
            await manager.stop()

    app = FastAPI(title="maft trainer", lifespan=lifespan)
    app.state.manager = manager

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> JSONResponse:
        return JSONResponse(error.body(), status_code=error.status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            ApiError(error.status_code, str(error.detail), None, None).body(), status_code=error.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(ApiError(400, str(error.errors()), None, "invalid_request").body(), status_code=400)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return manager.health()

    @app.post("/v1/files")
    async def upload_file(request: Request) -> dict[str, Any]:
        try:
            form = await request.form()
        except Exception as error:  # not multipart, or malformed
            raise bad(
                "file", f"file uploads must be multipart/form-data with fields file and purpose ({error})"
            ) from None
        purpose = form.get("purpose")
        if not isinstance(purpose, str) or not purpose.strip():
            raise bad("purpose", "purpose is required", "missing_required_parameter")
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise bad("file", "file is required (a multipart file field)", "missing_required_parameter")
        filename = Path(upload.filename or "upload.jsonl").name
        try:
            return await manager.create_file(filename, purpose.strip(), upload)
        finally:
            await form.close()

    @app.get("/v1/files")
    async def list_files() -> dict[str, Any]:
        return {"object": "list", "data": manager.list_files(), "has_more": False}

    @app.get("/v1/files/{file_id}")
    async def get_file(file_id: str) -> dict[str, Any]:
        return manager.get_file(file_id)

    @app.get("/v1/files/{file_id}/content")
    async def get_file_content(file_id: str) -> FileResponse:
        manager.get_file(file_id)
        return FileResponse(manager.file_path(file_id), media_type="application/octet-stream")

    @app.post("/v1/fine_tuning/jobs")
    async def create_job(request: Request) -> dict[str, Any]:
        body = await _json_object(request)
        async with manager.lock:
            await manager.fetch_parent(body)
            return manager.create_job(body)

    @app.get("/v1/fine_tuning/jobs")
    async def list_jobs(request: Request) -> dict[str, Any]:
        metadata = {}
        for key, value in request.query_params.multi_items():
            if key.startswith("metadata[") and key.endswith("]"):
                metadata[key[len("metadata[") : -1]] = value
        return _page(manager.list_jobs(metadata), _limit(request), request.query_params.get("after"))

    @app.get("/v1/fine_tuning/jobs/{job_id}")
    async def get_job(job_id: str) -> dict[str, Any]:
        return manager.get_job(job_id)

    @app.post("/v1/fine_tuning/jobs/{job_id}/cancel")
    async def cancel_job(job_id: str) -> dict[str, Any]:
        async with manager.lock:
            return await manager.cancel_job(job_id)

    @app.get("/v1/fine_tuning/jobs/{job_id}/events")
    async def job_events(job_id: str, request: Request) -> dict[str, Any]:
        return _page(manager.events(job_id), _limit(request), request.query_params.get("after"))

    return app
