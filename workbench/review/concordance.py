"""Concordance search over the translation memory: a word or phrase in Arabic, English or Russian → the stored
pairs (Arabic source, reviewed translation) that contain it, with the places it occurs in each.

Texts are compared folded: case (`casefold`), Arabic diacritics and tatweel dropped, alef/hamza forms, alef
maqsura and ta marbuta unified, Arabic-Indic digits as ASCII, Russian ё as е. The query is plain text (a
substring of the folded text, never a pattern). The folded memory is kept until the memory changes
(`Workbench.memory` builds a new one when the store changed).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..text.metadata import ARABIC_DIGITS
from .memory import MemoryEntry, TranslationMemory

MAX_QUERY = 200
MIN_QUERY = 2
LIMIT = 50

_DROP = dict.fromkeys([*range(0x610, 0x61B), *range(0x64B, 0x660), 0x670, 0x640, *range(0x6D6, 0x6EE)])
_MAP = {ord(k): v for k, v in {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
                                "ё": "е", "Ё": "е"}.items()}
_TABLE: dict[int, Any] = {**ARABIC_DIGITS, **_DROP, **_MAP}


class ConcordanceError(ValueError):
    """A query that cannot be searched (too short, too long)."""


def fold(text: str) -> str:
    """The text as the concordance compares it (see the module's docstring)."""
    return text.translate(_TABLE).casefold()


def spans(text: str, folded_query: str) -> list[tuple[int, int]]:
    """Where `folded_query` occurs in `text`, as (start, end) offsets of `text` itself."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in fold(ch):
            chars.append(c)
            where.append(i)
    folded, out, at = "".join(chars), [], 0
    while folded_query and (at := folded.find(folded_query, at)) >= 0:
        end = at + len(folded_query)
        out.append((where[at], where[end - 1] + 1))
        at = end
    return out


@dataclass(frozen=True)
class Hit:
    """One stored pair that contains the query, with the places in its source and in its translation."""

    entry: MemoryEntry
    lang: str
    in_source: tuple[tuple[int, int], ...]
    in_text: tuple[tuple[int, int], ...]
    whole_word: bool

    def to_dict(self) -> dict[str, Any]:
        return {**self.entry.to_dict(), "lang": self.lang, "source_spans": [list(s) for s in self.in_source],
                "text_spans": [list(s) for s in self.in_text]}


class _Index:
    """A memory's entries with their folded source and translation."""

    def __init__(self, memory: TranslationMemory):
        self.memory = memory
        self.rows = [(entry, fold(entry.source), fold(entry.text)) for entry in memory.entries]


_INDEXES: dict[str, _Index] = {}
_LOCK = threading.Lock()


def _index(lang: str, memory: TranslationMemory) -> _Index:
    with _LOCK:
        index = _INDEXES.get(lang)
        if index is None or index.memory is not memory:
            index = _INDEXES[lang] = _Index(memory)
        return index


def check_query(query: str) -> str:
    """The folded query, or ConcordanceError when it is too short or too long."""
    q = fold(" ".join(query.split()))
    if len(q) < MIN_QUERY:
        raise ConcordanceError(f"search for at least {MIN_QUERY} characters")
    if len(q) > MAX_QUERY:
        raise ConcordanceError(f"search for at most {MAX_QUERY} characters")
    return q


def search(memories: Mapping[str, TranslationMemory], query: str, *, limit: int = LIMIT) -> tuple[list[Hit], int]:
    """The pairs of `memories` (lang → memory) whose source or translation contains `query`: whole-word hits
    first, then shorter sources; at most `limit`, and how many there are in all."""
    q = check_query(query)
    word = re.compile(rf"(?<!\w){re.escape(q)}(?!\w)")
    found: list[tuple[MemoryEntry, str, bool]] = []
    for lang, memory in memories.items():
        for entry, source, text in _index(lang, memory).rows:
            if q in source or q in text:
                found.append((entry, lang, bool(word.search(source) or word.search(text))))
    found.sort(key=lambda f: (not f[2], len(f[0].source), -f[0].revision_id))
    hits = [Hit(entry, lang, tuple(spans(entry.source, q)), tuple(spans(entry.text, q)), whole)
            for entry, lang, whole in found[:limit]]
    return hits, len(found)
