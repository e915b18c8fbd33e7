"""Fact checks across Arabic, English and Russian: each finds what a fluent-looking translation can get wrong
without a reviewer noticing, and says so as a `Flag` with a plain-words reason and where to look.

- number: a number, date, percentage or amount of the Arabic (digits, Arabic-Indic digits, separators, ordinals,
  numbers in words) that the translation lacks or has changed;
- name: a person, place or organisation of the Arabic that the translation lacks (any Russian case counts), or a
  spelling of a ledger name that is not its form ("Tokaev" for Tokayev);
- quote: fewer quotations than the Arabic (dropped or merged), or one attributed to another speaker;
- omission / addition: the translation is shorter or longer than the learned length ratio allows (against the
  Arabic and, when there is one, against the other translation), or has fewer sentences than the Arabic;
- language: the translation is in another language (lingua-language-detector);
- cross_language: the English and the Russian of the same Arabic disagree on one of its numbers, names or
  quotations' speakers.

The thresholds are a `Thresholds` object: the length ratios learned from reviewed text (with a prior measured
on hand-made references) and one false-alarm rate they are cut at, shown with every report.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from statistics import NormalDist
from typing import Any

from . import numbers as nums
from .names import Mention, NameBook, name_book
from .quotes import Quote, source_quotes, target_quotes

KINDS = ("number", "name", "quote", "omission", "addition", "language", "cross_language")
LANG_NAMES = {"en": "English", "ru": "Russian", "ar": "Arabic"}
MIN_CHARS_FOR_LENGTH = 25
MIN_LETTERS_FOR_LANGUAGE = 20
_SENTENCE = re.compile(r"[.!?؟…](?=[\"»”']?\s+[\"«“„(]?[A-ZА-ЯЁ\u0621-\u064a]|[\"»”']?\s*$)")


@dataclass(frozen=True)
class Flag:
    """One finding: its kind, why in plain words, where in the translation (start, end; -1 when it is about
    something missing) and where in the Arabic it comes from."""

    kind: str
    reason: str
    start: int = -1
    end: int = -1
    source_start: int = -1
    source_end: int = -1

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason, "start": self.start, "end": self.end,
                "source_start": self.source_start, "source_end": self.source_end}


@dataclass(frozen=True)
class LengthModel:
    """The log of the character-length ratio translation/original: its mean and spread, and how many pairs
    (prior pseudo-pairs included) it rests on."""

    mean: float
    sd: float
    n: int

    def z(self, original: str, translation: str) -> float:
        return (math.log(max(len(translation), 1) / max(len(original), 1)) - self.mean) / self.sd

    def learned(self, ratios: list[float], prior_weight: int = 10) -> LengthModel:
        """This model as a prior worth `prior_weight` pairs, updated with observed length ratios."""
        if not ratios:
            return self
        logs = [math.log(r) for r in ratios if r > 0]
        n = prior_weight + len(logs)
        mean = (prior_weight * self.mean + sum(logs)) / n
        var = (prior_weight * (self.sd ** 2 + (self.mean - mean) ** 2) + sum((x - mean) ** 2 for x in logs)) / n
        return LengthModel(round(mean, 4), round(max(math.sqrt(var), 0.03), 4), self.n + len(logs))

    def to_dict(self) -> dict[str, float | int]:
        return {"mean_log_ratio": self.mean, "sd": self.sd, "pairs": self.n}


# The prior: log length ratios measured on the 9 hand-translated seed sentences of tests/data/reference_pairs.json
# (ar→en mean 0.14 sd 0.156, ar→ru 0.14 sd 0.169, en→ru 0.00 sd 0.081). Reviewed text replaces it as it grows.
PRIOR: dict[tuple[str, str], LengthModel] = {
    ("ar", "en"): LengthModel(0.14, 0.156, 9), ("ar", "ru"): LengthModel(0.14, 0.169, 9),
    ("en", "ru"): LengthModel(0.0, 0.081, 9), ("ru", "en"): LengthModel(0.0, 0.081, 9),
}


@dataclass(frozen=True)
class Thresholds:
    """Where the checks draw the line: the share of correct translations a length check may flag (one-sided,
    per comparison), the detector confidence a wrong language needs, and the length models."""

    false_alarm: float = 0.01
    language_confidence: float = 0.5
    lengths: dict[tuple[str, str], LengthModel] = field(default_factory=lambda: dict(PRIOR))

    @property
    def z(self) -> float:
        """How many standard deviations from the mean a length ratio may be before it is flagged."""
        return NormalDist().inv_cdf(1 - self.false_alarm)

    def with_lengths(self, lengths: dict[tuple[str, str], LengthModel]) -> Thresholds:
        return replace(self, lengths={**self.lengths, **lengths})

    def to_dict(self) -> dict[str, Any]:
        return {"false_alarm": self.false_alarm, "z": round(self.z, 3), "language_confidence": self.language_confidence,
                "lengths": {f"{a}-{b}": m.to_dict() for (a, b), m in self.lengths.items()}}


# ---------------------------------------------------------------------------------------------- numbers
def number_flags(source: str, target: str, lang: str) -> list[Flag]:
    """Numbers of the Arabic that the translation lacks; a digit number of the translation that is not in the
    Arabic is named as the likely changed one."""
    wanted = nums.numbers(source, "ar")
    found = nums.numbers(target, lang)
    have = Counter(n.value for n in found)
    strays = [n for n in found if not n.words and n.value not in {w.value for w in wanted}]
    flags = []
    for number in _unique(wanted):
        if have[number.value] < 1:
            stray = strays.pop(0) if strays else None
            reason = f"the Arabic has {number.value}; the translation does not" + (
                f" (it has {stray.value} here)" if stray else "")
            flags.append(Flag("number", reason, stray.start if stray else -1, stray.end if stray else -1,
                              number.start, number.end))
    return flags


def _unique(found: list[nums.Number]) -> list[nums.Number]:
    seen: dict[str, nums.Number] = {}
    for n in found:
        seen.setdefault(n.value, n)
    return list(seen.values())


# ---------------------------------------------------------------------------------------------- names
def _counts(book: NameBook, mentions: list[Mention]) -> Counter[str]:
    return Counter(m.key for m in mentions)


def name_flags(source: str, target: str, lang: str, book: NameBook) -> list[Flag]:
    """Entities of the Arabic the translation does not name (a place: named fewer times, its adjective counted),
    and spellings close to a ledger form that are not it."""
    src = book.in_source(source)
    have = _counts(book, book.in_target(target, lang))
    flags = []
    for key, count in _counts(book, src).items():
        entity = book.get(key)
        if entity is not None and not entity.forms(lang):
            continue  # a new entity without forms yet: nothing to check against
        need = count if entity is not None and entity.kind == "place" else 1
        if have[key] < need:
            first = next(m for m in src if m.key == key)
            form = entity.forms(lang)[0] if entity and entity.forms(lang) else key
            reason = (f"the Arabic names {first.text} ({form})" + (f" {count} times" if need > 1 else "")
                      + f"; the translation {'names it ' + str(have[key]) + ' times' if have[key] else 'does not'}")
            flags.append(Flag("name", reason, -1, -1, first.start, first.end))
    for near in book.unknown_forms(target, lang):
        entity = book.get(near.key)
        form = entity.forms(lang)[0] if entity else near.key
        flags.append(Flag("name", f"{near.text} is not the ledger's form {form}", near.start, near.end))
    return flags


# ---------------------------------------------------------------------------------------------- quotations
def quote_flags(source: str, target: str, lang: str, book: NameBook) -> list[Flag]:
    """Quotations of the Arabic missing from the translation or merged, and quotations given another speaker."""
    src, tgt = source_quotes(source, book), target_quotes(target, lang, book)
    flags = []
    if len(tgt) < len(src):
        missing = src[len(tgt)]
        flags.append(Flag("quote", f"the Arabic has {len(src)} quotation(s); the translation {len(tgt)}: one is "
                                   "missing, merged or turned into reported speech", -1, -1, missing.start, missing.end))
    spoken = {q.speaker for q in tgt if q.speaker}
    for quote in src:
        if quote.speaker and spoken and quote.speaker not in spoken:
            other = next(q for q in tgt if q.speaker)
            flags.append(Flag("quote", f"the Arabic quotes {quote.speaker}; the translation gives the quotation to "
                                       f"{other.speaker}", other.start, other.end, quote.start, quote.end))
    return flags


# ---------------------------------------------------------------------------------------------- length
def sentences(text: str) -> int:
    """How many sentences `text` has (a sentence end followed by a capital, a quotation or the end)."""
    return max(1, len(_SENTENCE.findall(text.strip())))


def length_scores(source: str, target: str, lang: str, other: str | None, other_lang: str | None,
                  thresholds: Thresholds) -> dict[str, float]:
    """The z-scores of the translation's length against the Arabic and against the other translation."""
    scores = {}
    if len(source) >= MIN_CHARS_FOR_LENGTH and (model := thresholds.lengths.get(("ar", lang))):
        scores["source"] = model.z(source, target)
    if other and other_lang and len(other) >= MIN_CHARS_FOR_LENGTH and (model := thresholds.lengths.get((other_lang, lang))):
        scores["other"] = model.z(other, target)
    return scores


