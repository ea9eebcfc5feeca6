"""JSON Lines as every malinews file writes them (articles.jsonl, alerts.jsonl, ops.jsonl)."""

from __future__ import annotations

import json
from typing import Any

# Line separators some readers split on (Python's str.splitlines among them): escaped, so a
# record is always one line whatever its text holds.
_SEPARATORS = ("\u2028", "\u2029", "\u0085")


def jsonl_line(record: dict[str, Any], *, sort_keys: bool = False) -> bytes:
    """One record as one line of UTF-8 JSON, newline included."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=sort_keys)
    for char in _SEPARATORS:
        text = text.replace(char, f"\\u{ord(char):04x}")
    return (text + "\n").encode("utf-8")
