"""One name and one type for "a unit": a segment or the summary of an article, in one target language."""

from __future__ import annotations

from dataclasses import dataclass

SUMMARY = "summary"  # the unit name of an article language's summary


@dataclass(frozen=True)
class UnitRef:
    """What a reviewer edits: `segment_id` None means the article language's summary."""

    article_id: str
    segment_id: str | None
    lang: str

    @property
    def target(self) -> str:
        """The store's name for the kind of unit: "segment" or "summary"."""
        return SUMMARY if self.segment_id is None else "segment"

    @property
    def unit(self) -> str:
        """The page's and the API's name of the unit: the segment id, or "summary"."""
        return SUMMARY if self.segment_id is None else self.segment_id

    @classmethod
    def named(cls, article_id: str, unit: str, lang: str) -> UnitRef:
        """The unit the page calls `unit` ("summary" or a segment id)."""
        return cls(article_id, None if unit == SUMMARY else unit, lang)
