"""Sentence segmentation of Arabic news text, with character offsets into the cleaned article.

Rules: split after `. ! ? ؟` (with any closing quotes or brackets) when whitespace follows;
never on "،" or "؛" except to break a sentence too long for an MT model; never inside numbers,
after abbreviations, or at an elision mark ("..." / "…").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_TOKENS = 200
TOKENS_PER_WORD = 1.5  # SentencePiece pieces per Arabic word, roughly, when no tokenizer is at hand

_TERMINATOR = re.compile(r"[.!?؟…]+[\"'”»)\]]*(?=\s|$)")
_ABBREVIATIONS = {
    "د", "أ", "م", "ص", "ج", "ق", "ه", "هـ", "ت", "س", "ش", "ك", "ط",  # single-letter Arabic abbreviations
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "vs", "etc", "jr", "sr", "gen", "col", "lt", "e.g", "i.e",
    "inc", "ltd", "co", "corp", "u.s", "u.k", "u.n", "г", "гг", "им", "т.е", "т.д",
}
_SOFT_BREAKS = [re.compile(r"[؛;](?=\s)"), re.compile(r"[،,](?=\s)")]


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def approx_tokens(text: str) -> int:
    """Approximate SentencePiece token count from the number of words."""
    return round(len(text.split()) * TOKENS_PER_WORD)


def _is_abbreviation(line: str, dot_at: int) -> bool:
    word_start = dot_at
    while word_start > 0 and not line[word_start - 1].isspace():
        word_start -= 1
    word = line[word_start:dot_at].strip("\"'“”«»(").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentence_spans(line: str) -> list[Span]:
    """Sentence spans inside one paragraph (a line without newlines)."""
    spans: list[Span] = []
    start = 0
    for match in _TERMINATOR.finditer(line):
        marks = match.group().rstrip("\"'”»)]")
        if "…" in marks or ".." in marks:
            continue  # elision or trailing dots, not a sentence end
        if marks == "." and _is_abbreviation(line, match.start()):
            continue
        end = match.end()
        rest = line[end:].lstrip()
        if rest and rest[0].islower() and rest[0].isascii():
            continue  # "e.g. something": the next word continues the sentence
        if line[start:end].strip():
            spans.append(Span(start, end))
        start = end
        while start < len(line) and line[start].isspace():
            start += 1
    if start < len(line) and line[start:].strip():
        spans.append(Span(start, len(line.rstrip())))
    return spans


def _split_long(text: str, offset: int, max_tokens: int, count: Callable[[str], int]) -> list[Span]:
    """Break an over-long sentence at "؛" then "،", packing pieces up to the limit; words as a last resort."""
    if count(text) <= max_tokens:
        return [Span(offset, offset + len(text))]
    for pattern in _SOFT_BREAKS:
        cuts = [m.end() for m in pattern.finditer(text)]
        if cuts:
            break
    else:
        cuts = [m.start() for m in re.finditer(r"\s", text)]
        if not cuts:
            return [Span(offset, offset + len(text))]
    pieces: list[tuple[int, int]] = []
    prev = 0
    for cut in [*cuts, len(text)]:
        if cut > prev:
            pieces.append((prev, cut))
        prev = cut
    spans: list[Span] = []
    chunk_start: int | None = None
    chunk_end = 0
    for a, b in pieces:
        if chunk_start is None:
            chunk_start = a
        elif count(text[chunk_start:b]) > max_tokens:
            spans.extend(_finish(text, chunk_start, chunk_end, offset, max_tokens, count))
            chunk_start = a
        chunk_end = b
    if chunk_start is not None:
        spans.extend(_finish(text, chunk_start, chunk_end, offset, max_tokens, count))
    return spans


def _finish(text: str, a: int, b: int, offset: int, max_tokens: int, count: Callable[[str], int]) -> list[Span]:
    piece = text[a:b]
    lead = len(piece) - len(piece.lstrip())
    piece = piece.strip()
    if not piece:
        return []
    a += lead
    if count(piece) > max_tokens and piece != text:
        return _split_long(piece, offset + a, max_tokens, count)
    if count(piece) > max_tokens:  # no usable punctuation: split on words
        words = list(re.finditer(r"\S+", piece))
        per = max(1, int(max_tokens / TOKENS_PER_WORD))
        return [Span(offset + a + words[i].start(), offset + a + words[min(i + per, len(words)) - 1].end())
                for i in range(0, len(words), per)]
    return [Span(offset + a, offset + a + len(piece))]


def split_paragraph(line: str, offset: int = 0, *, max_tokens: int = MAX_TOKENS,
                    count: Callable[[str], int] | None = None) -> list[Span]:
    """Sentence spans (absolute offsets) of a paragraph, long sentences broken to fit an MT model."""
    count = count or approx_tokens
    spans: list[Span] = []
    for span in sentence_spans(line):
        spans.extend(_split_long(line[span.start:span.end], offset + span.start, max_tokens, count))
    return spans
