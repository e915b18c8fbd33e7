"""Word-level diffs between two texts (machine output → current text, or any two revisions), with bounded cost.

The words both texts start and end with are set aside first (one pass). What remains is compared word by word with
difflib's matcher (longest matching blocks, the most readable diff) while it is small (`EXACT_PAIRS` word pairs),
else with rapidfuzz's bit-parallel LCS (`Indel`, time and memory about pairs / 64 and / 8 bytes) up to `MAX_PAIRS`;
beyond that by sentence (or line), and, if even those are too many, as one deletion and one insertion. So the worst
case at the text limit (100,000 characters, 50,000 words a side) is well under a second where difflib alone took
minutes; a diff that is not word by word says so in its HTML.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Sequence

from rapidfuzz.distance import Indel

EXACT_PAIRS = 40_000  # difflib's matcher up to this many (old words × new words): it is quadratic or worse
MAX_PAIRS = 16_000_000  # rapidfuzz's LCS up to this many (about 2 MB of bits, a few tens of ms)
_SENTENCE = re.compile(r"(?<=[.!?؟。])\s+|\s*\n\s*")

Op = tuple[str, str]


def _blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, int, int, int, int]] | None:
    """Opcodes between two token lists (equal runs and changes), or None when they are too long to compare."""
    pairs = len(a) * len(b)
    if pairs <= EXACT_PAIRS:
        return [op for op in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()]
    if pairs <= MAX_PAIRS:
        return [tuple(op) for op in Indel.opcodes(a, b)]  # type: ignore[misc]
    return None


def _diff(a: list[str], b: list[str]) -> list[Op] | None:
    """(op, text) pairs between two token lists, the changes between equal runs merged; None: too long."""
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    mid_a, mid_b = a[head:len(a) - tail], b[head:len(b) - tail]
    blocks = _blocks(mid_a, mid_b)
    if blocks is None:
        return None
    out: list[Op] = [("=", " ".join(a[:head]))] if head else []
    gone: list[str] = []
    came: list[str] = []
    for tag, i1, i2, j1, j2 in blocks:
        if tag != "equal":
            gone += mid_a[i1:i2]
            came += mid_b[j1:j2]
            continue
        out += [*_changed(gone, came), ("=", " ".join(mid_a[i1:i2]))]
        gone, came = [], []
    out += _changed(gone, came)
    return out + ([("=", " ".join(a[len(a) - tail:]))] if tail else [])


def _changed(gone: list[str], came: list[str]) -> list[Op]:
    return ([("-", " ".join(gone))] if gone else []) + ([("+", " ".join(came))] if came else [])


def diff(old: str, new: str) -> tuple[list[Op], str]:
    """The diff and how fine it is: "word", "sentence" or "whole" (one deletion and one insertion)."""
    found = _diff(old.split(), new.split())
    if found is not None:
        return found, "word"
    sentences = _diff(_sentences(old), _sentences(new))
    if sentences is not None:
        return sentences, "sentence"
    return _changed([" ".join(old.split())], [" ".join(new.split())]), "whole"


def _sentences(text: str) -> list[str]:
    return [" ".join(part.split()) for part in _SENTENCE.split(text) if part.strip()]


NOTES = {"sentence": "Too long and too different to compare word by word: changed sentences are shown whole.",
         "whole": "Too long and too different to compare: the whole old text, then the whole new one."}


def diff_html(old: str, new: str) -> str:
    """The diff as escaped HTML (<del>/<ins>), with a note when it is not word by word."""
    if not old and not new:
        return "<p class='diff'>—</p>"
    ops, fineness = diff(old, new)
    parts = []
    for op, text in ops:
        text = html.escape(text)
        parts.append(text if op == "=" else f"<del>{text}</del>" if op == "-" else f"<ins>{text}</ins>")
    note = f"<p class='wb-meta'>{NOTES[fineness]}</p>" if fineness in NOTES else ""
    return note + "<p class='diff'>" + " ".join(parts) + "</p>"
