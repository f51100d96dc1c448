"""The HTTP side: OpenAI chat completions, prompt scoring and embeddings (scoring.py), vLLM's runtime LoRA
endpoints, model list, health."""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..models import UnknownModel, adapter_root, resolve
from .engine import BASE_ADAPTER, AdapterError, Engine, GenRequest, read_model_record
from . import scoring
from .protocol import (
    APIError,
    ChatCompletionRequest,
    CompletionRequest,
    EmbeddingRequest,
    LoadLoraAdapterRequest,
    UnloadLoraAdapterRequest,
    error_response,
    validation_message,
)
from .scheduler import Scheduler

log = logging.getLogger("maft_runtime.serve")


@dataclass
class ServerConfig:
    max_batch_size: int = 8
    max_model_len: int = 2048
    batch_wait_s: float = 0.005
    # where `lora_path` defaults to (ADAPTER_ROOT/<lora_name>) and maft_model.json parents resolve;
    # None: MAFT_ADAPTER_ROOT or .maft/artifacts/adapters
    adapter_root: Path | None = None
    models_dir: Path | None = None


@dataclass
class Served:
    """A model name the server answers to."""

    name: str
    engine: Engine
    kind: str  # "base" | "lora" | "full"
    root: str
    parent: str | None = None
    adapter_key: str | None = None  # the engine's internal key, for kind "lora"
    created: int = field(default_factory=lambda: int(time.time()))


class Server:
    def __init__(self, base: Engine, config: ServerConfig):
        self.base = base
        self.config = config
        limit = base.max_position_embeddings
        self.max_model_len = min(config.max_model_len, limit) if limit else config.max_model_len
        if self.max_model_len < config.max_model_len:
            log.warning("max-model-len %d exceeds the model's %d positions; using %d", config.max_model_len, limit, self.max_model_len)
        self.served: dict[str, Served] = {base.name: Served(base.name, base, "base", str(base.path))}
        self.scheduler = Scheduler(max_batch_size=config.max_batch_size, batch_wait_s=config.batch_wait_s)
        self._locks: dict[str, asyncio.Lock] = {}

    # ---- helpers -------------------------------------------------------------------------------

    def lookup(self, name: str) -> Served:
        served = self.served.get(name)
        if served is None:
            raise APIError(404, f"The model `{name}` does not exist.", param="model")
        return served

    def _lock(self, name: str) -> asyncio.Lock:
        return self._locks.setdefault(name, asyncio.Lock())

    # ---- chat ----------------------------------------------------------------------------------

    async def chat(self, body: ChatCompletionRequest) -> dict:
        if body.stream:
            raise APIError(400, "stream: streaming is not supported by this server; send stream=false", param="stream")
        if body.n not in (None, 1):
            raise APIError(400, "n: only n=1 is supported by this server; send one request per sample", param="n")
        served = self.lookup(body.model)
        messages = [{"role": "system" if m.role == "developer" else m.role, "content": m.text()} for m in body.messages]
        try:
            prompt_ids = served.engine.encode_chat(messages)
        except Exception as e:  # the chat template may reject a message order
            raise APIError(400, f"messages: the chat template rejected the conversation: {e}", param="messages") from e
        prompt_len = len(prompt_ids)
        limit = self.max_model_len
        max_tokens = body.max_completion_tokens if body.max_completion_tokens is not None else body.max_tokens
        if max_tokens is None:
            if prompt_len >= limit:
                raise APIError(
                    400,
                    f"This model's maximum context length is {limit} tokens. However, your request has {prompt_len} input "
                    "tokens. Please reduce the length of the input messages.",
                    param="messages",
                )
            max_tokens = limit - prompt_len
        elif prompt_len + max_tokens > limit:
            raise APIError(
                400,
                f"This model's maximum context length is {limit} tokens. However, you requested {prompt_len + max_tokens} "
                f"tokens ({prompt_len} in the messages, {max_tokens} in the completion). Please reduce the length of the "
                "messages or completion.",
                param="messages",
            )
        stop = [body.stop] if isinstance(body.stop, str) else list(body.stop or [])
        request = GenRequest(
            prompt_ids=prompt_ids,
            max_tokens=max_tokens,
            temperature=1.0 if body.temperature is None else body.temperature,
            top_p=1.0 if body.top_p is None else body.top_p,
            seed=body.seed,
            stop=[s for s in stop if s],
            adapter=served.adapter_key,
        )
        name = body.model
        result = await self.scheduler.submit(
            served.engine,
            request,
            is_live=lambda: self.served.get(name) is served,
            on_dead=lambda: APIError(404, f"The model `{name}` does not exist.", param="model"),
        )
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": name,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": result.text},
                    "logprobs": None,
                    "finish_reason": result.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": result.prompt_tokens,
                "completion_tokens": result.completion_tokens,
                "total_tokens": result.prompt_tokens + result.completion_tokens,
            },
            "system_fingerprint": None,
        }

    # ---- adapters ------------------------------------------------------------------------------

    async def load_adapter(self, body: LoadLoraAdapterRequest) -> str:
        name = body.lora_name
        if name == BASE_ADAPTER or name == self.base.name:
            raise APIError(400, f"lora_name: '{name}' is reserved (it names the base model)", param="lora_name")
        async with self._lock(name):
            if name in self.served:
                raise APIError(400, f"The lora adapter '{name}' has already been loaded.", param="lora_name")
            path = Path(body.lora_path) if body.lora_path else (self.config.adapter_root or adapter_root()) / name
            if not path.is_dir():
                raise APIError(400, f"Loading lora {name} failed: no adapter folder at {path}", param="lora_path")
            try:
                record = read_model_record(path)
            except AdapterError as e:
                raise APIError(400, f"Loading lora {name} failed: {e}", param="lora_path") from e
            if record is not None and record.get("base_model") not in (None, self.base.name):
                raise APIError(
                    400,
                    f"Loading lora {name} failed: {path} was trained from base model '{record.get('base_model')}', "
                    f"but this server serves '{self.base.name}'",
                    param="lora_path",
                )
            try:
                if (path / "adapter_config.json").is_file():
                    home = self._engine_under(name, record)
                    key = await self.scheduler.run_exclusive(home.load_lora, path)
                    served = Served(name, home, "lora", str(path), parent=home.name, adapter_key=key)
                elif (path / "config.json").is_file() and (record is None or record.get("kind") == "full"):
                    engine = await self.scheduler.run_exclusive(self._load_full, name, path)
                    served = Served(name, engine, "full", str(path), parent=self.base.name)
                else:
                    raise AdapterError(f"{path} holds neither a PEFT adapter (adapter_config.json) nor a checkpoint (config.json)")
            except AdapterError as e:
                raise APIError(400, f"Loading lora {name} failed: {e}", param="lora_path") from e
            self.served[name] = served
            log.info("serving %s (%s) from %s", name, served.kind, path)
        return f"Success: LoRA adapter '{name}' added successfully."

    def _engine_under(self, name: str, record: dict | None) -> Engine:
        """The weights a LoRA adapter was trained on: the base model, or a full-finetuned model up its
        chain of parents (maft_model.json), which must then be served already."""
        parent = (record or {}).get("parent")
        seen: set[str] = set()
        while parent and parent != self.base.name and parent not in seen:
            seen.add(parent)
            served = self.served.get(parent)
            if served is not None and served.kind == "full":
                return served.engine
            try:
                resolved = resolve(parent, models=self.config.models_dir, adapters=self.config.adapter_root)
            except UnknownModel:
                return self.base  # the parent's folder is gone or elsewhere: the record's base_model was checked
            if resolved.kind == "full":
                raise AdapterError(
                    f"it was trained on top of the full-finetuned model '{parent}', which is not loaded: "
                    f"load '{parent}' first"
                )
            if resolved.kind == "base":
                break
            parent = resolved.parent
        return self.base

    def _load_full(self, name: str, path: Path) -> Engine:
        has_tokenizer = (path / "tokenizer_config.json").is_file() or (path / "tokenizer.json").is_file()
        try:
            engine = Engine(name, path, tokenizer=None if has_tokenizer else self.base.tokenizer)
        except AdapterError:
            raise
        except Exception as e:  # noqa: BLE001
            raise AdapterError(f"cannot load the checkpoint in {path}: {e}") from e
        if engine.base_model.config.vocab_size != self.base.base_model.config.vocab_size:
            raise AdapterError(f"the checkpoint in {path} has a different vocabulary from base model {self.base.name}")
        return engine

    async def unload_adapter(self, body: UnloadLoraAdapterRequest) -> str:
        name = body.lora_name
        async with self._lock(name):
            served = self.served.get(name)
            if served is None:
                raise APIError(404, f"The lora adapter '{name}' cannot be found.", param="lora_name")
            if served.kind == "base":
                raise APIError(400, f"lora_name: '{name}' is the base model and cannot be unloaded", param="lora_name")
            del self.served[name]
            if served.kind == "lora":
                await self.scheduler.run_exclusive(self.base.unload_lora, served.adapter_key)
        return f"Success: LoRA adapter '{name}' removed successfully."

    # ---- listing -------------------------------------------------------------------------------

    def models(self) -> dict:
        return {
            "object": "list",
            "data": [
                {
                    "id": s.name,
                    "object": "model",
                    "created": s.created,
                    "owned_by": "maft",
                    "root": s.root,
                    "parent": s.parent,
                    "max_model_len": self.max_model_len,
                    "permission": [],
                }
                for s in self.served.values()
            ],
        }


