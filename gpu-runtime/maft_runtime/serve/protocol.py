"""Request bodies (the subset of the OpenAI / vLLM shapes the server honours) and error bodies."""
from __future__ import annotations

from typing import Any, Literal

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[TextPart]
    name: str | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "".join(part.text for part in self.content)


class ChatCompletionRequest(BaseModel):
    # Unknown fields are accepted and ignored, as OpenAI-compatible servers do (clients add their own).
    model_config = ConfigDict(extra="allow")

    model: str = Field(min_length=1)
    messages: list[ChatMessage] = Field(min_length=1)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    seed: int | None = None
    stop: str | list[str] | None = None
    n: int | None = Field(default=None, ge=1)
    stream: bool | None = None


class CompletionRequest(BaseModel):
    """POST /v1/completions, the scoring subset: the prompt echoed with its log-probabilities."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(min_length=1)
    prompt: str
    echo: bool | None = None
    logprobs: int | None = Field(default=None, ge=0, le=20)
    prompt_logprobs: int | None = Field(default=None, ge=0, le=20)
    max_tokens: int | None = Field(default=None, ge=0)
    n: int | None = Field(default=None, ge=1)
    stream: bool | None = None


class EmbeddingRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str = Field(min_length=1)
    input: str | list[str] = Field(min_length=1)
    encoding_format: Literal["float", "base64"] | None = None


class LoadLoraAdapterRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    lora_name: str = Field(min_length=1)
    # vLLM requires it; here it defaults to MAFT_ADAPTER_ROOT/<lora_name>.
    lora_path: str | None = None


class UnloadLoraAdapterRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    lora_name: str = Field(min_length=1)
    lora_int_id: int | None = None


ERROR_TYPES = {400: "BadRequestError", 404: "NotFoundError", 500: "InternalServerError", 503: "ServiceUnavailableError"}


class APIError(Exception):
    def __init__(self, status: int, message: str, *, param: str | None = None, type: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.type = type or ERROR_TYPES.get(status, "APIError")

    def response(self) -> JSONResponse:
        return error_response(self.status, self.message, param=self.param, type=self.type)


def error_response(status: int, message: str, *, param: str | None = None, type: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "error": {"message": message, "type": type or ERROR_TYPES.get(status, "APIError"), "param": param, "code": status}
    }
    return JSONResponse(body, status_code=status)


def validation_message(errors: list[dict]) -> tuple[str, str | None]:
    """Pydantic / FastAPI validation errors -> one message naming the fields, and the first field."""
    parts = []
    first = None
    for error in errors:
        loc = [str(x) for x in error.get("loc", ()) if x != "body"]
        # pydantic adds the union member tried ("str", "list[TextPart]") to the location: drop it
        loc = [x for x in loc if not (x.startswith("list[") or x in {"str", "int", "float", "bool", "function-after[...]"})]
        field = ".".join(loc) if loc else "body"
        if first is None:
            first = field
        msg = error.get("msg", "invalid")
        if error.get("type") == "json_invalid":
            field, msg = "body", f"invalid JSON: {error.get('ctx', {}).get('error', msg)}"
            first = "body"
        parts.append(f"{field}: {msg}")
    # deduplicate while keeping order (unions report one error per member)
    seen = []
    for p in parts:
        if p not in seen:
            seen.append(p)
    return "Invalid request: " + "; ".join(seen), first
