"""Word-level differences between two versions of a field, for reading an article's history."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

PARAGRAPH = "¶"  # stands for a paragraph break (a blank line) in the diff
_TOKENS = re.compile(r"\n\s*\n|\S+")


@dataclass(frozen=True)
class Chunk:
    """A run of words that both versions share ("="), only the old one has ("-") or the new one ("+")."""

    op: Literal["=", "-", "+"]
    words: tuple[str, ...]


def field_text(value: object) -> str:
    """Return a field value as the text the diff compares: lists joined by commas, None as ""."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def words(text: str) -> list[str]:
    """Split text into words; a blank line between paragraphs becomes one PARAGRAPH word."""
    return [PARAGRAPH if token.isspace() else token for token in _TOKENS.findall(text)]


def word_diff(before: str, after: str) -> list[Chunk]:
    """Return the word runs that are kept, removed and added going from `before` to `after`."""
    old, new = words(before), words(after)
    chunks: list[Chunk] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            chunks.append(Chunk("=", tuple(old[i1:i2])))
            continue
        if i2 > i1:
            chunks.append(Chunk("-", tuple(old[i1:i2])))
        if j2 > j1:
            chunks.append(Chunk("+", tuple(new[j1:j2])))
    return chunks


def fold_context(chunks: Sequence[Chunk], context: int = 5) -> list[Chunk | int]:
    """Shorten long unchanged runs to `context` words either side of a change.

    A dropped stretch is replaced by the number of words left out, so a one-word edit in a long
    article reads as a line, not as the whole text twice.
    """
    folded: list[Chunk | int] = []
    last = len(chunks) - 1
    for index, chunk in enumerate(chunks):
        if chunk.op != "=":
            folded.append(chunk)
            continue
        keep_head = context if index > 0 else 0  # words after the previous change
        keep_tail = context if index < last else 0  # words before the next change
        if len(chunk.words) <= keep_head + keep_tail + 1:
            folded.append(chunk)
            continue
        if keep_head:
            folded.append(Chunk("=", chunk.words[:keep_head]))
        folded.append(len(chunk.words) - keep_head - keep_tail)
        if keep_tail:
            folded.append(Chunk("=", chunk.words[-keep_tail:]))
    return folded


def render_plain(folded: Sequence[Chunk | int]) -> str:
    """Render a folded diff as text: [-removed words-] {+added words+}, "…(N words)…" for a gap."""
    parts = []
    for item in folded:
        if isinstance(item, int):
            parts.append(f"…({item} words)…")
        elif item.op == "=":
            parts.append(" ".join(item.words))
        elif item.op == "-":
            parts.append("[-" + " ".join(item.words) + "-]")
        else:
            parts.append("{+" + " ".join(item.words) + "+}")
    return " ".join(parts)
