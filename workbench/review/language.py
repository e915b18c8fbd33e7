"""Which language a text is written in: lingua-language-detector (its models ship inside the wheel, so it works
offline), over a fixed set of languages a newsroom's output could wrongly be in."""

from __future__ import annotations

from functools import cache
from typing import Any

# Languages a translation into English or Russian comes out in by mistake: the pair's own, the source, Russian's
# Cyrillic neighbours, the languages LLMs fall back to.
CANDIDATES = ("ENGLISH", "RUSSIAN", "ARABIC", "UKRAINIAN", "BELARUSIAN", "BULGARIAN", "SERBIAN", "KAZAKH",
              "FRENCH", "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "TURKISH", "PERSIAN")
CODES = {"ENGLISH": "en", "RUSSIAN": "ru", "ARABIC": "ar"}


@cache
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in CANDIDATES)).build()


def detect(text: str) -> tuple[str, str, float]:
    """The most likely language of `text`: its ISO 639-1 code (lower case), its English name, and the detector's
    confidence (0..1)."""
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return "", "", 0.0
    top = values[0]
    return top.language.iso_code_639_1.name.lower(), top.language.name.title(), float(top.value)


def confidence(text: str, lang: str) -> float:
    """How confident the detector is that `text` is in `lang` (0..1)."""
    from lingua import IsoCode639_1, Language

    return float(_detector().compute_language_confidence(text, Language.from_iso_code_639_1(getattr(IsoCode639_1, lang.upper()))))
