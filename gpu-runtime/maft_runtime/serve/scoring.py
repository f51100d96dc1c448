"""POST /v1/completions (scoring only: the prompt echoed with per-token log-probabilities, in vLLM's
shape) and POST /v1/embeddings (mean-pooled last hidden states): what maft's diversity metrics read
(docs/diversity.md). Generation stays on /v1/chat/completions."""
from __future__ import annotations

import base64
import struct
import time
import uuid
from typing import TYPE_CHECKING

from .engine import AdapterError
from .protocol import APIError, CompletionRequest, EmbeddingRequest

if TYPE_CHECKING:
    from .app import Server


def _encode(server: "Server", engine, text: str, param: str) -> tuple[list[int], list[int]]:
    encoded = engine.prompt_tokenizer(text, add_special_tokens=True, return_offsets_mapping=True)
    ids = list(encoded["input_ids"])
    if len(ids) > server.max_model_len:
        raise APIError(
            400,
            f"This model's maximum context length is {server.max_model_len} tokens. However, your request has {len(ids)} input "
            "tokens. Please reduce the length of the input.",
            param=param,
        )
    return ids, [start for start, _ in encoded["offset_mapping"]]


async def _on_model_thread(server: "Server", name: str, fn, *args):
    try:
        return await server.scheduler.run_exclusive(fn, *args)
    except AdapterError as e:  # unloaded while the request waited
        raise APIError(404, f"The model `{name}` does not exist.", param="model") from e


async def completion(server: "Server", body: CompletionRequest) -> dict:
    if body.stream:
        raise APIError(400, "stream: streaming is not supported by this server", param="stream")
    if body.n not in (None, 1):
        raise APIError(400, "n: only n=1 is supported by this server", param="n")
    if not body.echo:
        raise APIError(400, "echo: this server's /v1/completions only scores prompts (echo: true); generate with /v1/chat/completions", param="echo")
    served = server.lookup(body.model)
    engine = served.engine
    ids, offsets = _encode(server, engine, body.prompt, "prompt")
    scores = await _on_model_thread(server, body.model, engine.score, ids, served.adapter_key)
    tokens = [engine.prompt_tokenizer.decode([i]) for i in ids]
    logprobs = None
    if body.logprobs is not None:
        logprobs = {
            "text_offset": offsets,
            "token_logprobs": [None if s is None else s[0] for s in scores],
            "tokens": tokens,
            "top_logprobs": [None if s is None else {token: s[0]} for token, s in zip(tokens, scores)],
        }
    want_prompt = body.prompt_logprobs if body.prompt_logprobs is not None else body.logprobs
    prompt_logprobs = None
    if want_prompt is not None:
        prompt_logprobs = [
            None if s is None else {str(i): {"logprob": s[0], "rank": s[1], "decoded_token": token}}
            for i, token, s in zip(ids, tokens, scores)
        ]
    return {
        "id": f"cmpl-{uuid.uuid4().hex}",
        "object": "text_completion",
        "created": int(time.time()),
        "model": body.model,
        "choices": [
            {
                "index": 0,
                "text": body.prompt,
                "logprobs": logprobs,
                "finish_reason": "length",
                "stop_reason": None,
                "prompt_logprobs": prompt_logprobs,
            }
        ],
        "usage": {"prompt_tokens": len(ids), "completion_tokens": 0, "total_tokens": len(ids)},
    }


async def embeddings(server: "Server", body: EmbeddingRequest) -> dict:
    served = server.lookup(body.model)
    texts = [body.input] if isinstance(body.input, str) else body.input
    encoded = []
    for k, text in enumerate(texts):
        ids, _ = _encode(server, served.engine, text, f"input.{k}")
        if not ids:
            raise APIError(400, f"input.{k}: the text has no tokens to embed", param=f"input.{k}")
        encoded.append(ids)
    vectors = await _on_model_thread(server, body.model, served.engine.embed, encoded, served.adapter_key)

    def encode(vector: list[float]):
        if body.encoding_format == "base64":
            return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")
        return vector

    tokens = sum(len(ids) for ids in encoded)
    return {
        "object": "list",
        "model": body.model,
        "data": [{"object": "embedding", "index": k, "embedding": encode(v)} for k, v in enumerate(vectors)],
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
