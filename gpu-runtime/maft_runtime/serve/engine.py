"""The model side of the CPU server: one base model, PEFT LoRA adapters on top of it (several, by
name, mixed in one batch), full-finetuned checkpoints as separate engines, and batched generation
with a per-request random stream.

Everything here runs on the server's single model thread (see scheduler.py); a lock per engine
guards against other callers anyway.

Sampling: a batch runs as one `model.generate` call (left padding, KV cache, greedy decoding
from generate's point of view). A logits processor replaces each step's logits by a one-hot
choice made per row: argmax for temperature 0, otherwise temperature + top-p and a draw from
that row's own `torch.Generator` seeded with the request's seed. A row draws once per token it
generates and never for another row, so a seeded request gets the same text alone or in any
batch (up to float rounding differences between batch shapes, which can only matter when two
tokens are within ~1e-6 of a decision boundary).
"""
from __future__ import annotations

import copy
import json
import logging
import secrets
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import torch

from ..models import MODEL_RECORD

log = logging.getLogger("maft_runtime.serve")

# PEFT calls a transformers property that transformers 5 deprecated; nothing for us to act on.
warnings.filterwarnings("ignore", message=r".*is_gradient_checkpointing.*", category=FutureWarning)

BASE_ADAPTER = "__base__"  # PEFT's name for "no adapter" in a mixed batch


class AdapterError(ValueError):
    """A load request that cannot be honoured (bad path, not an adapter, wrong base model)."""


@dataclass
class GenRequest:
    prompt_ids: list[int]
    max_tokens: int
    temperature: float = 1.0
    top_p: float = 1.0
    seed: int | None = None
    stop: list[str] = field(default_factory=list)
    adapter: str | None = None  # the engine's internal adapter key; None for the engine's own weights


@dataclass
class GenResult:
    text: str
    finish_reason: str  # "stop" | "length"
    prompt_tokens: int
    completion_tokens: int
    token_ids: list[int]


def _normalise_seed(seed: int | None) -> int:
    if seed is None:
        return secrets.randbits(63)
    return seed & 0xFFFF_FFFF_FFFF_FFFF  # torch takes any 64-bit value; negative seeds wrap


