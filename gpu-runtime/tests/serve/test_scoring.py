"""POST /v1/completions (echo + log-probabilities) and POST /v1/embeddings on the CPU server, over real
HTTP, checked against the same numbers recomputed here with transformers and PEFT directly."""
from __future__ import annotations

import base64
import struct
import warnings

import pytest
import torch

PROMPT = "User: What is 3 plus 4?\n\nAssistant: The answer is 7."


@pytest.fixture(scope="module")
def reference(tiny_model, tiny_tokenizer):
    """log p(token k | tokens before it) and the mean last hidden state, computed without the server."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    def model_for(adapter):
        model = AutoModelForCausalLM.from_pretrained(tiny_model.path, dtype=torch.float32)
        if adapter:
            with warnings.catch_warnings():  # PEFT calls a property transformers 5 deprecated
                warnings.simplefilter("ignore", FutureWarning)
                model = PeftModel.from_pretrained(model, str(adapter))
        return model.eval()

    def logprobs(text: str, adapter=None) -> list[float]:
        ids = tiny_tokenizer(text, add_special_tokens=True)["input_ids"]
        with torch.inference_mode():
            logits = model_for(adapter)(input_ids=torch.tensor([ids])).logits[0, :-1].double()
        return torch.log_softmax(logits, dim=-1).gather(1, torch.tensor(ids[1:])[:, None])[:, 0].tolist()

    def embedding(text: str) -> list[float]:
        ids = tiny_tokenizer(text, add_special_tokens=True)["input_ids"]
        with torch.inference_mode():
            hidden = model_for(None)(input_ids=torch.tensor([ids]), output_hidden_states=True).hidden_states[-1][0]
        return hidden.double().mean(dim=0).tolist()

    return logprobs, embedding


def score(server, model: str, prompt: str = PROMPT, **params):
    response = server.client.post("/v1/completions", json={"model": model, "prompt": prompt, "echo": True, "logprobs": 1, "max_tokens": 1, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_echo_returns_every_prompt_token_with_its_logprob(server, serve_fixtures, tiny_tokenizer, reference):
    logprobs, _ = reference
    data = score(server, serve_fixtures.base)
    assert data["object"] == "text_completion" and data["model"] == serve_fixtures.base
    [choice] = data["choices"]
    assert choice["text"] == PROMPT
    lp = choice["logprobs"]
    ids = tiny_tokenizer(PROMPT, add_special_tokens=True)["input_ids"]
    assert len(lp["tokens"]) == len(lp["token_logprobs"]) == len(lp["text_offset"]) == len(ids)
    assert "".join(lp["tokens"]) == PROMPT  # byte-level BPE: the tokens spell the text back
    assert lp["text_offset"] == [sum(len(t) for t in lp["tokens"][:k]) for k in range(len(ids))]
    assert lp["token_logprobs"][0] is None and lp["top_logprobs"][0] is None
    assert lp["token_logprobs"][1:] == pytest.approx(logprobs(PROMPT), abs=1e-4)
    assert lp["top_logprobs"][1] == {lp["tokens"][1]: lp["token_logprobs"][1]}
    # vLLM's prompt_logprobs: {token id: {logprob, rank, decoded_token}}; rank 1 = the likeliest token
    entry = choice["prompt_logprobs"][1]
    [(token_id, info)] = entry.items()
    assert int(token_id) == ids[1] and info["decoded_token"] == lp["tokens"][1]
    assert info["logprob"] == pytest.approx(lp["token_logprobs"][1]) and info["rank"] >= 1
    assert data["usage"] == {"prompt_tokens": len(ids), "completion_tokens": 0, "total_tokens": len(ids)}


def test_an_adapter_scores_with_its_own_weights(server, serve_fixtures, reference):
    logprobs, _ = reference
    assert server.load("score-a", serve_fixtures.adapter_a).status_code == 200
    try:
        adapted = score(server, "score-a")["choices"][0]["logprobs"]["token_logprobs"][1:]
        base = score(server, serve_fixtures.base)["choices"][0]["logprobs"]["token_logprobs"][1:]
        assert adapted == pytest.approx(logprobs(PROMPT, serve_fixtures.adapter_a), abs=1e-4)
        assert adapted != pytest.approx(base, abs=1e-3)
    finally:
        server.unload("score-a")


def test_completions_refuses_what_it_does_not_do(server, serve_fixtures):
    post = lambda body: server.client.post("/v1/completions", json={"model": serve_fixtures.base, "prompt": "hi", **body})
    for body, param in [({}, "echo"), ({"echo": True, "stream": True}, "stream"), ({"echo": True, "logprobs": 50}, "logprobs")]:
        response = post(body)
        assert response.status_code == 400, response.text
        assert response.json()["error"]["param"] == param
    assert post({"echo": True, "prompt": "what is the answer " * 200}).status_code == 400  # over --max-model-len 256
    unknown = server.client.post("/v1/completions", json={"model": "nobody", "prompt": "hi", "echo": True})
    assert unknown.status_code == 404 and unknown.json()["error"]["param"] == "model"


def test_embeddings_are_mean_pooled_hidden_states(server, serve_fixtures, reference):
    _, embedding = reference
    texts = ["The answer is 7.", "What is 3 plus 4?"]
    response = server.client.post("/v1/embeddings", json={"model": serve_fixtures.base, "input": texts, "encoding_format": "float"})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert [d["index"] for d in data] == [0, 1]
    for d, text in zip(data, texts):
        assert d["embedding"] == pytest.approx(embedding(text), abs=1e-4)
    packed = server.client.post("/v1/embeddings", json={"model": serve_fixtures.base, "input": texts[0], "encoding_format": "base64"}).json()
    raw = base64.b64decode(packed["data"][0]["embedding"])
    assert list(struct.unpack(f"<{len(raw) // 4}f", raw)) == pytest.approx(data[0]["embedding"], abs=1e-6)
    empty = server.client.post("/v1/embeddings", json={"model": serve_fixtures.base, "input": ["fine", ""]})
    assert empty.status_code == 400 and empty.json()["error"]["param"] == "input.1"
