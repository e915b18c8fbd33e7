"""Translation memory: the current text of reviewed and approved segments, matched exactly or fuzzily (rapidfuzz)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..store import Store, reads
from ..text.metadata import ARABIC_DIGITS
from .glossary import normalise_arabic

FUZZY_CUTOFF = 75.0
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """The key for exact matches: Arabic letter forms and digits unified, punctuation and case ignored."""
    return _PUNCT.sub(" ", normalise_arabic(text).translate(ARABIC_DIGITS).lower()).strip()


@dataclass(frozen=True)
class MemoryEntry:
    source: str
    key: str
    lang: str
    text: str
    article_id: str
    segment_id: str
    revision_id: int

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "text": self.text, "article_id": self.article_id,
                "segment_id": self.segment_id, "revision_id": self.revision_id}


class TranslationMemory:
    def __init__(self, entries: list[MemoryEntry]):
        self.entries = entries
        self._exact: dict[str, MemoryEntry] = {}
        for entry in entries:
            self._exact.setdefault(entry.key, entry)

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def from_store(cls, store: Store, lang: str) -> TranslationMemory:
        """The current `lang` text of every segment a person confirmed (reviewed), and of every segment of an
        article language approved under the approval rules (not by override). Unreviewed edits never feed it."""
        rows = reads.memory_rows(store, lang)
        return cls([MemoryEntry(r["source_text"], normalise(r["source_text"]), lang, r["text"], r["article_id"],
                                r["segment_id"], r["revision_id"]) for r in rows if r["text"].strip()])

    def exact(self, source: str, exclude_segment: str | None = None) -> MemoryEntry | None:
        entry = self._exact.get(normalise(source))
        if entry is None or entry.segment_id == exclude_segment:
            return None
        return entry

    def fuzzy(self, source: str, *, limit: int = 3, cutoff: float = FUZZY_CUTOFF,
              exclude_segment: str | None = None) -> list[tuple[MemoryEntry, float]]:
        """Approved translations of similar sources (score 0–100, ≥ cutoff), best first."""
        from rapidfuzz import fuzz, process

        candidates = [e for e in self.entries if e.segment_id != exclude_segment]
        if not candidates:
            return []
        matches = process.extract(normalise(source), [e.key for e in candidates], scorer=fuzz.ratio,
                                  limit=limit, score_cutoff=cutoff)
        return [(candidates[index], round(score, 1)) for _, score, index in matches]
