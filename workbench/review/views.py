"""Read-side views of the store: an article with its segments, outputs, revisions and flags, as the typed read
model (`review.model`).

The CLI (`show --json`), the Python API, the UI and the exporters all read articles through here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..languages import TARGETS
from ..store import Store
from ..store import comments as cat_records
from ..text.articles import label_for, rebuild
from ..units import UnitRef
from . import ledger
from .comments import DismissalIndex, article_comments, dismissal_index, dismissed_flags
from .confidence import is_low, unit_confidence
from .glossary import Glossary, Term
from .model import ArticleMeta, ArticleSummary, ArticleView, LanguageProgress, MachineOutput, Match, SegmentRow, Unit
from .names import NameBook
from .qa import MODEL_FLAGS, review, unique
from .states import blocking, pivot_is_stale, unit_state
from .summary_checks import check_summary, trace_claims

Record = Mapping[str, Any]  # a row the store returned
Units = Mapping[tuple[str, str | None, str], dict[str, Any]]  # the store's records by (target, segment id, lang)
Checks = Mapping[tuple[str, str], Mapping[str, Any]]  # Store.pivot_checks: the latest per (segment id, lang)


def match_of(machine: MachineOutput | None, edited: bool) -> Match:
    """Where a unit's current text came from: a person (`human`), or, while it is the machine output's text, the
    translation memory (a 100 % match pre-filled at translation: `memory`) or a model (`machine`)."""
    if edited or machine is None:
        return "human"
    return "memory" if machine.provenance.get("memory") else "machine"


def _unit(ref: UnitRef, machine_record: Record | None, current: Record | None, approved: bool) -> Unit | None:
    """The unit from its latest machine output and its current revision (None when it has neither), with the
    machine output's own flags until the current text is checked."""
    if machine_record is None and current is None:
        return None
    machine = MachineOutput.from_record(machine_record) if machine_record is not None else None
    edited = bool(current and current["origin"] != "machine" and (machine is None or current["text"] != machine.text))
    reviewed = bool(current and current.get("reviewed"))
    text = current["text"] if current else machine.text if machine else ""
    return Unit(ref=ref, text=text, state=unit_state(reviewed, edited, approved),
                revision_id=current["id"] if current else None, author=current["author"] if current else None,
                origin=current["origin"] if current else None, updated=current["created"] if current else None,
                edited=edited, reviewed=reviewed, flags=machine.flags if machine else (), qa=(),
                confidence=unit_confidence(machine, edited), machine=machine, match=match_of(machine, edited))


def _checked(unit: Unit, flags: list[str], details: list[str]) -> Unit:
    """The unit with the flags of its current text, plus the model-level marks while the text is the machine's."""
    if unit.machine and not unit.edited:
        flags.extend(f for f in unit.machine.flags if f in MODEL_FLAGS)
        llm = unit.machine.provenance.get("llm") or {}
        details.extend(f"model answer: {note}" for note in llm.get("notes") or [])  # LLM_FLAGS' reasons, plainly
    if is_low(unit.confidence):
        flags.append("low_confidence")
    return replace(unit, flags=tuple(unique(flags)), qa=tuple(details))


def _stale_pivot(unit: Unit, current: Units, checks: Checks) -> Unit:
    """A unit made from another language's text gets `stale_pivot` when that text changed since the unit's text
    was made: since the machine made it, or since a person last wrote it or said it is still correct."""
    pivot = unit.machine.provenance.pivot if unit.machine else None
    if pivot is None or unit.machine is None or unit.ref.segment_id is None or pivot.via == unit.ref.lang:
        return unit
    via = current.get(("segment", unit.ref.segment_id, pivot.via))
    if pivot_is_stale(via["text"] if via else None, unit.machine.input_text, pivot.input_revision_id,
                      checks.get((unit.ref.segment_id, unit.ref.lang))):
        return replace(unit, flags=(*unit.flags, "stale_pivot"))
    return unit


