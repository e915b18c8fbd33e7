"""Checks that a summary says only what its article says, in the right language, whole.

Each check is a plain function over (the article's Arabic text, the summary) returning details (empty when the
check passes); `check_summary` runs them all on a summary's current text, so an edited summary clears its flags.
"""

from __future__ import annotations

import re

from ..text.cleaning import has_arabic
from .glossary import Glossary
from .qa import bidi_controls, flag_repetition, numbers_in

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


def check_summary(article: str, summary: str, lang: str, glossary: Glossary | None = None) -> tuple[list[str], list[str]]:
    """Flags and their human-readable details for a summary of `article` (the Arabic text) in `lang`."""
    if not summary.strip():
        return ["empty"], ["the summary is empty"]
    flags: list[str] = []
    details: list[str] = []
    numbers = numbers_not_in_article(article, summary)
    if numbers:
        flags.append("summary_numbers")
        details.append("numbers not in the article: " + ", ".join(numbers))
    names = names_not_in_article(article, summary, lang, glossary)
    if names:
        flags.append("summary_names")
        details.append("names not in the article: " + ", ".join(names))
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
