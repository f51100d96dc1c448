"""The CPU server over real HTTP, on the tiny random model: shapes, seeds, batching, errors, adapters."""
from __future__ import annotations

import asyncio

import httpx
import pytest

PROMPTS = [
    "What is 3 plus 4?",
    "What is 11 plus 2? Please think step by step.",
    "yes",
    "You are a helpful agent. What is 9 times 9? The other agents said 81.",
]


def concurrently(url: str, bodies: list[dict]) -> list[httpx.Response]:
    async def run():
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            return await asyncio.gather(*(client.post("/v1/chat/completions", json=b) for b in bodies))

    return asyncio.run(run())


def body(model: str, content: str, **params) -> dict:
    return {"model": model, "messages": [{"role": "user", "content": content}], **params}


def content_of(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return response.json()["choices"][0]["message"]["content"]


# ---- chat completions ------------------------------------------------------------------------


def test_chat_completion_shape(server, serve_fixtures):
    response = server.chat(serve_fixtures.base, max_tokens=5, temperature=0.7, top_p=0.9, seed=1)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["object"] == "chat.completion"
    assert data["id"].startswith("chatcmpl-")
    assert isinstance(data["created"], int)
    assert data["model"] == serve_fixtures.base
    [choice] = data["choices"]
    assert choice["index"] == 0
    assert choice["message"]["role"] == "assistant"
    assert isinstance(choice["message"]["content"], str)
    assert choice["finish_reason"] in ("stop", "length")
    usage = data["usage"]
    assert usage["prompt_tokens"] > 0 and 1 <= usage["completion_tokens"] <= 5
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_max_tokens_and_max_completion_tokens(server, serve_fixtures):
    for key in ("max_tokens", "max_completion_tokens"):
        data = server.chat(serve_fixtures.base, temperature=0, **{key: 3}).json()
        assert data["usage"]["completion_tokens"] <= 3
        if data["choices"][0]["finish_reason"] == "length":
            assert data["usage"]["completion_tokens"] == 3


def test_greedy_is_deterministic(server, serve_fixtures):
    first = server.text(serve_fixtures.base, max_tokens=12, temperature=0)
    second = server.text(serve_fixtures.base, max_tokens=12, temperature=0, seed=99)  # the seed does not matter
    assert first == second


def test_same_seed_same_text_different_seeds_differ(server, serve_fixtures):
    a = server.text(serve_fixtures.base, max_tokens=12, temperature=1.0, seed=1234)
    b = server.text(serve_fixtures.base, max_tokens=12, temperature=1.0, seed=1234)
    assert a == b
    others = {server.text(serve_fixtures.base, max_tokens=12, temperature=1.0, seed=s) for s in (1, 2, 3)}
    assert len(others | {a}) >= 3, "different seeds should (almost always) give different samples"


def test_stop_strings_cut_the_text(server, serve_fixtures):
    full = server.text(serve_fixtures.base, max_tokens=16, temperature=1.0, seed=7)
    if len(full) < 6:
        pytest.skip("sample too short to pick a stop string from")
    stop = full[3:6]
    index = full.find(stop)
    response = server.chat(serve_fixtures.base, max_tokens=16, temperature=1.0, seed=7, stop=[stop])
    assert content_of(response) == full[:index]
    assert response.json()["choices"][0]["finish_reason"] == "stop"


def test_concurrent_requests_batch_and_match_solo_answers(server, serve_fixtures):
    bodies = [
        body(serve_fixtures.base, PROMPTS[i % len(PROMPTS)], max_tokens=4 + 3 * (i % 3), temperature=t, top_p=p, seed=100 + i)
        for i, (t, p) in enumerate([(1.0, 1.0), (0.0, 1.0), (0.8, 0.9), (1.0, 1.0), (1.3, 0.5), (0.0, 1.0)])
    ]
    # the same seed on two requests in one batch: each draws from its own stream, so they agree
    bodies.append(dict(bodies[0]))
    solo = [content_of(server.client.post("/v1/chat/completions", json=b)) for b in bodies]
    before = server.health()
    together = [content_of(r) for r in concurrently(server.url, bodies)]
    after = server.health()
    assert together == solo
    assert together[-1] == together[0]
    assert after["largest_batch"] >= 2, (before, after)
    assert after["batches"] - before["batches"] < len(bodies), "concurrent requests should share batches"


# ---- errors ----------------------------------------------------------------------------------


def test_unknown_model_is_404_in_vllm_wording(server):
    response = server.chat("no-such-model", max_tokens=2)
    assert response.status_code == 404
    assert response.json() == {
        "error": {"message": "The model `no-such-model` does not exist.", "type": "NotFoundError", "param": "model", "code": 404}
    }


def test_too_long_prompt_is_400(server, serve_fixtures):
    long_text = "what is the answer " * 200  # > 256 tokens (the fixture's --max-model-len)
    response = server.chat(serve_fixtures.base, long_text, max_tokens=4)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "BadRequestError"
    assert error["message"].startswith("This model's maximum context length is 256 tokens. However, you requested")
    # prompt fits, prompt + max_tokens does not
    response = server.chat(serve_fixtures.base, "hi", max_tokens=300)
    assert response.status_code == 400
    assert "maximum context length is 256 tokens" in response.json()["error"]["message"]
    # no max_tokens: the rest of the context
    response = server.chat(serve_fixtures.base, long_text)
    assert response.status_code == 400
    assert "maximum context length is 256 tokens" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"messages": [{"role": "user", "content": "hi"}]}, "model"),
        ({"model": "M"}, "messages"),
        ({"model": "M", "messages": []}, "messages"),
        ({"model": "M", "messages": [{"role": "wizard", "content": "hi"}]}, "messages.0.role"),
        ({"model": "M", "messages": [{"role": "user", "content": 5}]}, "messages.0.content"),
        ({"model": "M", "messages": [{"role": "user", "content": "hi"}], "temperature": "hot"}, "temperature"),
        ({"model": "M", "messages": [{"role": "user", "content": "hi"}], "temperature": -1}, "temperature"),
        ({"model": "M", "messages": [{"role": "user", "content": "hi"}], "top_p": 0}, "top_p"),
        ({"model": "M", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 0}, "max_tokens"),
        ({"model": "M", "messages": [{"role": "user", "content": "hi"}], "seed": "abc"}, "seed"),
        ({"model": "M", "messages": [{"role": "user", "content": "hi"}], "n": 2}, "n"),
        ({"model": "M", "messages": [{"role": "user", "content": "hi"}], "stream": True}, "stream"),
    ],
)
def test_bad_body_is_400_naming_the_field(server, serve_fixtures, payload, field):
    payload = {k: (serve_fixtures.base if v == "M" else v) for k, v in payload.items()}
    response = server.client.post("/v1/chat/completions", json=payload)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "BadRequestError"
    assert error["param"] == field
    assert field in error["message"]


