"""Find and replace within one article and language, with a preview of every change and one revision per changed
unit through the write path.

The search is plain text, never a pattern a client wrote: the text to find is escaped (`re.escape`) before it is
compiled, so matching a literal (case-insensitively, or as a whole word with look-arounds) is linear in the text
and cannot backtrack catastrophically. The replacement is inserted as it is (no `\\1` groups).

`preview` pages through the units (the summary, then every translatable segment) whose current text has a match:
for each, the revision it was made on, how many matches and how long the text is now and would be, and an excerpt
(at most `SHOWN_CHARS` characters around its first `SHOWN_MATCHES` matches) before and after the change, with the
places that change. Its cost is one pass over the article's text and its answer is bounded whatever the texts,
the find and the replacement (a 1,000-character replacement of every "a" of three 100,000-character units once
answered 311 MB). `apply` changes the units the reviewer picked, each only if it is still at that revision (a save
in between is a conflict, reported, and that unit is left alone), as one `workflow.save` each: the unit becomes
`edited` (a person confirms it again in context), and a unit where the reviewer has an unsaved draft is skipped
rather than have the draft dropped by the save. A new text over the text limit is refused from its computed
length, before it is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConflictError, WorkbenchError
from ..settings import max_text_chars
from ..store import Store
from ..units import SUMMARY, UnitRef
from . import workflow
from .model import ArticleView, Unit

MAX_FIND = 200
MAX_REPLACEMENT = 1000
MAX_PICKS = 2000
PAGE = 50  # units per preview page unless asked otherwise
MAX_PAGE = 100
SHOWN_CHARS = 2000  # of a unit's current text shown in its preview, from a little before its first match
SHOWN_MATCHES = 20  # matches shown (marked, and replaced in the excerpt after the change) per unit
CONTEXT = 80  # characters shown before the first match


class ReplaceError(WorkbenchError):
    """A find-and-replace that cannot run (nothing to find, too long, …)."""


@dataclass(frozen=True)
class Search:
    """What to find and what to put instead."""

    find: str
    replacement: str = ""
    match_case: bool = False
    whole_word: bool = False

    def pattern(self) -> re.Pattern[str]:
        if not self.find:
            raise ReplaceError("say what to find")
        if len(self.find) > MAX_FIND or len(self.replacement) > MAX_REPLACEMENT:
            raise ReplaceError(f"the text to find is at most {MAX_FIND} characters, its replacement {MAX_REPLACEMENT}")
        literal = re.escape(self.find)
        if self.whole_word:
            literal = rf"(?<!\w){literal}(?!\w)"
        return re.compile(literal, 0 if self.match_case else re.IGNORECASE)


@dataclass(frozen=True)
class Change:
    """One unit's matches: how many, its length now and after the change, and an excerpt of its text (from `start`)
    before and after, with the places (start, end) in the excerpt that change."""

    unit: str  # a segment id, or "summary"
    number: int | None  # the grid's number (None: the summary)
    revision_id: int | None
    count: int
    length: int
    new_length: int
    start: int
    old: str
    new: str
    spans: tuple[tuple[int, int], ...]

    @property
    def whole(self) -> bool:
        """Whether the excerpt is the unit's whole text with every match."""
        return self.start == 0 and len(self.old) == self.length and len(self.spans) == self.count

    def new_spans(self, replacement: str) -> list[list[int]]:
        """Where the replacement stands in the excerpt after the change."""
        out, shift = [], 0
        for start, end in self.spans:
            out.append([start + shift, start + shift + len(replacement)])
            shift += len(replacement) - (end - start)
        return out

    def to_dict(self, replacement: str = "") -> dict[str, Any]:
        return {"unit": self.unit, "number": self.number, "revision_id": self.revision_id, "old": self.old,
                "new": self.new, "spans": [list(s) for s in self.spans], "new_spans": self.new_spans(replacement),
                "count": self.count, "shown": len(self.spans), "start": self.start, "length": self.length,
                "new_length": self.new_length, "whole": self.whole}


@dataclass(frozen=True)
class Preview:
    """One page of a preview: the changes of units `offset`… (at most `limit`), of `units` with a match in all,
    and the matches over every unit (`count`)."""

    changes: list[Change]
    units: int
    count: int
    offset: int
    limit: int

    def to_dict(self, replacement: str = "") -> dict[str, Any]:
        return {"changes": [c.to_dict(replacement) for c in self.changes], "count": self.count, "units": self.units,
                "offset": self.offset, "limit": self.limit, "more": self.offset + len(self.changes) < self.units}


def _units(view: ArticleView, lang: str) -> Iterator[tuple[str, int | None, Unit]]:
    summary = view.summaries.get(lang)
    if summary is not None:
        yield SUMMARY, None, summary
    for row, unit in view.units(lang):
        if unit is not None:
            yield row.id, row.number, unit