def length_flags(source: str, target: str, lang: str, other: str | None, other_lang: str | None,
                 thresholds: Thresholds) -> list[Flag]:
    """Omission (too short for the learned ratio, or fewer sentences than the Arabic) and addition (too long)."""
    flags = []
    for against, z in length_scores(source, target, lang, other, other_lang, thresholds).items():
        what = "the Arabic" if against == "source" else f"the {LANG_NAMES.get(other_lang or '', other_lang)}"
        if z < -thresholds.z:
            flags.append(Flag("omission", f"much shorter than {what} (length {z:+.1f} sd from the learned ratio, "
                                          f"limit {thresholds.z:.1f}): a clause may be missing"))
        elif z > thresholds.z:
            flags.append(Flag("addition", f"much longer than {what} (length {z:+.1f} sd from the learned ratio, "
                                          f"limit {thresholds.z:.1f}): something may have been added or explained"))
    if sentences(target) < sentences(source):
        flags.append(Flag("omission", f"the Arabic has {sentences(source)} sentences; the translation "
                                      f"{sentences(target)}"))
    return flags


# ---------------------------------------------------------------------------------------------- language
def language_flags(target: str, lang: str, thresholds: Thresholds) -> list[Flag]:
    """The translation is, with confidence, in another language than `lang`."""
    if len(re.findall(r"[^\W\d_]", target)) < MIN_LETTERS_FOR_LANGUAGE:
        return []
    from .language import detect

    found, found_name, confidence = detect(target)
    if found and found != lang and confidence >= thresholds.language_confidence:
        return [Flag("language", f"written in {found_name} (detector confidence "
                                 f"{confidence:.0%}), not {LANG_NAMES.get(lang, lang)}", 0, len(target))]
    return []


