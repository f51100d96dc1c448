"""The chat JSONL checks and the assistant-only label builder (no service)."""

from __future__ import annotations

import json

import pytest

from maft_runtime.trainer.dataset import IGNORE_INDEX, DatasetError, build_labels, parse_training_file, trained_turns

CONVERSATION = [
    {"role": "user", "content": "What is 2 plus 3?"},
    {"role": "assistant", "content": "The answer is 5."},
    {"role": "user", "content": "Other agents said 6. Final answer?"},
    {"role": "assistant", "content": "The answer is 5."},
]


def spans(input_ids: list[int], labels: list[int]) -> list[tuple[int, int]]:
    """Contiguous [start, end) runs of trained positions; checks labels equal input_ids there."""
    out, start = [], None
    for i, label in enumerate(labels + [IGNORE_INDEX]):
        if label != IGNORE_INDEX:
            assert i < len(input_ids) and label == input_ids[i]
            start = i if start is None else start
        elif start is not None:
            out.append((start, i))
            start = None
    return out


def expected_spans(tokenizer, messages, turns) -> list[tuple[int, int]]:
    """Hand-computed: each trained turn spans `content<|im_end|>\\n` after `<|im_start|>assistant\\n`."""
    result = []
    for i in turns:
        prefix = (
            "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages[:i])
            + "<|im_start|>assistant\n"
        )
        turn = f"{messages[i]['content']}<|im_end|>\n"
        start = len(tokenizer(prefix, add_special_tokens=False)["input_ids"])
        result.append((start, start + len(tokenizer(turn, add_special_tokens=False)["input_ids"])))
    return result


def decoded(tokenizer, input_ids, span):
    return tokenizer.decode(input_ids[span[0] : span[1]])


def test_every_assistant_turn_is_trained_and_nothing_else(tiny_tokenizer):
    input_ids, labels = build_labels(tiny_tokenizer, CONVERSATION, "all")
    found = spans(input_ids, labels)
    assert found == expected_spans(tiny_tokenizer, CONVERSATION, [1, 3])
    assert [decoded(tiny_tokenizer, input_ids, s) for s in found] == ["The answer is 5.<|im_end|>\n"] * 2
    # The user turns and the role headers carry no loss.
    text = tiny_tokenizer.decode([t for t, l in zip(input_ids, labels) if l == IGNORE_INDEX])
    assert "What is 2 plus 3?" in text and "Other agents said 6" in text and "The answer is" not in text


def test_weight_zero_excludes_a_turn(tiny_tokenizer):
    messages = [dict(m) for m in CONVERSATION]
    messages[1]["weight"] = 0
    input_ids, labels = build_labels(tiny_tokenizer, messages, "all")
    assert spans(input_ids, labels) == expected_spans(tiny_tokenizer, messages, [3])
    # weight is not part of the rendered text: same tokens as without it
    assert input_ids == build_labels(tiny_tokenizer, CONVERSATION, "all")[0]


def test_final_trains_only_the_last_assistant_turn(tiny_tokenizer):
    input_ids, labels = build_labels(tiny_tokenizer, CONVERSATION, "final")
    assert spans(input_ids, labels) == expected_spans(tiny_tokenizer, CONVERSATION, [3])
    assert trained_turns(CONVERSATION, "final") == [3]
    assert trained_turns(CONVERSATION, "all") == [1, 3]


def test_trailing_user_turn_is_not_trained(tiny_tokenizer):
    messages = CONVERSATION[:2] + [{"role": "user", "content": "thanks"}]
    input_ids, labels = build_labels(tiny_tokenizer, messages, "all")
    assert spans(input_ids, labels) == expected_spans(tiny_tokenizer, messages, [1])


BAD_FILES = {
    "invalid JSON": (['{"messages": [}'], 1, "invalid JSON"),
    "not an object": (
        ['{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}', "[1, 2]"],
        2,
        '"messages" list',
    ),
    "no messages list": (['{"prompt": "a"}'], 1, '"messages" list'),
    "unknown role": (
        ['{"messages": [{"role": "robot", "content": "a"}, {"role": "assistant", "content": "b"}]}'],
        1,
        "unknown role 'robot'",
    ),
    "no assistant": (['{"messages": [{"role": "user", "content": "a"}]}'], 1, "no assistant message"),
    "empty content": (
        ["", '{"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "b"}]}'],
        2,
        "empty content",
    ),
    "all weight 0": (
        ['{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b", "weight": 0}]}'],
        1,
        "weight 0",
    ),
    "bad weight": (
        ['{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b", "weight": 0.5}]}'],
        1,
        "weight must be 0 or 1",
    ),
    "empty file": (["", "  "], 1, "empty"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_files_name_file_and_line(tmp_path, kind):
    lines, line, phrase = BAD_FILES[kind]
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError) as info:
        parse_training_file(path, "agent-3.jsonl")
    message = str(info.value)
    assert f"training file 'agent-3.jsonl' line {line}:" in message
    assert phrase in message


def test_good_file_parses_with_line_numbers(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text(
        "\n" + json.dumps({"messages": CONVERSATION}) + "\n\n" + json.dumps({"messages": CONVERSATION[:2]}) + "\n"
    )
    examples = parse_training_file(path, "x.jsonl")
    assert [e.line for e in examples] == [2, 4]
    assert examples[0].messages == CONVERSATION