@dataclass(frozen=True)
class Marks:
    """The CAT editor's records that change how units read: dismissed flags, propagated revisions."""

    dismissals: DismissalIndex = field(default_factory=dict)
    propagated: frozenset[int] = frozenset()


def _finished(unit: Unit, marks: Marks) -> Unit:
    """The unit without the flags dismissed on its text, with the flags that block its approval."""
    dismissed = dismissed_flags(marks.dismissals, unit.ref, unit.text, unit.flags)
    gone = {d.flag for d in dismissed}
    flags = tuple(f for f in unit.flags if f not in gone)
    return replace(unit, flags=flags, blocking=tuple(blocking(flags, unit.reviewed)), dismissed=dismissed,
                   propagated=unit.revision_id in marks.propagated)


def _row(article_id: str, seg: Record, langs: Sequence[str], units: tuple[Units, Units, Checks],
         approved: set[str], glossary: Glossary | None, number: int | None, marks: Marks) -> SegmentRow:
    """One segment with each language's unit, flagged by the QA checks against the Arabic source."""
    machine, current, checks = units
    terms: list[Term] | None = glossary.find(seg["source_text"]) if glossary is not None and seg["kind"] != "meta" else None
    targets: dict[str, Unit | None] = {}
    for lang in langs:
        key = ("segment", seg["id"], lang)
        unit = _unit(UnitRef(article_id, seg["id"], lang), machine.get(key), current.get(key), lang in approved)
        if unit:
            unit = _checked(unit, *review(seg["source_text"], unit.text, "ar", lang, glossary, terms))
            unit = _finished(_stale_pivot(unit, current, checks), marks)
        targets[lang] = unit
    return SegmentRow(seg["id"], seg["position"], seg["paragraph"], seg["kind"], seg["role"], seg["source_text"],
                      seg["start"], seg["end"], targets, number)


@dataclass(frozen=True)
class Article:
    """What a summary is checked against: the article's translatable rows, their Arabic joined back into paragraphs
    (`source`), and the names the checks know (the ledger's and the glossary's, read once per view)."""

    rows: Sequence[SegmentRow]
    source: str
    glossary: Glossary | None
    book: NameBook


def _summary(unit: Unit, article: Article, marks: Marks) -> Unit:
    """A summary unit with the claims of its current text traced to the article's segments, flagged by the summary
    checks (a claim no segment supports among them)."""
    claims = trace_claims([(r.id, r.source_text) for r in article.rows], unit.text, unit.ref.lang, article.book)
    unsupported = [c for c in claims if not c.supported]
    checked = _checked(unit, *check_summary(article.source, unit.text, unit.ref.lang, article.glossary, unsupported))
    return _finished(replace(checked, claims=tuple(claims)), marks)


def _summaries(article_id: str, langs: Sequence[str], machine: Units, current: Units, approved: set[str],
               article: Article, marks: Marks) -> dict[str, Unit | None]:
    """Each language's summary unit, flagged by the summary checks on its current text."""
    out: dict[str, Unit | None] = {}
    for lang in langs:
        key = ("summary", None, lang)
        unit = _unit(UnitRef(article_id, None, lang), machine.get(key), current.get(key), lang in approved)
        out[lang] = _summary(unit, article, marks) if unit else None
    return out


def _meta(article: Record) -> ArticleMeta:
    return ArticleMeta(
        id=article["id"], title=article["title"], label=label_for(article["title"], article["cleaned_text"]),
        date=article["date"], date_raw=article["date_raw"], source=article["source"],
        source_raw=article["source_raw"], photo_credit=article["photo_credit"], publisher=article["publisher"],
        url=article["url"], source_file=article["path"], encoding=article["encoding"],
        warnings=tuple(article["warnings"]), content_hash=article["content_hash"])


def _progress(rows: list[SegmentRow], lang: str) -> LanguageProgress:
    units = [r.unit(lang) for r in rows if r.translatable]
    return LanguageProgress(done=sum(1 for u in units if u), total=len(units),
                            reviewed=sum(1 for u in units if u and u.reviewed))