class _RowSampler:
    """LogitsProcessor + StoppingCriteria in one: per-row choice, per-row stopping."""

    def __init__(self, requests: list[GenRequest], eos_ids: set[int], tokenizer):
        self.requests = requests
        self.eos_ids = eos_ids
        self.tokenizer = tokenizer
        self.generators = []
        for r in requests:
            g = torch.Generator(device="cpu")
            g.manual_seed(_normalise_seed(r.seed))
            self.generators.append(g)
        n = len(requests)
        self.tokens: list[list[int]] = [[] for _ in range(n)]
        self.done = [False] * n
        self.finish: list[str] = ["length"] * n
        self.cut: list[int | None] = [None] * n  # character offset of a matched stop string

    def _choose(self, i: int, logits: torch.Tensor) -> int:
        r = self.requests[i]
        if r.temperature <= 0.0:
            return int(torch.argmax(logits).item())
        logits = logits.double() / r.temperature
        probs = torch.softmax(logits, dim=-1)
        if r.top_p < 1.0:
            sorted_probs, order = torch.sort(probs, descending=True, stable=True)
            cumulative = torch.cumsum(sorted_probs, dim=-1)
            drop = (cumulative - sorted_probs) >= r.top_p  # keep the smallest prefix whose mass reaches top_p
            drop[0] = False
            sorted_probs = sorted_probs.masked_fill(drop, 0.0)
            choice = torch.multinomial(sorted_probs, 1, generator=self.generators[i])
            return int(order[choice].item())
        return int(torch.multinomial(probs, 1, generator=self.generators[i]).item())

    def _check_stop_strings(self, i: int) -> None:
        stops = self.requests[i].stop
        if not stops:
            return
        text = self.tokenizer.decode(self.tokens[i], skip_special_tokens=True)
        hits = [text.find(s) for s in stops if s and s in text]
        if hits:
            self.cut[i] = min(hits)
            self.done[i] = True
            self.finish[i] = "stop"

    # LogitsProcessor
    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        out = torch.full_like(scores, float("-inf"))
        for i in range(scores.shape[0]):
            if self.done[i]:
                out[i, 0] = 0.0  # generate() writes the pad token for finished rows anyway
                continue
            token = self._choose(i, scores[i])
            out[i, token] = 0.0
            self.tokens[i].append(token)
            if token in self.eos_ids:
                self.done[i] = True
                self.finish[i] = "stop"
            elif len(self.tokens[i]) >= self.requests[i].max_tokens:
                self.done[i] = True
                self.finish[i] = "length"
            else:
                self._check_stop_strings(i)
        return out

    def stopping(self):
        sampler = self

        from transformers import StoppingCriteria

        class _Stop(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                return torch.tensor(sampler.done, dtype=torch.bool, device=input_ids.device)

        return _Stop()

    def results(self) -> list[GenResult]:
        results = []
        for i, r in enumerate(self.requests):
            tokens = self.tokens[i]
            text_tokens = [t for t in tokens if t not in self.eos_ids]
            text = self.tokenizer.decode(text_tokens, skip_special_tokens=True)
            if self.cut[i] is not None:
                text = text[: self.cut[i]]
            results.append(
                GenResult(
                    text=text,
                    finish_reason=self.finish[i],
                    prompt_tokens=len(r.prompt_ids),
                    completion_tokens=len(tokens),
                    token_ids=list(tokens),
                )
            )
        return results


def _eos_ids(model, tokenizer) -> set[int]:
    ids: set[int] = set()
    for source in (getattr(model.generation_config, "eos_token_id", None), model.config.eos_token_id, tokenizer.eos_token_id):
        if source is None:
            continue
        ids.update(source if isinstance(source, (list, tuple)) else [source])
    return {int(i) for i in ids}


class Engine:
    """One set of base weights (a base model or a full-finetuned checkpoint), with LoRA adapters."""

    def __init__(self, name: str, path: Path, *, tokenizer=None, dtype: torch.dtype = torch.float32):
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.name = name
        self.path = Path(path)
        self.tokenizer = tokenizer or AutoTokenizer.from_pretrained(self.path)
        if not getattr(self.tokenizer, "chat_template", None):
            raise AdapterError(f"the tokenizer in {self.path} has no chat template")
        # Prompts are encoded on the event loop while the model thread decodes: a Rust tokenizer must not
        # be used from two threads at once ("Already borrowed"), so each side has its own copy.
        self.prompt_tokenizer = copy.deepcopy(self.tokenizer)
        model = AutoModelForCausalLM.from_pretrained(self.path, dtype=dtype)
        model.eval()
        self.base_model = model
        self.model = model  # becomes a PeftModel once the first adapter is loaded
        self.peft = None
        self.adapters: dict[str, Path] = {}  # internal key -> folder
        self._counter = 0
        self.eos_ids = _eos_ids(model, self.tokenizer)
        pad = self.tokenizer.pad_token_id
        if pad is None:
            pad = model.config.pad_token_id if model.config.pad_token_id is not None else min(self.eos_ids)
        self.pad_id = int(pad)
        self.max_position_embeddings = getattr(model.config, "max_position_embeddings", None)
        self.lock = threading.Lock()  # belt and braces: the scheduler already runs one job at a time

    # ---- prompts -------------------------------------------------------------------------------

    def encode_chat(self, messages: list[dict]) -> list[int]:
        text = self.prompt_tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        return list(self.prompt_tokenizer(text, add_special_tokens=False)["input_ids"])

    # ---- adapters ------------------------------------------------------------------------------

    def load_lora(self, path: Path) -> str:
        """Loads the PEFT LoRA adapter in `path`; returns its internal key. Raises AdapterError."""
        from peft import LoraConfig, PeftConfig, PeftModel

        config_file = path / "adapter_config.json"
        if not config_file.is_file():
            raise AdapterError(f"{path} is not a PEFT adapter folder (no adapter_config.json)")
        try:
            raw = json.loads(config_file.read_text())
        except (OSError, ValueError) as e:
            raise AdapterError(f"cannot read {config_file}: {e}") from e
        if raw.get("peft_type") != "LORA":
            raise AdapterError(f"{path} holds a {raw.get('peft_type')!r} adapter; only LoRA adapters are served")
        if not any((path / f).is_file() for f in ("adapter_model.safetensors", "adapter_model.bin")):
            raise AdapterError(f"{path} has no adapter weights (adapter_model.safetensors)")

        with self.lock:
            self._counter += 1
            key = f"maft_adapter_{self._counter}"
            created = False
            try:
                if self.peft is None:
                    config = PeftConfig.from_pretrained(str(path))
                    if not isinstance(config, LoraConfig):
                        raise AdapterError(f"{path} is not a LoRA adapter")
                    config.inference_mode = True
                    self.peft = PeftModel(self.base_model, config, adapter_name=key)
                    self.peft.eval()
                    self.model = self.peft
                    created = True
                result = self.peft.load_adapter(str(path), adapter_name=key, is_trainable=False)
                missing = [k for k in getattr(result, "missing_keys", []) if "lora_" in k]
                if missing:
                    raise AdapterError(
                        f"the adapter in {path} does not fit the base model {self.name}: "
                        f"{len(missing)} LoRA weights missing (e.g. {missing[0]})"
                    )
            except Exception as e:
                if self.peft is not None and key in self.peft.peft_config:
                    try:
                        self.peft.delete_adapter(key)
                        self._settle()
                    except Exception:  # pragma: no cover - best effort cleanup
                        log.exception("cleaning up the failed adapter %s", key)
                if isinstance(e, AdapterError):
                    raise
                detail = str(e).strip()
                if len(detail) > 400:
                    detail = detail[:400] + " ..."
                raise AdapterError(f"cannot load the adapter in {path} on base model {self.name}: {detail}") from e
            self.peft.eval()
            self.adapters[key] = path
            log.info("loaded LoRA adapter %s from %s (%s)", key, path, "new PEFT wrapper" if created else "added")
            return key

    def unload_lora(self, key: str) -> None:
        with self.lock:
            if key not in self.adapters or self.peft is None:
                return
            self.peft.delete_adapter(key)
            del self.adapters[key]
            self._settle()

    def _settle(self) -> None:
        """After an adapter was deleted: a valid active adapter, or no PEFT wrapper at all."""
        if self.peft is None:
            return
        if self.adapters:
            # PeftModel can keep pointing at a deleted adapter; any remaining one will do (every
            # batch names its adapters explicitly).
            self.peft.set_adapter(next(iter(self.adapters)))
        else:
            # Back to the pristine base model: no LoRA layers left behind.
            self.base_model = self.peft.unload()
            self.base_model.eval()
            self.model = self.base_model
            self.peft = None

    # ---- generation ----------------------------------------------------------------------------

    def generate(self, requests: list[GenRequest]) -> list[GenResult]:
        from transformers import GenerationConfig, LogitsProcessorList, StoppingCriteriaList

        if not requests:
            return []
        with self.lock, torch.inference_mode():
            width = max(len(r.prompt_ids) for r in requests)
            input_ids = torch.full((len(requests), width), self.pad_id, dtype=torch.long)
            attention_mask = torch.zeros((len(requests), width), dtype=torch.long)
            for i, r in enumerate(requests):
                n = len(r.prompt_ids)
                input_ids[i, width - n :] = torch.tensor(r.prompt_ids, dtype=torch.long)
                attention_mask[i, width - n :] = 1
            sampler = _RowSampler(requests, self.eos_ids, self.tokenizer)
            config = GenerationConfig(
                do_sample=False,
                max_new_tokens=max(r.max_tokens for r in requests),
                eos_token_id=sorted(self.eos_ids),
                pad_token_id=self.pad_id,
                bos_token_id=getattr(self.base_model.generation_config, "bos_token_id", None),
                num_beams=1,
                use_cache=True,
            )
            kwargs = {}
            if self.peft is not None:
                kwargs["adapter_names"] = [r.adapter or BASE_ADAPTER for r in requests]
            elif any(r.adapter for r in requests):
                raise RuntimeError("adapter requested but none is loaded")
            self.model.generate(
                input_ids=input_ids,
                attention_mask=attention_mask,
                generation_config=config,
                logits_processor=LogitsProcessorList([sampler]),
                stopping_criteria=StoppingCriteriaList([sampler.stopping()]),
                **kwargs,
            )
            return sampler.results()


    # ---- scoring and embeddings (maft's diversity metrics) ----------------------------------------

    def _forward(self, ids: list[int], adapter: str | None, **kwargs):
        """One sequence through the weights of `adapter` (None: the engine's own weights)."""
        if adapter is not None and adapter not in self.adapters:
            raise AdapterError(f"adapter {adapter} is not loaded")
        extra = {"adapter_names": [adapter or BASE_ADAPTER]} if self.peft is not None else {}
        return self.model(input_ids=torch.tensor([ids], dtype=torch.long), **extra, **kwargs)

    def score(self, ids: list[int], adapter: str | None) -> list[tuple[float, int] | None]:
        """Per token: log p(token | the tokens before it) and the token's rank in that distribution
        (1 = most likely); None for the first token, which has no context (vLLM's prompt_logprobs)."""
        if len(ids) < 2:
            return [None] * len(ids)
        with self.lock, torch.inference_mode():
            logprobs = torch.log_softmax(self._forward(ids, adapter).logits[0, :-1].double(), dim=-1)
            chosen = logprobs.gather(1, torch.tensor(ids[1:])[:, None])[:, 0]
            ranks = (logprobs > chosen[:, None]).sum(dim=1) + 1
        return [None] + [(float(lp), int(rank)) for lp, rank in zip(chosen, ranks)]

    def embed(self, texts_ids: list[list[int]], adapter: str | None) -> list[list[float]]:
        """Per text: the mean over its tokens of the last layer's hidden states."""
        with self.lock, torch.inference_mode():
            return [
                self._forward(ids, adapter, output_hidden_states=True).hidden_states[-1][0].double().mean(dim=0).tolist()
                for ids in texts_ids
            ]


def read_model_record(folder: Path) -> dict | None:
    record = folder / MODEL_RECORD
    if not record.is_file():
        return None
    try:
        return json.loads(record.read_text())
    except ValueError as e:
        raise AdapterError(f"{record} is not valid JSON: {e}") from e
