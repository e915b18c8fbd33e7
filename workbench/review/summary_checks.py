"""Checks that a summary says only what its article says, in the right language, whole.

Each check is a plain function over (the article's Arabic text, the summary) returning details (empty when the
check passes); `check_summary` runs them all on a summary's current text, so an edited summary clears its flags.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from ..text.cleaning import has_arabic
from .glossary import Glossary
from .model import Claim
from .qa import bidi_controls, flag_repetition, numbers_in
from .quotes import source_quotes, target_quotes

if TYPE_CHECKING:
    from .names import NameBook

SENTENCE_END = re.compile(r"[.!?…»\"')\]]\s*$")
SCRIPTS = {"en": re.compile(r"[A-Za-z]"), "ru": re.compile(r"[А-Яа-яЁё]")}


def numbers_not_in_article(article: str, summary: str) -> list[str]:
    """Numbers of the summary (Arabic-Indic digits, thousands separators, decimals normalised as in segment QA)
    that the article does not contain."""
    known = set(numbers_in(article))
    return [n for n in dict.fromkeys(numbers_in(summary)) if n not in known]


def names_not_in_article(article: str, summary: str, lang: str, glossary: Glossary | None) -> list[str]:
    """Glossary names used in the summary whose Arabic form is nowhere in the article."""
    if glossary is None:
        return []
    present = set(glossary.find(article))
    return [t.targets(lang)[0] for t in glossary.named_in(summary, lang) if t not in present]


def wrong_language(summary: str, lang: str) -> bool:
    """Mostly another script than the language's (Arabic left in, Russian for English, Latin for Russian)."""
    letters = re.findall(r"[^\W\d_]", summary)
    if not letters or lang not in SCRIPTS:
        return False
    own = sum(1 for c in letters if SCRIPTS[lang].match(c))
    return own / len(letters) < 0.6 or (has_arabic(summary) and own / len(letters) < 0.9)


def cut_off(summary: str) -> bool:
    """Ends without closing its sentence (a model stopped by its token limit)."""
    return bool(summary.strip()) and not SENTENCE_END.search(summary.strip())


def _same_name(a: str, b: str) -> bool:
    """The same name, one of them in another case ("Токаеву", "Токаев"; "Захаровой", "Захарова")."""
    a, b = a.lower(), b.lower()
    return a.startswith(b[:max(3, len(b) - 1)]) or b.startswith(a[:max(3, len(a) - 1)])


def check_summary(article: str, summary: str, lang: str, glossary: Glossary | None = None,
                  unsupported: Sequence[Claim] | None = None) -> tuple[list[str], list[str]]:
    """Flags and their human-readable details for a summary of `article` (the Arabic text) in `lang`. With the
    summary's `unsupported` claims (`unsupported_claims`: traced to the segments), they say which numbers the article
    lacks (digits or words: each value once) and join the names the glossary finds missing; a quotation no segment
    has raises `summary_quotes`. Without them, the numbers are the digits the article's text lacks."""
    if not summary.strip():
        return ["empty"], ["the summary is empty"]
    flags: list[str] = []
    details: list[str] = []
    numbers = (list(dict.fromkeys(c.text for c in unsupported if c.kind == "number")) if unsupported is not None
               else numbers_not_in_article(article, summary))
    unsupported = unsupported or []
    if numbers:
        flags.append("summary_numbers")
        details.append("numbers not in the article: " + ", ".join(numbers))
    names = names_not_in_article(article, summary, lang, glossary)
    for claim in unsupported:
        if claim.kind == "name" and not any(_same_name(claim.text, n) for n in names):
            names.append(claim.text)
    if names:
        flags.append("summary_names")
        details.append("names not in the article: " + ", ".join(names))
    quotes = [c.text for c in unsupported if c.kind == "quote"]
    if quotes:
        flags.append("summary_quotes")
        details.append("quotations the article does not have (or gives to another speaker): " + "; ".join(quotes))
    if wrong_language(summary, lang):
        flags.append("wrong_language")
        details.append(f"not written in {'English' if lang == 'en' else 'Russian' if lang == 'ru' else lang}")
    if cut_off(summary):
        flags.append("cut_off")
        details.append("ends mid-sentence")
    if flag_repetition(article, summary):
        flags.append("repetition")
        details.append("repeats words or phrases")
    if bidi_controls("", summary):
        flags.append("bidi_control")
        details.append("holds invisible bidi controls that can show the text in another order than it is stored")
    return flags, details


# ---------------------------------------------------------------------- claims traced to their segments
def trace_claims(segments: Sequence[tuple[str, str]], summary: str, lang: str, book: NameBook | None = None) -> list[Claim]:
    """Every number, ledger name and quotation of `summary` (in `lang`) with the ids of the segments (id, Arabic
    text) that hold it; a claim without segments is one the article does not support."""
    from .names import name_book
    from .numbers import numbers

    book = book if book is not None else name_book()
    seg_numbers = [(sid, _arabic_values(text)) for sid, text in segments]
    seg_names = [(sid, {m.key for m in book.in_source(text)}) for sid, text in segments]
    claims = [Claim("number", n.value, n.start, n.end, tuple(sid for sid, vals in seg_numbers if n.value in vals))
              for n in numbers(summary, lang)]
    claims += [Claim("name", m.text, m.start, m.end, tuple(sid for sid, keys in seg_names if m.key in keys))
               for m in book.in_target(summary, lang)]
    quotes = target_quotes(summary, lang, book)
    seg_quotes = [(sid, {q.speaker for q in source_quotes(text, book)}) for sid, text in segments] if quotes else []
    for quote in quotes:  # said by the same person in the article; unnamed: any quotation of it
        held = [sid for sid, speakers in seg_quotes if (quote.speaker in speakers if quote.speaker else speakers)]
        claims.append(Claim("quote", summary[quote.start:quote.end], quote.start, quote.end, tuple(held)))
    return sorted(claims, key=lambda c: c.start)


@lru_cache(maxsize=8192)
def _arabic_values(text: str) -> frozenset[str]:
    """The numbers of an Arabic segment (kept: every view of an article traces its summaries to the same segments)."""
    from .numbers import values

    return frozenset(values(text, "ar"))


def unsupported_claims(segments: Sequence[tuple[str, str]], summary: str, lang: str,
                       book: NameBook | None = None) -> list[Claim]:
    """The claims of a summary that no segment of the article supports."""
    return [c for c in trace_claims(segments, summary, lang, book) if not c.supported]