def test_invalid_json_is_400(server):
    response = server.client.post("/v1/chat/completions", content=b'{"model": ', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "body"


def test_content_parts_and_developer_role(server, serve_fixtures):
    parts = [{"type": "text", "text": "What is 3 "}, {"type": "text", "text": "plus 4?"}]
    plain = server.text(serve_fixtures.base, "What is 3 plus 4?", max_tokens=6, temperature=0)
    response = server.client.post(
        "/v1/chat/completions", json={"model": serve_fixtures.base, "messages": [{"role": "user", "content": parts}], "max_tokens": 6, "temperature": 0}
    )
    assert content_of(response) == plain
    response = server.client.post(
        "/v1/chat/completions",
        json={"model": serve_fixtures.base, "max_tokens": 3, "messages": [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": "hi"}]},
    )
    assert response.status_code == 200, response.text


# ---- models and health -----------------------------------------------------------------------


def test_models_and_health(server, serve_fixtures):
    data = server.client.get("/v1/models").json()
    assert data["object"] == "list"
    base = next(m for m in data["data"] if m["id"] == serve_fixtures.base)
    assert base["object"] == "model" and base["parent"] is None and base["max_model_len"] == 256
    health = server.client.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"


# ---- adapters --------------------------------------------------------------------------------


def test_adapter_lifecycle(server, serve_fixtures):
    name = "run1-l0-gen0"
    base_text = server.text(serve_fixtures.base, max_tokens=12, temperature=1.0, seed=5)
    assert server.chat(name, max_tokens=2).status_code == 404  # not published yet

    response = server.load(name, serve_fixtures.adapter_a)
    assert response.status_code == 200, response.text
    assert response.text == f"Success: LoRA adapter '{name}' added successfully."
    listed = {m["id"]: m for m in server.client.get("/v1/models").json()["data"]}
    assert listed[name]["parent"] == serve_fixtures.base and listed[name]["root"] == str(serve_fixtures.adapter_a)

    adapted = server.text(name, max_tokens=12, temperature=1.0, seed=5)
    assert adapted != base_text, "a LoRA with large random weights must change the sample"
    assert server.text(name, max_tokens=12, temperature=1.0, seed=5) == adapted
    assert server.text(serve_fixtures.base, max_tokens=12, temperature=1.0, seed=5) == base_text

    again = server.load(name, serve_fixtures.adapter_a)
    assert again.status_code == 400
    assert again.json()["error"]["message"] == f"The lora adapter '{name}' has already been loaded."

    response = server.unload(name)
    assert response.status_code == 200, response.text
    assert server.chat(name, max_tokens=2).status_code == 404
    assert server.unload(name).status_code == 404
    assert server.text(serve_fixtures.base, max_tokens=12, temperature=1.0, seed=5) == base_text

    # a new name for the same folder serves the same weights
    assert server.load(name + "-again", serve_fixtures.adapter_a).status_code == 200
    assert server.text(name + "-again", max_tokens=12, temperature=1.0, seed=5) == adapted
    assert server.unload(name + "-again").status_code == 200


def test_lora_path_defaults_to_adapter_root(server, serve_fixtures):
    name = serve_fixtures.adapter_a.name  # the folder lives in MAFT_ADAPTER_ROOT
    assert server.load(name, None).status_code == 200
    assert server.unload(name).status_code == 200


def test_mixed_batch_matches_solo_answers(server, serve_fixtures):
    assert server.load("mix-a", serve_fixtures.adapter_a).status_code == 200
    assert server.load("mix-b", serve_fixtures.adapter_b).status_code == 200
    try:
        models = [serve_fixtures.base, "mix-a", "mix-b", "mix-a", serve_fixtures.base, "mix-b"]
        bodies = [
            body(m, PROMPTS[i % len(PROMPTS)], max_tokens=8, temperature=0.0 if i == 3 else 1.0, seed=42 if i < 3 else 7 + i)
            for i, m in enumerate(models)
        ]
        solo = [content_of(server.client.post("/v1/chat/completions", json=b)) for b in bodies]
        assert len({solo[0], solo[1], solo[2]}) == 3, "same prompt and seed: base and both adapters differ"
        before = server.health()
        together = [content_of(r) for r in concurrently(server.url, bodies)]
        after = server.health()
        assert together == solo
        assert after["largest_batch"] >= 2 and after["batches"] - before["batches"] < len(bodies)
    finally:
        server.unload("mix-a")
        server.unload("mix-b")


@pytest.mark.parametrize(
    ("which", "needle"),
    [
        ("missing", "no adapter folder"),
        ("not_adapter", "neither a PEFT adapter"),
        ("wrong_shape", "size mismatch"),
        ("wrong_record", "trained from base model 'some-other-model'"),
    ],
)
def test_bad_adapters_are_400(server, serve_fixtures, tmp_path, which, needle):
    path = tmp_path / "does-not-exist" if which == "missing" else getattr(serve_fixtures, which)
    response = server.load(f"bad-{which}", path)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert needle in error["message"]
    assert "already been loaded" not in error["message"]
    assert server.chat(f"bad-{which}", max_tokens=2).status_code == 404
    # the server still serves
    assert server.chat(serve_fixtures.base, max_tokens=2).status_code == 200


def test_reserved_names_are_rejected(server, serve_fixtures):
    assert server.load(serve_fixtures.base, serve_fixtures.adapter_a).status_code == 400
    assert server.load("__base__", serve_fixtures.adapter_a).status_code == 400
    assert server.unload(serve_fixtures.base).status_code == 400


def test_full_checkpoint_is_served_by_name(server, serve_fixtures):
    # the "full" fixture holds the base model's own weights, so it must answer exactly like the base
    assert server.load("full-0", serve_fixtures.full).status_code == 200
    try:
        params = dict(max_tokens=10, temperature=1.0, seed=11)
        assert server.text("full-0", **params) == server.text(serve_fixtures.base, **params)
        listed = {m["id"] for m in server.client.get("/v1/models").json()["data"]}
        assert "full-0" in listed
    finally:
        assert server.unload("full-0").status_code == 200


def test_lora_on_a_full_checkpoint_runs_on_that_checkpoint(server, serve_fixtures):
    # its record names the full model "serve-full" as parent: refused until that one is served
    response = server.load("on-full-0", serve_fixtures.lora_on_full)
    assert response.status_code == 400
    assert "load 'serve-full' first" in response.json()["error"]["message"]
    assert server.load("serve-full", serve_fixtures.full).status_code == 200
    assert server.load("plain-b", serve_fixtures.adapter_b).status_code == 200
    try:
        assert server.load("on-full-0", serve_fixtures.lora_on_full).status_code == 200
        listed = {m["id"]: m for m in server.client.get("/v1/models").json()["data"]}
        assert listed["on-full-0"]["parent"] == "serve-full"
        # same LoRA weights on the same (copied) base weights: the same sample as on the base model
        params = dict(max_tokens=10, temperature=1.0, seed=3)
        assert server.text("on-full-0", **params) == server.text("plain-b", **params)
    finally:
        for name in ("on-full-0", "plain-b", "serve-full"):
            server.unload(name)
