"""`workbench queue`: every unreviewed segment translation of the archive, riskiest first, each with why.

The fact checks run on each translation (against the other language's when there is one), with the names of the
entity ledger and length ratios learned from the archive's reviewed text (the prior until there is some); the
risk of each is `review.risk`'s."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ..languages import TARGETS
from ..review import ledger
from ..review.facts import Flag, LengthModel, Thresholds, check, length_scores, quote_flags
from ..review.glossary import load as load_glossary
from ..review.model import ArticleView, SegmentRow
from ..review.names import NameBook, new_names
from ..review.qa import FlaggedUnit, QaReport
from ..review.risk import QueueRow, RiskWeights, SegmentSignals, rank, urgency
from ..review.views import article_view
from ..store import Store, reads

OTHER = {"en": "ru", "ru": "en"}


def learned_thresholds(views: Sequence[ArticleView], base: Thresholds | None = None) -> Thresholds:
    """The length models updated with the reviewed translations of `views` (Arabic → each language, and English
    against Russian where both are reviewed)."""
    base = base or Thresholds()
    ratios: dict[tuple[str, str], list[float]] = {}
    for view in views:
        for seg in view.translatable:
            done = {lang: u.text for lang in TARGETS if (u := seg.unit(lang)) and u.reviewed and u.text.strip()}
            for lang, text in done.items():
                if len(seg.source_text) >= 25:
                    ratios.setdefault(("ar", lang), []).append(len(text) / len(seg.source_text))
            if "en" in done and "ru" in done:
                ratios.setdefault(("en", "ru"), []).append(len(done["ru"]) / len(done["en"]))
                ratios.setdefault(("ru", "en"), []).append(len(done["en"]) / len(done["ru"]))
    learned: dict[tuple[str, str], LengthModel] = {pair: base.lengths[pair].learned(values)
                                                   for pair, values in ratios.items() if pair in base.lengths}
    return base.with_lengths(learned)


def stored_thresholds(store: Store, views: Sequence[ArticleView]) -> Thresholds:
    """The thresholds learned from the reviewed text of `views`, kept in the store (when it can be written) so the
    limits in use are on record."""
    from ..store.entities import save_length_models

    thresholds = learned_thresholds(views)
    if not store.read_only:
        save_length_models(store, {f"{a}-{b}": (m.mean, m.sd, m.n) for (a, b), m in thresholds.lengths.items()})
    return thresholds


def paragraph_facts(view: ArticleView, lang: str, book: NameBook) -> dict[str, list[Flag]]:
    """Quotation checks over whole paragraphs (a quotation often runs over several sentence segments, where a
    segment alone shows no complete quotation), given to the paragraph's first segment; only paragraphs of more
    than one segment whose every segment has a translation in `lang`."""
    paragraphs: dict[int, list[Any]] = {}
    for seg in view.translatable:
        paragraphs.setdefault(seg.paragraph, []).append(seg)
    out: dict[str, list[Flag]] = {}
    for segs in paragraphs.values():
        units = [seg.unit(lang) for seg in segs]
        if len(segs) < 2 or not all(u is not None and u.text.strip() for u in units):
            continue
        source = " ".join(seg.source_text for seg in segs)
        target = " ".join(u.text for u in units if u is not None)
        found = [replace(f, reason="in this paragraph: " + f.reason, start=-1, end=-1, source_start=-1, source_end=-1)
                 for f in quote_flags(source, target, lang, book)]
        if found:
            out[segs[0].id] = found
    return out


def _signals(view: ArticleView, langs: Sequence[str], book: NameBook, thresholds: Thresholds) -> Iterator[SegmentSignals]:
    by_paragraph = {lang: paragraph_facts(view, lang, book) for lang in langs}
    for seg in view.translatable:
        for lang in langs:
            unit = seg.unit(lang)
            if unit is None or unit.reviewed or not unit.text.strip() or view.status.get(lang) == "approved":
                continue
            yield unit_signals(view, seg, lang, book, thresholds, by_paragraph[lang].get(seg.id, []))


def unit_signals(view: ArticleView, seg: SegmentRow, lang: str, book: NameBook, thresholds: Thresholds,
                 paragraph: Sequence[Flag] = ()) -> SegmentSignals:
    """What is known about the translation of `seg` into `lang` (its fact checks, with `paragraph`'s added)."""
    unit = seg.unit(lang)
    text = unit.text if unit is not None else ""
    other_unit = seg.unit(OTHER[lang]) if lang in OTHER else None
    other = other_unit.text if other_unit and other_unit.text.strip() else None
    facts = check(seg.source_text, text, lang, other, book=book, thresholds=thresholds) + list(paragraph)
    confidence = unit.confidence.score if unit is not None and unit.confidence is not None and not unit.edited else None
    new = [m.text for m in book.in_source(seg.source_text) if (e := book.get(m.key)) is not None and not e.confirmed]
    new += [m.text for m in new_names(seg.source_text, book)]
    scores = length_scores(seg.source_text, text, lang, other, OTHER.get(lang), thresholds) if text.strip() else {}
    return SegmentSignals(view.id, seg.id, lang, text, confidence, tuple(facts),
                          tuple(f for f in (unit.flags if unit is not None else ()) if f not in ("low_confidence",)),
                          tuple(dict.fromkeys(new)), min(scores.values()) if scores else None)


@dataclass(frozen=True)
class Queue:
    """The rows riskiest first, the weights and the thresholds they were ranked with."""

    rows: tuple[QueueRow, ...]
    weights: RiskWeights
    thresholds: Thresholds

    def to_dict(self) -> dict[str, Any]:
        return {"rows": [r.to_dict() for r in self.rows], "weights": self.weights.to_dict(),
                "thresholds": self.thresholds.to_dict()}

    def lines(self) -> Iterator[str]:
        for n, row in enumerate(self.rows, start=1):
            yield f"{n:>3}. {row.score:5.2f}  {row.article_id} {row.segment_id} {row.lang}  (article {row.article_score:.2f})"
            yield from (f"        {reason}" for reason in row.reasons)
        yield f"{len(self.rows)} segment translations to review, riskiest first"


def review_queue(store: Store, langs: Sequence[str] = TARGETS, *, now: datetime | None = None,
                 deadline: datetime | None = None, weights: RiskWeights | None = None) -> Queue:
    """Every unreviewed segment translation in `langs`, riskiest first (see the module's docstring)."""
    now = now or datetime.now(UTC)
    glossary = load_glossary(store)
    book = ledger.book(store, glossary)
    articles = reads.arrivals(store)
    views = [article_view(store, article_id, tuple(TARGETS), glossary) for article_id in articles]
    thresholds = stored_thresholds(store, views)
    signals = [s for view in views for s in _signals(view, langs, book, thresholds)]
    urgencies = {article_id: urgency(imported, now, deadline, weights) for article_id, imported in articles.items()}
    return Queue(tuple(rank(signals, urgencies, weights)), weights or RiskWeights(), thresholds)


def qa_with_facts(store: Store, views: Sequence[ArticleView], langs: Sequence[str]) -> QaReport:
    """`workbench qa --facts`: every translation's QA flags with the fact checks' added (each with its reason)."""
    book = ledger.book(store, load_glossary(store))
    thresholds = stored_thresholds(store, views)
    rows = []
    for view in views:
        by_paragraph = {lang: paragraph_facts(view, lang, book) for lang in langs}
        for seg in view.translatable:
            for lang in langs:
                unit = seg.unit(lang)
                if unit is None or not unit.text.strip():
                    continue
                other_unit = seg.unit(OTHER[lang]) if lang in OTHER else None
                other = other_unit.text if other_unit and other_unit.text.strip() else None
                facts = check(seg.source_text, unit.text, lang, other, book=book, thresholds=thresholds)
                facts += by_paragraph[lang].get(seg.id, [])
                flags = tuple(dict.fromkeys([*unit.flags, *(f.kind for f in facts)]))
                if flags:
                    details = (*unit.qa, *(f"{f.kind}: {f.reason}" for f in facts))
                    rows.append(FlaggedUnit(view.id, seg.id, lang, flags, details, seg.source_text, unit.text))
    return QaReport(tuple(rows))
