"""Repeated segments: after a person saves a segment, the other segments with the same Arabic are offered that
text (in the article, and on request in the whole corpus), as MateCat and Trados propagate repetitions.

- The same Arabic: the source texts are equal once runs of whitespace are one space (`source_key`).
- Only a text no person made is ever replaced: a unit with no text, a machine or memory text, or an earlier
  propagated text nobody has confirmed since (`open_to_propagation`). A reviewed text, a person's edit, an
  article language that is approved and a unit where the propagating reviewer has a draft are never touched.
- Each copy is one revision through the write path (`workflow.save`, typed on the revision the offer showed, so a
  save in between is a conflict and that unit is skipped), with state `edited` (a person still confirms it in
  context) and a propagation mark (`store.comments.mark_propagated`) naming the revision it was copied from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConflictError, WorkbenchError
from ..store import PERSON_ORIGINS, Store, reads
from ..store import comments as records
from ..units import UnitRef
from . import workflow
from .model import ArticleView, SegmentRow, Unit

MAX_TARGETS = 500  # units one propagation may write
MAX_CORPUS_ARTICLES = 200  # articles a corpus-wide offer looks into


class PropagationError(WorkbenchError):
    """A propagation that cannot start (the saved text changed since, it is not a person's, …)."""


def source_key(text: str) -> str:
    """What two sources must share to be the same Arabic: the text with runs of whitespace as one space."""
    return " ".join(text.split())


def open_to_propagation(unit: Unit | None) -> bool:
    """Whether a unit's text may be replaced by a propagated one: nobody confirmed it, and no person wrote it
    for this segment (no text, a machine's or the memory's, or an unconfirmed earlier propagation)."""
    if unit is None:
        return True
    if unit.reviewed:
        return False
    return unit.origin in (None, "machine", "memory") or unit.propagated


@dataclass(frozen=True)
class Candidate:
    """A unit that could be given the propagated text: where it is, the revision the offer saw, its text now."""

    article_id: str
    segment_id: str
    number: int | None
    revision_id: int | None
    text: str
    state: str

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "unit": self.segment_id, "number": self.number,
                "revision_id": self.revision_id, "text": self.text, "state": self.state}


def candidates_in(view: ArticleView, lang: str, source: str, text: str, *, skip: str | None = None,
                  drafts: frozenset[str] = frozenset()) -> list[Candidate]:
    """The units of `view` in `lang` with the same Arabic as `source` that are open to propagation and do not
    already hold `text` (`skip`: the segment the text comes from; `drafts`: units where the reviewer has a draft)."""
    if view.status.get(lang) == "approved":
        return []
    key = source_key(source)
    out = []
    for row in view.translatable:
        unit = row.unit(lang)
        if row.id == skip or row.id in drafts or source_key(row.source_text) != key:
            continue
        if open_to_propagation(unit) and (unit is None or unit.text != text):
            out.append(_candidate(view.id, row, unit))
    return out


def _candidate(article_id: str, row: SegmentRow, unit: Unit | None) -> Candidate:
    return Candidate(article_id, row.id, row.number, unit.revision_id if unit else None, unit.text if unit else "",
                     unit.state if unit else "untranslated")


def corpus_articles(store: Store, source: str, exclude: str) -> list[str]:
    """Other articles with a segment whose Arabic is `source` (the first MAX_CORPUS_ARTICLES by id)."""
    return reads.articles_with_source(store, source, exclude, MAX_CORPUS_ARTICLES)


def origin_text(store: Store, ref: UnitRef, revision_id: int) -> tuple[str, str]:
    """(source, text) of the saved revision to propagate: it must be the unit's current revision and a person's."""
    if ref.segment_id is None:
        raise PropagationError("a summary has no repetitions")
    current = store.latest_revision(ref.article_id, ref.target, ref.segment_id, ref.lang)
    if current is None or current["id"] != revision_id:
        raise PropagationError(f"revision {revision_id} is no longer this segment's text; open it and save again")
    if current["origin"] not in PERSON_ORIGINS:
        raise PropagationError("only a text a person saved is propagated (this one is the machine's)")
    if not current["text"].strip():
        raise PropagationError("an empty text is not propagated")
    return store.segment(ref.segment_id)["source_text"], current["text"]


@dataclass
class PropagationReport:
    """What a propagation did: the units given the text (with their new revision) and those left alone (why)."""

    given: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"given": self.given, "skipped": self.skipped}


Target = tuple[str, str, int | None]  # (article id, segment id, the revision the offer showed)


def propagate(store: Store, view_of: Callable[[str], ArticleView], ref: UnitRef, revision_id: int,
              targets: Sequence[Target], *, author: str, drafts_of: Callable[[str], frozenset[str]]) -> PropagationReport:
    """Give the text of `revision_id` (the unit's current, a person's) to `targets`, each still open to
    propagation, with the same Arabic and at the revision the offer showed; one revision each, marked propagated.
    `view_of`: an article's view (read before any write); `drafts_of`: the units where `author` has a draft."""
    if len(targets) > MAX_TARGETS:
        raise PropagationError(f"at most {MAX_TARGETS} segments at once (got {len(targets)})")
    source, text = origin_text(store, ref, revision_id)
    report = PropagationReport()
    checked = []
    views: dict[str, ArticleView] = {}
    for article_id, segment_id, base in dict.fromkeys(targets):
        view = views.get(article_id) or views.setdefault(article_id, view_of(article_id))
        open_units = {c.segment_id: c for c in candidates_in(view, ref.lang, source, text, skip=ref.segment_id,
                                                           drafts=drafts_of(article_id))}
        found = open_units.get(segment_id)
        why = _refusal(found, base)
        if why or found is None:
            report.skipped.append({"article_id": article_id, "unit": segment_id, "why": why})
        else:
            checked.append((article_id, segment_id, base, found))
    for article_id, segment_id, base, found in checked:
        _give(store, UnitRef(article_id, segment_id, ref.lang), text, base, revision_id, author, found, report)
    return report


def _refusal(found: Candidate | None, base: int | None) -> str | None:
    if found is None:
        return "not the same Arabic, or its text is a person's, approved, already this text, or your draft"
    if found.revision_id != base:
        return f"its text changed since the offer (now revision {found.revision_id})"
    return None


def _give(store: Store, ref: UnitRef, text: str, base: int | None, from_revision: int, author: str,
          found: Candidate, report: PropagationReport) -> None:
    """One copy: a revision through the write path and its propagation mark, in one transaction."""
    try:
        with store.transaction():
            recorded = workflow.save(store, ref, text, author=author, base_revision_id=base, reviewed=False)
            records.mark_propagated(store, recorded.revision_id, from_revision, ref.article_id, author)
    except ConflictError as exc:
        report.skipped.append({"article_id": ref.article_id, "unit": ref.unit,
                               "why": f"{exc.current_author or 'someone'} saved it meanwhile"})
        return
    report.given.append({"article_id": ref.article_id, "unit": ref.unit, "number": found.number,
                         "revision_id": recorded.revision_id})