# ---------------------------------------------------------------------------------------------- en vs ru
def cross_flags(source: str, target: str, lang: str, other: str, other_lang: str, book: NameBook) -> list[Flag]:
    """Where the two translations of the same Arabic disagree on its numbers, its names or who is quoted."""
    flags = []
    name, other_name = LANG_NAMES.get(lang, lang), LANG_NAMES.get(other_lang, other_lang)
    mine, theirs = nums.values(target, lang), nums.values(other, other_lang)
    for number in _unique(nums.numbers(source, "ar")):
        if (number.value in mine) != (number.value in theirs):
            has, lacks = (name, other_name) if number.value in mine else (other_name, name)
            flags.append(Flag("cross_language", f"the {has} has {number.value}, the {lacks} does not",
                              -1, -1, number.start, number.end))
    flags += _cross_names(source, target, lang, other, other_lang, book)
    flags += _cross_quotes(source, target_quotes(target, lang, book), target_quotes(other, other_lang, book),
                           source_quotes(source, book), name, other_name)
    return flags


def _cross_names(source: str, target: str, lang: str, other: str, other_lang: str, book: NameBook) -> list[Flag]:
    """Names of the Arabic one translation has and the other lacks (a place: named fewer times than in the Arabic),
    or spells otherwise than the ledger."""
    name, other_name = LANG_NAMES.get(lang, lang), LANG_NAMES.get(other_lang, other_lang)
    mine, theirs = _counts(book, book.in_target(target, lang)), _counts(book, book.in_target(other, other_lang))
    odd_mine = {m.key for m in book.unknown_forms(target, lang)}
    odd_theirs = {m.key for m in book.unknown_forms(other, other_lang)}
    found = book.in_source(source)
    need = _counts(book, found)
    flags = []
    for mention in {m.key: m for m in found}.values():
        key, entity = mention.key, book.get(mention.key)
        if entity is not None and not (entity.forms(lang) and entity.forms(other_lang)):
            continue
        enough = need[key] if entity is not None and entity.kind == "place" else 1  # as name_flags counts
        a, b = min(mine[key], enough), min(theirs[key], enough)
        if a != b:
            has, lacks = (name, other_name) if a > b else (other_name, name)
            flags.append(Flag("cross_language", f"the {has} names {key} more often than the {lacks}",
                              -1, -1, mention.start, mention.end))
        elif (key in odd_mine) != (key in odd_theirs):
            odd = name if key in odd_mine else other_name
            flags.append(Flag("cross_language", f"the {odd} spells {key} otherwise than the ledger",
                              -1, -1, mention.start, mention.end))
    return flags


def _cross_quotes(source: str, mine: list[Quote], theirs: list[Quote], src: list[Quote], name: str,
                  other_name: str) -> list[Flag]:
    flags = []
    if (len(mine) < len(src)) != (len(theirs) < len(src)):
        flags.append(Flag("cross_language", f"the {name} has {len(mine)} quotation(s), the {other_name} {len(theirs)}"))
    a, b = {q.speaker for q in mine if q.speaker}, {q.speaker for q in theirs if q.speaker}
    if a and b and a != b:
        flags.append(Flag("cross_language", f"the {name} quotes {', '.join(sorted(a))}; the {other_name} quotes "
                                            f"{', '.join(sorted(b))}"))
    return flags


# ---------------------------------------------------------------------------------------------- all
def check(source: str, target: str, lang: str, other: str | None = None, *, book: NameBook | None = None,
          thresholds: Thresholds | None = None) -> list[Flag]:
    """Every fact check of a translation of `source` into `lang` (with `other`, the other target language's
    translation of the same Arabic, the English/Russian comparison too)."""
    if not target.strip():
        return []
    book = book if book is not None else name_book()
    thresholds = thresholds or Thresholds()
    other_lang = {"en": "ru", "ru": "en"}.get(lang)
    flags = language_flags(target, lang, thresholds)
    if flags:  # a text in another language fails every other check for that one reason
        return flags
    flags += number_flags(source, target, lang)
    flags += name_flags(source, target, lang, book)
    flags += quote_flags(source, target, lang, book)
    flags += length_flags(source, target, lang, other, other_lang, thresholds)
    if other and other_lang:
        flags += cross_flags(source, target, lang, other, other_lang, book)
    return flags