def _measure(pattern: re.Pattern[str], text: str, replacement: str) -> tuple[int, int]:
    """(matches, length after the change) in one pass, without building the new text."""
    count = matched = 0
    for m in pattern.finditer(text):
        count += 1
        matched += m.end() - m.start()
    return count, len(text) - matched + count * len(replacement)


def _change(name: str, number: int | None, unit: Unit, pattern: re.Pattern[str], replacement: str) -> Change | None:
    """The unit's change with its excerpt, in one pass over its text (None: no match)."""
    text = unit.text
    count = matched = 0
    start = end = 0
    shown: list[tuple[int, int]] = []
    cut: int | None = None  # the excerpt ends before the first match it does not show
    for m in pattern.finditer(text):
        s, e = m.span()
        if not count:
            start = max(0, s - CONTEXT)
            end = min(len(text), start + SHOWN_CHARS)
        count += 1
        matched += e - s
        if cut is None:
            if len(shown) < SHOWN_MATCHES and e <= end:
                shown.append((s, e))
            else:
                cut = s
    if not count:
        return None
    end = min(end, cut) if cut is not None else end
    pieces, at = [], start
    for s, e in shown:
        pieces += [text[at:s], replacement]
        at = e
    pieces.append(text[at:end])
    return Change(name, number, unit.revision_id, count, len(text), len(text) - matched + count * len(replacement),
                  start, text[start:end], "".join(pieces), tuple((s - start, e - start) for s, e in shown))


def preview(view: ArticleView, lang: str, search: Search, offset: int = 0, limit: int = PAGE) -> Preview:
    """The units of the article language whose current text has a match, `limit` of them from `offset`, each
    with its excerpt before and after the change; the totals count every unit."""
    if offset < 0 or not 0 < limit <= MAX_PAGE:
        raise ReplaceError(f"a preview page is 1 to {MAX_PAGE} units from an offset of 0 or more")
    pattern = search.pattern()
    changes: list[Change] = []
    units = count = 0
    for name, number, unit in _units(view, lang):
        if offset <= units < offset + limit:
            change = _change(name, number, unit, pattern, search.replacement)
            found = change.count if change else 0
            if change:
                changes.append(change)
        else:
            found = _measure(pattern, unit.text, search.replacement)[0]
        units += bool(found)
        count += found
    return Preview(changes, units, count, offset, limit)


@dataclass
class ReplaceReport:
    """Units changed (with their new revision) and units left alone (with why)."""

    changed: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"changed": self.changed, "skipped": self.skipped}


Pick = tuple[str, int | None]  # (unit, the revision the preview showed)


def apply(store: Store, view: ArticleView, lang: str, search: Search, picks: Sequence[Pick], *, author: str,
          drafts: frozenset[str] = frozenset()) -> ReplaceReport:
    """Replace in the picked units, each at the revision its preview showed: one revision per changed unit, one
    unit's new text in memory at a time."""
    if not picks:
        raise ReplaceError("pick the segments to change")
    if len(picks) > MAX_PICKS:
        raise ReplaceError(f"at most {MAX_PICKS} segments at once")
    pattern = search.pattern()
    picked = dict.fromkeys(picks)
    names = {name for name, _ in picked}
    current = {name: (number, unit) for name, number, unit in _units(view, lang) if name in names}
    report = ReplaceReport()
    for unit_name, base in picked:
        number, unit = current.get(unit_name, (None, None))
        count, new_length = _measure(pattern, unit.text, search.replacement) if unit else (0, 0)
        why = _refusal(unit, count, new_length, base, unit_name in drafts)
        if why or unit is None:
            report.skipped.append({"unit": unit_name, "why": why})
            continue
        new = pattern.sub(lambda _m: search.replacement, unit.text)
        _write(store, UnitRef.named(view.id, unit_name, lang), unit, new, (number, count), author, report)
    return report


def _refusal(unit: Unit | None, count: int, new_length: int, base: int | None, drafted: bool) -> str | None:
    if unit is None or not count:
        return "no match in its current text"
    if unit.revision_id != base:
        return f"its text changed since the preview (now revision {unit.revision_id})"
    if drafted:
        return "you have an unsaved draft there: save or discard it first"
    if new_length > max_text_chars():
        return f"the new text would be longer than {max_text_chars():,} characters"
    return None


def _write(store: Store, ref: UnitRef, unit: Unit, new: str, place: tuple[int | None, int], author: str,
           report: ReplaceReport) -> None:
    try:
        recorded = workflow.save(store, ref, new, author=author, base_revision_id=unit.revision_id, reviewed=False)
    except ConflictError as exc:
        report.skipped.append({"unit": ref.unit, "why": f"{exc.current_author or 'someone'} saved it meanwhile"})
        return
    report.changed.append({"unit": ref.unit, "number": place[0], "revision_id": recorded.revision_id,
                           "count": place[1]})
