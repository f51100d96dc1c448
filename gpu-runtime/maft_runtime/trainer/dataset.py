"""Chat JSONL training files: validation and the label builder.

A training file has one example per line: ``{"messages": [{"role", "content", "weight"?}, ...]}`` with
roles system / user / assistant (OpenAI's chat fine-tuning format). The loss covers assistant turns
only: every assistant turn by default, except those with ``"weight": 0``; with
``assistant_turns="final"`` only the last assistant turn.

Labels are built by rendering the conversation with the tokenizer's chat template prefix by prefix:
an assistant turn i spans the tokens between ``render(messages[:i], add_generation_prompt=True)`` and
``render(messages[:i+1])``; those tokens (the turn's content, its end-of-turn token and whatever the
template appends to a turn) keep their ids as labels, every other position gets -100.

Parsing needs no third-party imports, so a bad file fails its job before torch is loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROLES = ("system", "user", "assistant")
IGNORE_INDEX = -100


class DatasetError(ValueError):
    """A problem with the training file; the message names the file and the 1-based line."""


@dataclass(frozen=True)
class Example:
    line: int
    messages: list[dict[str, Any]]  # role, content and (assistant only) weight 0/1


def parse_training_file(path: Path, filename: str) -> list[Example]:
    """Reads and checks a chat JSONL file; raises DatasetError naming `filename` and the line."""
    examples: list[Example] = []
    raw = Path(path).read_bytes()
    for index, raw_line in enumerate(raw.split(b"\n")):
        line_no = index + 1

        def fail(message: str) -> DatasetError:
            return DatasetError(f"training file '{filename}' line {line_no}: {message}")

        try:
            text = raw_line.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise fail("is not valid UTF-8") from None
        if not text:
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise fail(f"invalid JSON ({error.msg} at column {error.colno})") from None
        if not isinstance(value, dict) or not isinstance(value.get("messages"), list):
            raise fail('each line must be a JSON object with a "messages" list')
        messages = value["messages"]
        if not messages:
            raise fail('"messages" is empty')
        cleaned = []
        for j, message in enumerate(messages):
            where = f"messages[{j}]"
            if not isinstance(message, dict):
                raise fail(f"{where} must be an object with role and content")
            role = message.get("role")
            if role not in ROLES:
                raise fail(f"{where} has unknown role {role!r} (expected one of {', '.join(ROLES)})")
            content = message.get("content")
            if not isinstance(content, str):
                raise fail(f"{where}.content must be a string")
            if not content.strip():
                raise fail(f"{where} ({role}) has empty content")
            item: dict[str, Any] = {"role": role, "content": content}
            if "weight" in message:
                weight = message["weight"]
                if role != "assistant":
                    raise fail(f"{where}: weight is only allowed on assistant messages")
                if isinstance(weight, bool) or weight not in (0, 1):
                    raise fail(f"{where}.weight must be 0 or 1")
                item["weight"] = int(weight)
            cleaned.append(item)
        if not any(m["role"] == "assistant" for m in cleaned):
            raise fail("has no assistant message to train on")
        if not any(m["role"] == "assistant" and m.get("weight", 1) == 1 for m in cleaned):
            raise fail("every assistant message has weight 0: nothing to train on")
        examples.append(Example(line=line_no, messages=cleaned))
    if not examples:
        raise DatasetError(f"training file '{filename}' line 1: the file is empty (no training examples)")
    return examples


def trained_turns(messages: list[dict[str, Any]], assistant_turns: str = "all") -> list[int]:
    """Indices of the assistant messages that carry loss."""
    assistants = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
    if assistant_turns == "final":
        last = assistants[-1]
        return [last] if messages[last].get("weight", 1) == 1 else []
    if assistant_turns != "all":
        raise ValueError(f"assistant_turns must be 'all' or 'final', not {assistant_turns!r}")
    return [i for i in assistants if messages[i].get("weight", 1) == 1]


def _render(tokenizer: Any, messages: list[dict[str, Any]], generation_prompt: bool) -> list[int]:
    text = tokenizer.apply_chat_template(
        [{"role": m["role"], "content": m["content"]} for m in messages],
        tokenize=False,
        add_generation_prompt=generation_prompt,
    )
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def build_labels(
    tokenizer: Any, messages: list[dict[str, Any]], assistant_turns: str = "all"
) -> tuple[list[int], list[int]]:
    """(input_ids, labels) of one conversation: labels equal input_ids on trained assistant spans, -100 elsewhere.

    Raises ValueError when the chat template rejects the conversation or does not render prefixes as
    prefixes of the whole (then spans cannot be found by prefix rendering).
    """
    turns = trained_turns(messages, assistant_turns)
    if not turns:
        raise ValueError("the final assistant message has weight 0: nothing to train on")
    try:
        input_ids = _render(tokenizer, messages, False)
    except Exception as error:  # jinja errors from templates that reject a conversation shape
        raise ValueError(f"the chat template rejects this conversation: {error}") from None
    labels = [IGNORE_INDEX] * len(input_ids)
    for i in turns:
        try:
            before = _render(tokenizer, messages[:i], True)
            through = _render(tokenizer, messages[: i + 1], False)
        except Exception as error:
            raise ValueError(f"the chat template cannot render the conversation up to message {i}: {error}") from None
        if input_ids[: len(through)] != through or through[: len(before)] != before or len(before) >= len(through):
            raise ValueError(
                f"the chat template does not render messages[:{i}] as a prefix of the conversation, "
                "so the assistant span cannot be located"
            )
        labels[len(before) : len(through)] = input_ids[len(before) : len(through)]
    return input_ids, labels
