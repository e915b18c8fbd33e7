"""From raw text to an article record and its aligned segments (pure functions, no I/O)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .cleaning import clean_lines
from .metadata import classify
from .segmentation import MAX_TOKENS, split_paragraph

SEGMENT_KINDS = ("title", "heading", "body", "meta")


@dataclass
class Segment:
    id: str
    article_id: str
    position: int
    paragraph: int
    kind: str
    role: str | None
    source_text: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Article:
    id: str
    original_text: str
    cleaned_text: str
    content_hash: str
    title: str | None = None
    date: str | None = None
    date_raw: str | None = None
    source: str | None = None
    source_raw: str | None = None
    photo_credit: str | None = None
    publisher: str | None = None
    url: str | None = None
    path: str | None = None
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The title, or the first words of the body for lists (never stored as a title)."""
        return label_for(self.title, self.cleaned_text)


def label_for(title: str | None, cleaned_text: str, words: int = 8) -> str:
    """The title, or the first words of the body for lists (never stored as a title)."""
    if title:
        return title
    first = cleaned_text.split("\n", 1)[0].split()
    return " ".join(first[:words]) + (" …" if len(first) > words else "")


def content_hash(text: str, extra: dict | None = None) -> str:
    digest = hashlib.sha256(text.encode("utf-8"))
    if extra:
        digest.update(json.dumps(extra, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def segment_id(article_id: str, text: str, occurrence: int) -> str:
    """Stable id: the same source text in the same article keeps its id across re-imports."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return f"{article_id}.{digest}" + (f"-{occurrence}" if occurrence > 1 else "")


def build_article(
    text: str,
    article_id: str,
    *,
    path: str | None = None,
    overrides: dict | None = None,
    encoding: str = "utf-8",
    max_tokens: int = MAX_TOKENS,
    count: Callable[[str], int] | None = None,
) -> tuple[Article, list[Segment]]:
    """Clean the text, read its metadata and split it into segments with offsets into the cleaned text."""
    overrides = {k: v for k, v in (overrides or {}).items() if v not in (None, "")}
    lines = clean_lines(text)
    cleaned = "\n".join(lines)
    meta = classify(lines)
    article = Article(
        id=article_id,
        original_text=text,
        cleaned_text=cleaned,
        content_hash=content_hash(text, overrides),
        title=meta.title,
        date=meta.date,
        date_raw=meta.date_raw,
        source=meta.source,
        source_raw=meta.source_raw,
        photo_credit=meta.photo_credit,
        publisher=meta.publisher,
        path=path,
        encoding=encoding,
    )
    for key in ("title", "date", "source", "url"):
        if key in overrides:
            setattr(article, key, str(overrides[key]))

    segments: list[Segment] = []
    seen: Counter[str] = Counter()
    offset = 0
    for paragraph, (line, role) in enumerate(zip(lines, meta.roles, strict=True)):
        if role.kind == "body":
            spans = split_paragraph(line, offset, max_tokens=max_tokens, count=count)
        else:
            spans = [type("S", (), {"start": offset, "end": offset + len(line)})()]
        for span in spans:
            piece = cleaned[span.start:span.end]
            seen[piece] += 1
            segments.append(Segment(
                id=segment_id(article_id, piece, seen[piece]),
                article_id=article_id,
                position=len(segments),
                paragraph=paragraph,
                kind=role.kind,
                role=role.role,
                source_text=piece,
                start=span.start,
                end=span.end,
            ))
        offset += len(line) + 1
    return article, segments


def rebuild(segments: Sequence[Segment | dict[str, Any]], texts: list[str] | None = None) -> str:
    """Join segments back into an article: a space inside a paragraph, a newline between paragraphs.

    With `texts`, the same layout is applied to other texts (e.g. a translation) in segment order.
    """
    parts: list[str] = []
    previous: int | None = None
    for i, seg in enumerate(segments):
        record = seg if isinstance(seg, dict) else seg.to_dict()
        paragraph = record["paragraph"]
        text = texts[i] if texts is not None else record["source_text"]
        if previous is not None:
            parts.append(" " if paragraph == previous else "\n")
        parts.append(text)
        previous = paragraph
    return "".join(parts)