def article_view(store: Store, article_id: str, langs: tuple[str, ...] = TARGETS,
                 glossary: Glossary | None = None) -> ArticleView:
    """Metadata, per-language status and summaries, and every segment with its source and each language's
    machine output (with provenance and flags) and current text (with revision id)."""
    article = store.article(article_id)
    machine = store.latest_machine_outputs(article_id)
    current = store.current_revisions(article_id)
    statuses, overrides = store.statuses(article_id), store.status_overrides(article_id)
    reopened = store.review_notes(article_id)
    approved = {lang for lang in langs if statuses.get(lang) == "approved"}
    segments, units = store.segments(article_id), (machine, current, store.pivot_checks(article_id))
    numbers = _numbers(segments)
    marks = Marks(dismissal_index(store, article_id), frozenset(cat_records.propagated(store, article_id)))
    rows = [_row(article_id, seg, langs, units, approved, glossary, numbers.get(seg["id"]), marks) for seg in segments]
    translatable = [r for r in rows if r.translatable]
    checked = Article(translatable, _rebuild(translatable), glossary, ledger.read_book(store, glossary))
    summaries = _summaries(article_id, langs, machine, current, approved, checked, marks)
    every = [u for r in rows for u in r.targets.values()] + list(summaries.values())
    return ArticleView(meta=_meta(article), status={lang: statuses.get(lang, "new") for lang in langs},
                       progress={lang: _progress(rows, lang) for lang in langs},
                       meaningless=any(u.machine.provenance.meaningless for u in every if u and u.machine),
                       summaries=summaries, segments=tuple(rows),
                       status_override={lang: overrides.get(lang) for lang in langs},
                       status_reopened={lang: reopened.get((article_id, lang)) for lang in langs},
                       comments=tuple(article_comments(store, article_id)))


def _numbers(segments: Sequence[Record]) -> dict[str, int]:
    """The grid's number of each translatable segment: 1, 2, … in order, meta lines not counted."""
    translatable = [s["id"] for s in segments if s["kind"] != "meta"]
    return {seg_id: number for number, seg_id in enumerate(translatable, 1)}


def _rebuild(rows: Sequence[SegmentRow], texts: list[str] | None = None) -> str:
    """The rows' texts (their Arabic, or `texts`) joined back into paragraphs."""
    return rebuild([{"paragraph": r.paragraph, "source_text": r.source_text} for r in rows], texts)


def unit_text(unit: Unit | None, source: str = "current") -> str:
    """A unit's current text, or its raw machine output when `source` is "machine" (and there is one)."""
    return "" if unit is None else unit.text_of(source)


def translation_text(view: ArticleView, lang: str, *, source: str = "current", include_meta: bool = False) -> str:
    """The full translation rebuilt from segments in order ("current" text or raw "machine" output)."""
    rows = [r for r in view.segments if include_meta or r.translatable]
    texts = [r.source_text if r.unit(lang) is None and not r.translatable else unit_text(r.unit(lang), source)
             for r in rows]
    return _rebuild(rows, texts)


def list_view(store: Store, langs: tuple[str, ...] = TARGETS) -> list[ArticleSummary]:
    """One row per article: id, label, title, date, source, photo credit, segment counts, status per language."""
    return [ArticleSummary(id=item["id"], title=item["title"], label=label_for(item["title"], item["label_text"]),
                           date=item["date"] or item["date_raw"], source=item["source"],
                           photo_credit=item["photo_credit"], segments=item["segments"] or 0,
                           body_segments=item["body_segments"] or 0,
                           translatable_segments=item["translatable_segments"] or 0,
                           status={lang: item["status"].get(lang, "new") for lang in langs},
                           status_override={lang: item["override"].get(lang) for lang in langs},
                           status_reopened={lang: item["reopened"].get(lang) for lang in langs})
            for item in store.list_articles()]
