"""Word-level diffs between two versions of a record (diff-match-patch over word tokens).

Each distinct token (a word, a run of whitespace, or a punctuation mark) is mapped to one
private character, the strings of characters are diffed, and the result mapped back: the
"linesToChars" trick of diff-match-patch applied to words, so changes never split a word.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from diff_match_patch import diff_match_patch

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
_OPS = {0: "equal", 1: "insert", -1: "delete"}
# Fields that change on every version or are bookkeeping, not content.
IGNORED = frozenset({"version", "id", "kind", "key", "revisions", "reference"})
MAX_TOKENS = 60_000  # the private-use plane (and time) is finite


def word_diff(old: str, new: str) -> list[dict[str, str]]:
    table: dict[str, str] = {}
    tokens: list[str] = []

    def encode(text: str) -> str:
        out = []
        for token in _TOKEN.findall(text):
            code = table.get(token)
            if code is None:
                if len(tokens) >= MAX_TOKENS:
                    raise ValueError("too many distinct words to diff")
                tokens.append(token)
                code = table[token] = chr(0xF0000 + len(tokens) - 1)
            out.append(code)
        return "".join(out)

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0
    try:
        diffs = dmp.diff_main(encode(old), encode(new), False)
    except ValueError:
        diffs = [(-1, old), (1, new)] if old != new else [(0, old)]
        return [{"op": _OPS[op], "text": text} for op, text in diffs]
    dmp.diff_cleanupSemantic(diffs)
    ops = []
    for op, chars in diffs:
        text = "".join(tokens[ord(c) - 0xF0000] for c in chars)
        ops.append({"op": _OPS[op], "text": text})
    return ops


def ops_html(ops: list[dict[str, str]]) -> str:
    """Escaped text with <ins>/<del> around changes: safe to render as HTML."""
    parts = []
    for op in ops:
        text = html.escape(op["text"])
        if op["op"] == "insert":
            parts.append(f"<ins>{text}</ins>")
        elif op["op"] == "delete":
            parts.append(f"<del>{text}</del>")
        else:
            parts.append(text)
    return "".join(parts)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)


def content_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per changed field, with ops and HTML; unchanged fields are left out."""
    fields = []
    for name in sorted(set(old) | set(new)):
        if name in IGNORED or old.get(name) == new.get(name):
            continue
        ops = word_diff(_as_text(old.get(name)), _as_text(new.get(name)))
        fields.append({"field": name, "ops": ops, "html": ops_html(ops)})
    # Title and text first: what a reader comes for.
    fields.sort(key=lambda f: (f["field"] not in ("title", "text"), f["field"]))
    return fields
