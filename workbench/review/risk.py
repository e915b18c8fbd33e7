"""The review queue's order: one risk score per segment translation and per article, from every signal the
workbench has (the model's confidence, QA and fact-check flags, names the ledger has not confirmed, how short the
translation is for its learned length ratio, how long the article has waited and how near its deadline is), each
part with the reason it adds, so the reviewer sees why a row ranks where it does.

The weights are a `RiskWeights` object, shown with the queue; a fact error outranks any confidence difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .facts import Flag
from .names import NameBook, new_names

FACT_WEIGHTS = {"number": 3.0, "name": 3.0, "quote": 3.0, "language": 4.0, "omission": 2.5, "addition": 2.0,
                "cross_language": 2.0}


@dataclass(frozen=True)
class RiskWeights:
    """How much each signal adds to a segment's risk."""

    facts: dict[str, float] = field(default_factory=lambda: dict(FACT_WEIGHTS))
    qa_flag: float = 1.0  # each stored QA flag (glossary, repetition, bidi_control …)
    confidence: float = 2.0  # times (1 - the model's confidence); unknown confidence counts as 0.5
    new_entity: float = 1.5  # each name of the source the ledger has not confirmed
    shortness: float = 0.5  # per standard deviation below the learned length ratio, past the first
    waiting_per_hour: float = 0.05  # an article's risk grows while it waits …
    waiting_cap: float = 2.0  # … up to this
    deadline: float = 3.0  # past the deadline; this divided by (1 + hours left) before it

    def to_dict(self) -> dict[str, Any]:
        return {"facts": self.facts, "qa_flag": self.qa_flag, "confidence": self.confidence,
                "new_entity": self.new_entity, "shortness": self.shortness, "waiting_per_hour": self.waiting_per_hour,
                "waiting_cap": self.waiting_cap, "deadline": self.deadline}


@dataclass(frozen=True)
class SegmentSignals:
    """What is known about one segment translation."""

    article_id: str
    segment_id: str
    lang: str
    text: str
    confidence: float | None  # the model's (None: unknown, or a person wrote the text)
    facts: Sequence[Flag] = ()
    qa_flags: Sequence[str] = ()
    new_entities: Sequence[str] = ()
    length_z: float | None = None  # the translation's length against the learned ratio, in sd


@dataclass(frozen=True)
class Risk:
    """A score and the reasons that make it up, largest first."""

    score: float
    reasons: tuple[str, ...]


def segment_risk(signals: SegmentSignals, weights: RiskWeights | None = None) -> Risk:
    """The risk of one segment translation and why."""
    w = weights or RiskWeights()
    parts: list[tuple[float, str]] = []
    for kind in dict.fromkeys(f.kind for f in signals.facts):
        reason = next(f.reason for f in signals.facts if f.kind == kind)
        parts.append((w.facts.get(kind, 1.0), f"{kind}: {reason}"))
    parts += [(w.qa_flag, f"QA flag {flag}") for flag in dict.fromkeys(signals.qa_flags)]
    if signals.confidence is None:
        parts.append((w.confidence * 0.5, "model confidence unknown"))
    else:
        parts.append((w.confidence * (1 - signals.confidence), f"model confidence {signals.confidence:.0%}"))
    parts += [(w.new_entity, f"name not confirmed in the ledger: {name}") for name in signals.new_entities]
    if signals.length_z is not None and signals.length_z < -1:
        parts.append((w.shortness * (-signals.length_z - 1), f"shorter than usual ({signals.length_z:+.1f} sd)"))
    return _risk(parts)


def _risk(parts: Iterable[tuple[float, str]]) -> Risk:
    kept = sorted(((round(p, 2), r) for p, r in parts if p > 0), key=lambda pr: -pr[0])
    return Risk(round(sum(p for p, _ in kept), 2), tuple(f"+{p:.2f} {r}" for p, r in kept))


def urgency(arrived: str | None, now: datetime, deadline: datetime | None, weights: RiskWeights | None = None) -> Risk:
    """What an article's waiting time and deadline add."""
    w = weights or RiskWeights()
    parts: list[tuple[float, str]] = []
    if arrived:
        try:
            at = datetime.fromisoformat(arrived)
            at = at if at.tzinfo else at.replace(tzinfo=UTC)  # the store writes UTC
            hours = max(0.0, (now - at).total_seconds() / 3600)
        except (ValueError, TypeError):
            hours = 0.0
        parts.append((min(w.waiting_cap, w.waiting_per_hour * hours), f"waiting {hours:.0f} h"))
    if deadline is not None:
        left = (deadline - now).total_seconds() / 3600
        parts.append((w.deadline if left <= 0 else w.deadline / (1 + left),
                      "past its deadline" if left <= 0 else f"deadline in {left:.1f} h"))
    return _risk(parts)


@dataclass(frozen=True)
class QueueRow:
    """One row of the review queue: a segment translation, its article's risk and its own, and why."""

    article_id: str
    segment_id: str
    lang: str
    score: float
    article_score: float
    reasons: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "segment_id": self.segment_id, "lang": self.lang, "score": self.score,
                "article_score": self.article_score, "reasons": list(self.reasons), "text": self.text}


def rank(segments: Iterable[SegmentSignals], urgencies: dict[str, Risk] | None = None,
         weights: RiskWeights | None = None) -> list[QueueRow]:
    """The queue: each segment's risk plus its article's urgency; an article's score is its riskiest segment's.
    Riskiest first (then article and segment order, so equal scores keep the reading order)."""
    urgencies = urgencies or {}
    scored = [(s, segment_risk(s, weights)) for s in segments]
    best: dict[str, float] = {}
    for s, risk in scored:
        best[s.article_id] = max(best.get(s.article_id, 0.0), risk.score)
    rows = []
    for s, risk in scored:
        extra = urgencies.get(s.article_id, Risk(0.0, ()))
        rows.append(QueueRow(s.article_id, s.segment_id, s.lang, round(risk.score + extra.score, 2),
                             round(best[s.article_id] + extra.score, 2), risk.reasons + extra.reasons, s.text))
    return sorted(rows, key=lambda r: -r.score)


TOP_REASONS = 3  # the reasons an arrival's webhook carries


def arrival_risk(texts: Iterable[str], book: NameBook, weights: RiskWeights | None = None) -> Risk:
    """An article's risk as it arrives, untranslated (its segments' Arabic `texts`): its riskiest segment's, from
    the names the ledger has not confirmed, the one signal known before a translation (`queue` ranks the article
    again once it is translated); at most TOP_REASONS reasons."""
    w = weights or RiskWeights()
    best = Risk(0.0, ())
    for text in texts:
        names = [m.text for m in book.in_source(text) if (e := book.get(m.key)) is not None and not e.confirmed]
        names = list(dict.fromkeys(names + [m.text for m in new_names(text, book)]))
        risk = _risk((w.new_entity, f"name not confirmed in the ledger: {name}") for name in names)
        if risk.score > best.score:
            best = risk
    return Risk(best.score, best.reasons[:TOP_REASONS])