def create_app(base: Engine, config: ServerConfig | None = None) -> FastAPI:
    server = Server(base, config or ServerConfig())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        server.scheduler.start()
        try:
            yield
        finally:
            await server.scheduler.stop()

    app = FastAPI(title="maft CPU inference server", lifespan=lifespan)
    app.state.server = server

    @app.exception_handler(APIError)
    async def _api_error(request: Request, exc: APIError):
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        message, param = validation_message(list(exc.errors()))
        return error_response(400, message, param=param)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        return error_response(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error_response(500, f"internal error: {type(exc).__name__}: {exc}")

    @app.post("/v1/chat/completions")
    async def chat_completions(body: ChatCompletionRequest):
        return JSONResponse(await server.chat(body))

    @app.post("/v1/completions")
    async def completions(body: CompletionRequest):
        return JSONResponse(await scoring.completion(server, body))

    @app.post("/v1/embeddings")
    async def embeddings(body: EmbeddingRequest):
        return JSONResponse(await scoring.embeddings(server, body))

    @app.post("/v1/load_lora_adapter")
    async def load_lora_adapter(body: LoadLoraAdapterRequest):
        return PlainTextResponse(await server.load_adapter(body))

    @app.post("/v1/unload_lora_adapter")
    async def unload_lora_adapter(body: UnloadLoraAdapterRequest):
        return PlainTextResponse(await server.unload_adapter(body))

    @app.get("/v1/models")
    async def list_models():
        return JSONResponse(server.models())

    @app.get("/health")
    async def health():
        if not server.scheduler.alive:
            return JSONResponse({"status": "unhealthy", "reason": "scheduler stopped"}, status_code=503)
        return JSONResponse(
            {
                "status": "ok",
                "model": base.name,
                "served": len(server.served),
                "queued": len(server.scheduler.queue),
                **server.scheduler.stats,
            }
        )

    return app
