"""The typed read model: an article as the reviewer, the exporters, the API and the page read it.

`review.views.article_view` builds an `ArticleView` from the store: the article's metadata (`ArticleMeta`), its
status and `LanguageProgress`, each language's summary `Unit`, and one `SegmentRow` per segment with a `Unit`
per language (the current text with its revision, state, flags and QA details, and the latest `MachineOutput` with
its `Provenance` and the model's `ModelConfidence`). Every object is frozen; `to_dict()` gives the JSON that the
API (`/get_article`, `/review_view`), `show --json` and the page receive (the shapes the README documents), a
fresh copy each time. `ArticleSummary` is one row of the article list.

Each language's summary unit also carries its `claims` (`Claim`: every number, ledger name and quotation of its
current text with the segments of the article it is traced to; `review.summary_checks.trace_claims`), in `to_dict()`
too; a segment's unit has none. Each unit also says where its current text came from (`match`: `machine`, `memory` for a 100 % memory match
pre-filled at translation, `human`) and which of its flags block approval (`blocking`); each row carries the grid's
`number` (translatable rows from 1, meta lines none); the article and each list row say which approvals were
overrides (`status_override`: lang → the recorded reason, or null) and which languages must be reviewed again
because something changed since their approval (`status_reopened`: lang → why, e.g. "source changed", or null).
The CAT editor's marks (issue 19) ride along for the exporters and the page's CAT operations, outside `to_dict()`
(whose shape stays as documented): each unit's `dismissed` flags and whether its text was `propagated` from a
repeated segment, and the article's `comments`.

An output's `Provenance`, its `ModelConfidence` and `PivotLink` are the types of `workbench.provenance`, the one
type that writes provenance (at a run) and reads it back (here).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..provenance import JSON, ModelConfidence, Provenance
from ..units import UnitRef
from .comments import Comment, Dismissal

UnitState = Literal["machine", "edited", "reviewed", "approved"]
Match = Literal["machine", "memory", "human"]  # where the current text came from: a model, a 100 % memory match, a person


@dataclass(frozen=True, slots=True)
class Claim:
    """A number, name or quotation of a summary, where it is, and the segments of the article it comes from
    (none: the article does not support it)."""

    kind: str  # number | name | quote
    text: str  # a number's value ("7591" for "7,591"), a name or quotation as written
    start: int
    end: int
    segments: tuple[str, ...]

    @property
    def supported(self) -> bool:
        return bool(self.segments)

    def to_dict(self) -> JSON:
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end,
                "segments": list(self.segments), "supported": self.supported}


@dataclass(frozen=True, slots=True)
class MachineOutput:
    """The latest model (or translation-memory) output of a unit."""

    id: int
    text: str
    flags: tuple[str, ...]  # flags recorded when it was made (e.g. meaningless_model)
    provenance: Provenance
    created: str
    input_text: str = ""  # what the model was given (for a pivot route: the pivot language's text); not in to_dict

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> MachineOutput:
        """From a `Store.latest_machine_outputs` record."""
        return cls(record["id"], record["text"], tuple(record["flags"]), Provenance(record["provenance"]),
                   record["created"], record.get("input_text", ""))

    def to_dict(self) -> JSON:
        return {"id": self.id, "text": self.text, "flags": list(self.flags), "provenance": self.provenance.to_dict(),
                "created": self.created}


@dataclass(frozen=True, slots=True)
class Unit:
    """A segment or the summary in one language, as the reviewer sees it: the current text (the latest revision)
    and its state, the flags of that text with their details, and the latest machine output."""

    ref: UnitRef
    text: str
    state: UnitState
    revision_id: int | None
    author: str | None
    origin: str | None  # machine, memory, human, revert, xliff; None without a revision
    updated: str | None
    edited: bool  # a person changed the machine's text
    reviewed: bool  # a person confirmed this text
    flags: tuple[str, ...]
    qa: tuple[str, ...]  # human-readable details of the flags
    confidence: ModelConfidence | None  # the model's, while the text is still the machine's
    machine: MachineOutput | None
    match: Match = "machine"  # machine or memory while the text is the machine output's, else human
    blocking: tuple[str, ...] = ()  # the flags that block approval (stale_pivot is only a warning once reviewed)
    dismissed: tuple[Dismissal, ...] = ()  # flags dismissed as false positives on this text (not in `flags`)
    propagated: bool = False  # the text was given from a repeated segment (review.propagation)
    claims: tuple[Claim, ...] = ()  # a summary's numbers, names and quotations traced to the article's segments

    @property
    def touched(self) -> bool:
        """A person (or an import of a person's work) made the current text."""
        return self.origin not in (None, "machine")

    def text_of(self, source: str = "current") -> str:
        """The current text, or the raw machine output when `source` is "machine" (and there is one)."""
        return self.machine.text if source == "machine" and self.machine else self.text

    def to_dict(self) -> JSON:
        return {"machine": self.machine.to_dict() if self.machine else None, "text": self.text,
                "revision_id": self.revision_id, "author": self.author, "origin": self.origin, "updated": self.updated,
                "edited": self.edited, "reviewed": self.reviewed, "flags": list(self.flags), "qa": list(self.qa),
                "confidence": self.confidence.to_dict() if self.confidence else None, "state": self.state,
                "match": self.match, "blocking": list(self.blocking),
                **({"claims": [c.to_dict() for c in self.claims]} if self.ref.segment_id is None else {})}


@dataclass(frozen=True, slots=True)
class SegmentRow:
    """One segment: its place in the article, its Arabic source, and its unit in each language (None: no text yet)."""

    id: str
    position: int
    paragraph: int
    kind: str  # title, heading, body or meta (meta lines are shown, never translated)
    role: str | None
    source_text: str
    start: int
    end: int
    targets: Mapping[str, Unit | None]
    number: int | None = None  # the grid's number: translatable rows counted from 1, meta lines not counted

    @property
    def translatable(self) -> bool:
        return self.kind != "meta"

    def unit(self, lang: str) -> Unit | None:
        return self.targets.get(lang)

    def to_dict(self) -> JSON:
        return {"id": self.id, "position": self.position, "paragraph": self.paragraph, "kind": self.kind,
                "role": self.role, "source_text": self.source_text, "start": self.start, "end": self.end,
                "targets": {lang: unit.to_dict() if unit else None for lang, unit in self.targets.items()},
                "number": self.number}


@dataclass(frozen=True, slots=True)
class LanguageProgress:
    """Translatable segments of one language: with text (`done`), in all, and confirmed by a person."""

    done: int
    total: int
    reviewed: int

    def to_dict(self) -> JSON:
        return {"done": self.done, "total": self.total, "reviewed": self.reviewed}


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What the import read about the article (title, date, source, …) and from where."""

    id: str
    title: str | None
    label: str  # the title, or the first words of the body
    date: str | None
    date_raw: str | None
    source: str | None
    source_raw: str | None
    photo_credit: str | None
    publisher: str | None
    url: str | None
    source_file: str | None  # "source_file", not "path": gradio_client would take the dict for a file
    encoding: str
    warnings: tuple[str, ...]
    content_hash: str

    def to_dict(self) -> JSON:
        return {"id": self.id, "title": self.title, "label": self.label, "date": self.date, "date_raw": self.date_raw,
                "source": self.source, "source_raw": self.source_raw, "photo_credit": self.photo_credit,
                "publisher": self.publisher, "url": self.url, "source_file": self.source_file,
                "encoding": self.encoding, "warnings": list(self.warnings), "content_hash": self.content_hash}


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article with its metadata, per-language status and progress, summaries and segments."""

    meta: ArticleMeta
    status: Mapping[str, str]  # lang → new, machine, in_review or approved
    progress: Mapping[str, LanguageProgress]
    meaningless: bool  # some output was made by tiny random-weight models
    summaries: Mapping[str, Unit | None]
    segments: tuple[SegmentRow, ...]
    status_override: Mapping[str, str | None] = field(default_factory=dict)  # lang → the reason of an override approval
    status_reopened: Mapping[str, str | None] = field(default_factory=dict)  # lang → why it is to be reviewed again
    comments: tuple[Comment, ...] = ()  # every comment of the article, oldest first (review.comments)

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def translatable(self) -> list[SegmentRow]:
        """The segments that are translated (every kind but meta), in order."""
        return [s for s in self.segments if s.translatable]

    def row(self, segment_id: str) -> SegmentRow:
        """The segment row with this id (KeyError when the article has none)."""
        for row in self.segments:
            if row.id == segment_id:
                return row
        raise KeyError(segment_id)

    def unit(self, ref: UnitRef) -> Unit | None:
        """The unit `ref` names: the language's summary, or a segment's unit (None: no text yet)."""
        if ref.segment_id is None:
            return self.summaries.get(ref.lang)
        return self.row(ref.segment_id).unit(ref.lang)

    def units(self, lang: str) -> Iterator[tuple[SegmentRow, Unit | None]]:
        """Each translatable segment with its unit in `lang`."""
        return ((s, s.unit(lang)) for s in self.segments if s.translatable)

    def to_dict(self) -> JSON:
        return {**self.meta.to_dict(), "status": dict(self.status),
                "progress": {lang: p.to_dict() for lang, p in self.progress.items()}, "meaningless": self.meaningless,
                "summaries": {lang: unit.to_dict() if unit else None for lang, unit in self.summaries.items()},
                "segments": [row.to_dict() for row in self.segments],
                "status_override": dict(self.status_override), "status_reopened": dict(self.status_reopened)}


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """One row of the article list: id, label, title, date, source, photo credit, segment counts, status."""

    id: str
    title: str | None
    label: str
    date: str | None  # the normalised date, or the raw one
    source: str | None
    photo_credit: str | None
    segments: int
    body_segments: int
    translatable_segments: int  # title, headings and body: what is translated and reviewed (import and status count these)
    status: Mapping[str, str]
    status_override: Mapping[str, str | None] = field(default_factory=dict)  # lang → the reason of an override approval
    status_reopened: Mapping[str, str | None] = field(default_factory=dict)  # lang → why it is to be reviewed again

    def to_dict(self) -> JSON:
        return {"id": self.id, "title": self.title, "label": self.label, "date": self.date, "source": self.source,
                "photo_credit": self.photo_credit, "segments": self.segments, "body_segments": self.body_segments,
                "translatable_segments": self.translatable_segments, "status": dict(self.status), "status_override": dict(self.status_override),
                "status_reopened": dict(self.status_reopened)}
