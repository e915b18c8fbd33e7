"""Quality flags on machine output and on reviewed text.

Each check is a plain function returning a flag name or None; `check_output` runs the degenerate-
output checks of the model layer, `check_segment` adds the glossary and number checks.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..models.llm import LLM_FLAGS
from ..store import reads
from ..text.cleaning import has_arabic
from ..text.metadata import ARABIC_DIGITS

if TYPE_CHECKING:
    from ..store import Store
    from .glossary import Glossary, Term
    from .model import ArticleView

# Character-length ratio target/source. Calibrated on 9 seed sentences translated by hand
# (tests/data/reference_pairs.json): observed ar→en 0.88–1.39, ar→ru 0.77–1.40, en→ru 0.88–1.16;
# the bands below widen those by ~0.6× and ~1.7× because the sample is small.
LENGTH_RATIO = {("ar", "en"): (0.5, 2.4), ("ar", "ru"): (0.45, 2.4), ("en", "ru"): (0.55, 1.9)}
DEFAULT_RATIO = (0.4, 3.0)
MIN_CHARS_FOR_RATIO = 25

FLAG_HELP = {
    "empty": "the output is empty",
    "copy_of_source": "the output repeats the source text",
    "arabic_in_target": "Arabic script left in the translation",
    "repetition": "repeated words or phrases (typical of hallucination)",
    "length_ratio": "translation much shorter or longer than the source",
    "glossary": "a glossary term in the source has none of its approved translations",
    "numbers": "a number in the source is missing from the translation",
    "meaningless_model": "made by a random-weight tiny model: not a translation",
    "stale_pivot": "made from an English text that has changed since",
    "summary_numbers": "the summary has a number the article does not",
    "summary_names": "the summary names someone or something the article does not",
    "summary_quotes": "the summary quotes words the article does not have, or gives them to another speaker",
    "wrong_language": "the summary is not written in its language",
    "cut_off": "the summary stops mid-sentence",
    "low_confidence": "the model was unsure of this output (geometric-mean token probability below 50%)",
    # the fact checks (review.facts; `qa --facts`, `queue`)
    "number": "a number, date or amount of the Arabic is missing or changed",
    "name": "a name of the Arabic is missing, or spelled otherwise than the entity ledger",
    "quote": "a quotation of the Arabic is missing, merged or given to another speaker",
    "omission": "shorter than the learned length ratio allows, or fewer sentences: a clause may be missing",
    "addition": "longer than the learned length ratio allows: something may have been added or explained",
    "language": "written in another language",
    "cross_language": "the English and the Russian disagree on a number, a name or a quotation of the Arabic",
    **LLM_FLAGS,  # an LLM translator's answer: echoed_context, extra_sentences (models.llm)
    "bidi_control": "invisible bidirectional control characters (embeddings, overrides, isolates or direction "
                    "marks) that the source does not have there: they can make the text display in a different order "
                    "than it is stored and published (a Trojan Source style reordering); delete them",
}


# Flags a machine output records about its model (shown while its text is the current one): random weights, and
# what an LLM translator's answer parser found.
MODEL_FLAGS = ("meaningless_model", *LLM_FLAGS)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def flag_empty(source: str, target: str) -> str | None:
    return "empty" if not target.strip() else None


def flag_copy(source: str, target: str) -> str | None:
    return "copy_of_source" if target.strip() and _norm(source) == _norm(target) else None


def flag_arabic(source: str, target: str, target_lang: str = "en") -> str | None:
    if target_lang == "ar" or not target.strip():
        return None
    arabic_words = [w for w in target.split() if has_arabic(w)]
    return "arabic_in_target" if arabic_words else None


def flag_repetition(source: str, target: str) -> str | None:
    words = re.findall(r"\w+", target.lower())
    if len(words) < 4:
        return None
    for i in range(len(words) - 3):  # the same word four times running
        if len(set(words[i:i + 4])) == 1:
            return "repetition"
    source_words = re.findall(r"\w+", source.lower())
    for n in (2, 3, 4):
        grams = Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
        source_grams = Counter(tuple(source_words[i:i + n]) for i in range(max(0, len(source_words) - n + 1)))
        for gram, count in grams.items():
            if count >= 3 and count > source_grams.get(gram, 0) + 1:
                return "repetition"
    if re.search(r"(\S{3,}?)\1{3,}", target):  # a chunk glued to itself four times
        return "repetition"
    return None


def flag_length(source: str, target: str, pair: tuple[str, str] = ("ar", "en")) -> str | None:
    if len(source) < MIN_CHARS_FOR_RATIO or not target.strip():
        return None
    low, high = LENGTH_RATIO.get(pair, DEFAULT_RATIO)
    ratio = len(target) / len(source)
    return "length_ratio" if not low <= ratio <= high else None


def check_output(source: str, target: str, source_lang: str = "ar", target_lang: str = "en") -> list[str]:
    """Flags for degenerate machine output: empty, copied source, Arabic left, repetition, length ratio."""
    flags = [
        flag_empty(source, target),
        flag_copy(source, target),
        flag_arabic(source, target, target_lang),
        flag_repetition(source, target),
        flag_length(source, target, (source_lang, target_lang)),
    ]
    return [f for f in flags if f]


# --------------------------------------------------------------------------- invisible bidi controls
BIDI_CONTROLS = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING", "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE", "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE", "\u2069": "POP DIRECTIONAL ISOLATE",
    "\u200e": "LEFT-TO-RIGHT MARK", "\u200f": "RIGHT-TO-LEFT MARK", "\u061c": "ARABIC LETTER MARK",
}
_BIDI = re.compile("[" + "".join(BIDI_CONTROLS) + "]")


def bidi_controls(source: str, target: str) -> list[str]:
    """Invisible bidi controls in `target` that were not carried over from `source`, as "U+202E RIGHT-TO-LEFT
    OVERRIDE at 12". One counts as carried over when the source has the same control between the same neighbouring
    characters (a name or number copied with the RLM the Arabic text has after it); any other is reported."""
    found = []
    for match in _BIDI.finditer(target):
        i = match.start()
        before, after = target[max(0, i - 1):i], target[i + 1:i + 2]
        if not any(source[j - len(before):j] == before and source[j + 1:j + 1 + len(after)] == after
                   for j in _positions(source, match.group())):
            found.append(f"U+{ord(match.group()):04X} {BIDI_CONTROLS[match.group()]} at {i}")
    return found


def _positions(text: str, char: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(char), text)]


def flag_bidi(source: str, target: str) -> str | None:
    return "bidi_control" if bidi_controls(source, target) else None


# --------------------------------------------------------------------------- numbers
_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c\u00a0 ]\d{3}(?!\d))*(?:[.,\u066b]\d+)?")


def numbers_in(text: str) -> list[str]:
    """Numbers in a text, normalised: Arabic-Indic digits to 0-9, thousands separators removed."""
    text = text.translate(ARABIC_DIGITS)
    out = []
    for match in _NUMBER.finditer(text):
        raw = match.group().replace("\u00a0", " ")
        # "7,591" / "7 591" / "7٬591" → 7591 ; a decimal comma or point (1,5 / 1.5) → 1.5
        if re.fullmatch(r"\d{1,3}(?:[, \u066c.]\d{3})+", raw):
            value = re.sub(r"[, \u066c.]", "", raw)
        else:
            value = raw.replace("\u066b", ".").replace(",", ".")
        out.append(value)
    return out


def flag_numbers(source: str, target: str) -> str | None:
    if not target.strip():
        return None
    wanted = Counter(numbers_in(source))
    got = Counter(numbers_in(target))
    missing = [n for n in wanted if got[n] < 1]
    return "numbers" if missing else None


def missing_numbers(source: str, target: str) -> list[str]:
    got = set(numbers_in(target))
    return [n for n in dict.fromkeys(numbers_in(source)) if n not in got]


def review(source: str, target: str, source_lang: str = "ar", target_lang: str = "en",
           glossary: Glossary | None = None, terms: list[Term] | None = None) -> tuple[list[str], list[str]]:
    """All QA flags for a translated segment (degenerate output, numbers and dates, glossary terms) and
    their human-readable details, in one pass. `terms` are the glossary terms of `source` if already found."""
    flags = check_output(source, target, source_lang, target_lang)
    details: list[str] = []
    if target.strip():
        numbers = missing_numbers(source, target)
        if numbers:
            flags.append("numbers")
            details.append("numbers missing: " + ", ".join(numbers))
        controls = bidi_controls(source, target)
        if controls:
            flags.append("bidi_control")
            details.append("invisible bidi controls: " + "; ".join(controls[:5]) + (" …" if len(controls) > 5 else ""))
        absent = glossary.missing(source, target, target_lang, terms) if glossary is not None else []
        if absent:
            flags.append("glossary")
            details += [f"glossary: {t.ar[0]} should be " + " / ".join(t.targets(target_lang)) for t in absent]
    return flags, details


def check_segment(source: str, target: str, source_lang: str = "ar", target_lang: str = "en",
                  glossary: Glossary | None = None) -> list[str]:
    """All QA flags for a translated segment: degenerate output, numbers and dates, glossary terms."""
    return review(source, target, source_lang, target_lang, glossary)[0]


def explain(source: str, target: str, target_lang: str, glossary: Glossary | None = None) -> list[str]:
    """Human-readable details for the number and glossary flags (for the reviewer)."""
    return review(source, target, "ar", target_lang, glossary)[1]


def unique(flags: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(flags))


# ---------------------------------------------------------------------- the flagged units of articles (`workbench qa`)
@dataclass(frozen=True, slots=True)
class FlaggedUnit:
    """A segment's text in one language that has QA flags: where it is, the flags with their details, the text."""

    article_id: str
    segment_id: str
    lang: str
    flags: tuple[str, ...]
    details: tuple[str, ...]
    source: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "segment_id": self.segment_id, "lang": self.lang,
                "flags": list(self.flags), "details": list(self.details), "source": self.source, "text": self.text}


