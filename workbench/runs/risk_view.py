"""The risk of each translation of one article, for the editor: its score and the reasons (`review.risk`, the same
signals as `workbench queue`), its fact-check flags with their plain-words reasons, and the names of its Arabic with
the entity ledger's forms (what is wrong with each, and what one key can do about it: confirm the forms or put the
ledger's form in place of a misspelling).

The page uses the length models last learned and stored by `queue` (or the prior), so opening an article never
reads the whole archive."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..languages import TARGETS
from ..review import ledger
from ..review.facts import Flag, LengthModel, Thresholds
from ..review.glossary import Glossary
from ..review.model import ArticleView, SegmentRow
from ..review.names import NameBook, new_names
from ..review.risk import Risk, RiskWeights, SegmentSignals, segment_risk
from ..store import Store
from .queue import OTHER, paragraph_facts, unit_signals


@dataclass(frozen=True)
class NameCheck:
    """A name of a segment's Arabic (or a misspelling of a ledger name in its translation) with the ledger's forms:
    `problem` is "misspelled", "missing", "not confirmed", "not in the ledger" or "" (rendered as the ledger has
    it); `action` what one key does: "fix" (put `form` in place of `found`), "confirm" (the forms) or ""."""

    ar: str  # the entity's Arabic forms, | between (the ledger's row)
    en: str
    ru: str
    kind: str
    confirmed: bool
    problem: str
    found: str = ""  # the rendering in the translation, when it is misspelled
    form: str = ""  # the ledger's form in this language
    action: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"ar": self.ar, "en": self.en, "ru": self.ru, "kind": self.kind, "confirmed": self.confirmed,
                "problem": self.problem, "found": self.found, "form": self.form, "action": self.action}


@dataclass(frozen=True)
class UnitRisk:
    """One translation's risk, why, its fact flags and its names."""

    score: float
    reasons: tuple[str, ...]
    facts: tuple[Flag, ...] = ()
    names: tuple[NameCheck, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "reasons": list(self.reasons), "facts": [f.to_dict() for f in self.facts],
                "names": [n.to_dict() for n in self.names]}


def page_thresholds(store: Store) -> Thresholds:
    """The thresholds with the length models `queue` last stored (the prior where none is)."""
    from ..store.entities import length_models

    base = Thresholds()
    stored = {}
    for pair, (mean, sd, n, _) in length_models(store).items():
        a, _, b = pair.partition("-")
        if (a, b) in base.lengths:
            stored[(a, b)] = LengthModel(mean, sd, n)
    return base.with_lengths(stored)


def name_checks(source: str, target: str, lang: str, book: NameBook) -> list[NameCheck]:
    """The names of `source` and the misspelled ledger names of `target`, each once, the flagged ones first."""
    misspelled = {m.key: m.text for m in book.unknown_forms(target, lang)} if target.strip() else {}
    named = {m.key for m in book.in_target(target, lang)} if target.strip() else set()
    checks: dict[str, NameCheck] = {}
    for key in [*(m.key for m in book.in_source(source)), *misspelled]:
        entity = book.get(key)
        if entity is None or key in checks:
            continue
        form = entity.forms(lang)[0] if entity.forms(lang) else ""
        if key in misspelled and form:
            problem, action = "misspelled", "fix"
        elif not entity.confirmed:
            problem, action = "not confirmed", "confirm" if entity.en or entity.ru else ""
        elif form and target.strip() and key not in named:
            problem, action = "missing", ""
        else:
            problem, action = "", ""
        checks[key] = NameCheck("|".join(entity.ar), entity.en, entity.ru, entity.kind, entity.confirmed, problem,
                                misspelled.get(key, ""), form, action)
    for mention in new_names(source, book):
        checks.setdefault(mention.key, NameCheck(mention.text, "", "", "person", False, "not in the ledger"))
    return sorted(checks.values(), key=lambda c: not c.problem)


def fixed(target: str, lang: str, book: NameBook, ar: str) -> str:
    """`target` with every misspelling of the entity whose Arabic is `ar` replaced by the ledger's form (a Russian
    form in the nominative: the reviewer puts it in its case)."""
    key = ledger.key_of(ar)
    out, at = [], 0
    for mention in book.unknown_forms(target, lang):
        entity = book.get(mention.key)
        if entity is None or ledger.key_of("|".join(entity.ar)) != key or not entity.forms(lang):
            continue
        out += [target[at:mention.start], entity.forms(lang)[0]]
        at = mention.end
    return "".join(out) + target[at:]


def article_risk(store: Store, view: ArticleView, glossary: Glossary | None = None,
                 langs: Sequence[str] = TARGETS, weights: RiskWeights | None = None) -> dict[str, dict[str, UnitRisk]]:
    """Per language and segment id: the translation's risk and why (0 for a reviewed one, "reviewed"), its fact
    flags and names. A segment without a translation has none."""
    book = ledger.book(store, glossary)
    thresholds = page_thresholds(store)
    keys = (hash(tuple(book.entities)), repr(thresholds.to_dict()))
    out: dict[str, dict[str, UnitRisk]] = {}
    for lang in langs:
        paragraphs = paragraph_facts(view, lang, book)
        risks = out.setdefault(lang, {})
        for seg in view.translatable:
            unit = seg.unit(lang)
            if unit is None or not unit.text.strip():
                continue
            signals, names = _checked(view, seg, lang, book, thresholds, tuple(paragraphs.get(seg.id, [])), keys)
            done = unit.reviewed or view.status.get(lang) == "approved"
            risk = Risk(0.0, ("reviewed",)) if done else segment_risk(signals, weights)
            risks[seg.id] = UnitRisk(risk.score, risk.reasons, tuple(signals.facts), names)
    return out


_CHECKED: OrderedDict[tuple[Any, ...], tuple[SegmentSignals, tuple[NameCheck, ...]]] = OrderedDict()
_LOCK = threading.Lock()  # the server's requests run in threads
CHECKED_KEPT = 4096  # unit translations whose checks are kept: a save re-checks its own unit, not the article


def _checked(view: ArticleView, seg: SegmentRow, lang: str, book: NameBook, thresholds: Thresholds,
             paragraph: tuple[Flag, ...], keys: tuple[int, str]) -> tuple[SegmentSignals, tuple[NameCheck, ...]]:
    """A unit's signals and names, from what they are made of (kept: reopening an article after a save checks only
    what changed)."""
    unit, other = seg.unit(lang), seg.unit(OTHER.get(lang, ""))
    assert unit is not None
    confidence = unit.confidence.score if unit.confidence is not None else None
    key = (view.id, seg.id, lang, seg.source_text, unit.text, other.text if other else None, confidence, unit.edited,
           tuple(unit.flags), paragraph, keys)
    with _LOCK:
        found = _CHECKED.get(key)
    if found is None:
        found = (unit_signals(view, seg, lang, book, thresholds, paragraph),
                 tuple(name_checks(seg.source_text, unit.text, lang, book)))
        with _LOCK:
            _CHECKED[key] = found
            while len(_CHECKED) > CHECKED_KEPT:
                _CHECKED.popitem(last=False)
    return found
