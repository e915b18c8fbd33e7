"""Quotations and who said them, in the Arabic source and in a translation.

A quotation is text between quote marks ("…", «…», “…”, „…“) of at least `MIN_QUOTE_WORDS` words (shorter
quoted text is mostly a title or a name: "تاس", «Международная жизнь»). Its speaker is a person of the ledger: in
Arabic the one named right after an attribution verb (قال، أضاف، تابع، أكد، أشار، صرح، ختم …) before the quotation
in its sentence, else the person named nearest before it in that sentence; in a translation the person named
nearest to the quotation in its sentence, before or after it ("Lavrov added: …", "…, — добавил Лавров").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .glossary import normalise_arabic
from .names import Mention, NameBook

MIN_QUOTE_WORDS = 5
_QUOTE = re.compile(r"\"([^\"]+)\"|«([^»]+)»|“([^”]+)”|„([^“”]+)[“”]")
_AR_VERBS = ("قال", "اضاف", "تابع", "اكد", "اشار", "اشارت", "صرح", "صرحت", "ختم", "اوضح", "اردف", "شدد", "لفت",
             "نوه", "اعرب", "قالت", "اضافت", "اكدت", "منوها", "مضيفا", "موضحا", "قائلا", "مشيرا", "مؤكدا", "لافتا")
_SENTENCE_END = re.compile(r"[.!?؟]\s+|\n")


@dataclass(frozen=True)
class Quote:
    """A quotation: where it is (quote marks included), its words, and the key of its speaker (None: unnamed)."""

    start: int
    end: int
    words: int
    speaker: str | None


def _spans(text: str) -> list[tuple[int, int, int]]:
    out = []
    for match in _QUOTE.finditer(text):
        inner = next(g for g in match.groups() if g is not None)
        words = len(re.findall(r"\w+", inner))
        if words >= MIN_QUOTE_WORDS:
            out.append((match.start(), match.end(), words))
    return out


def _masked(text: str, spans: list[tuple[int, int, int]]) -> str:
    """The text with each quotation's inside blanked, so sentence ends inside quotations do not count."""
    chars = list(text)
    for start, end, _ in spans:
        for i in range(start + 1, end - 1):
            if not chars[i].isspace():
                chars[i] = "x"
    return "".join(chars)


def _sentence(masked: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENTENCE_END.finditer(masked, 0, start)), default=0)
    right = next((m.start() for m in _SENTENCE_END.finditer(masked, end)), len(masked))
    return left, right


def _people(book: NameBook, mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if (e := book.get(m.key)) is not None and e.kind == "person" and not m.adjective]


def source_quotes(text: str, book: NameBook) -> list[Quote]:
    """The quotations of an Arabic text with their speakers."""
    spans = _spans(text)
    masked = _masked(text, spans)
    people = _people(book, book.in_source(text))
    out = []
    for start, end, words in spans:
        left, _ = _sentence(masked, start, end)
        before = [m for m in people if left <= m.start < start and not any(s <= m.start < e for s, e, _ in spans)]
        speaker = _after_verb(text, left, start, before) or (before[-1].key if before else None)
        out.append(Quote(start, end, words, speaker))
    return out


def _after_verb(text: str, left: int, start: int, people: list[Mention]) -> str | None:
    for verb in re.finditer(r"[\u0621-\u064a]+", text[left:start]):
        word = normalise_arabic(verb.group())
        if word in _AR_VERBS or word[1:] in _AR_VERBS:  # وقال، فأضاف
            at = left + verb.end()
            after = [m for m in people if at <= m.start <= at + 40]
            if after:
                return after[0].key
    return None


def target_quotes(text: str, lang: str, book: NameBook) -> list[Quote]:
    """The quotations of an English or Russian text with their speakers."""
    spans = _spans(text)
    masked = _masked(text, spans)
    people = [m for m in _people(book, book.in_target(text, lang))
              if not any(s <= m.start < e for s, e, _ in spans)]
    out = []
    for start, end, words in spans:
        left, right = _sentence(masked, start, end)
        near = [m for m in people if left <= m.start < right]
        speaker = min(near, key=lambda m: start - m.end if m.end <= start else m.start - end).key if near else None
        out.append(Quote(start, end, words, speaker))
    return out