def flagged_rows(view: ArticleView, langs: Sequence[str]) -> list[FlaggedUnit]:
    """The segments of an article whose current text in one of `langs` has flags, in segment then `langs` order."""
    rows = []
    for seg in view.segments:
        for lang in langs:
            unit = seg.unit(lang)
            if unit and unit.flags:
                rows.append(FlaggedUnit(view.id, seg.id, lang, tuple(unit.flags), tuple(unit.qa), seg.source_text,
                                        unit.text))
    return rows


@dataclass(frozen=True)
class QaReport:
    """The flagged segment translations of some articles; `lines()` is the text `workbench qa` prints."""

    rows: tuple[FlaggedUnit, ...]

    def counts(self) -> dict[str, int]:
        """How many rows carry each flag, by flag name."""
        return dict(sorted(Counter(flag for row in self.rows for flag in row.flags).items()))

    def to_dict(self) -> list[dict[str, Any]]:
        return [row.to_dict() for row in self.rows]

    def lines(self) -> Iterator[str]:
        for row in self.rows:
            yield f"{row.segment_id} {row.lang}: {', '.join(row.flags)}"
            yield from (f"    {detail}" for detail in row.details)
        counts = self.counts()
        yield (f"{len(self.rows)} flagged segment translations" + (": " if counts else "")
               + ", ".join(f"{k} {v}" for k, v in counts.items()))
        yield from (f"  {k}: {FLAG_HELP.get(k, k)}" for k in counts)


def qa_report(views: Iterable[ArticleView], langs: Sequence[str]) -> QaReport:
    """The flagged segment translations of every article in `views`, in `langs`."""
    return QaReport(tuple(row for view in views for row in flagged_rows(view, langs)))


def meaningless_articles(store: Store) -> set[str]:
    """Articles whose current machine output (a segment or a summary) was made by a tiny random-weight model
    (the `meaningless_model` flag's source), from the latest output of every unit."""
    return reads.meaningless_articles(store)
