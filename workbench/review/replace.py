"""Find and replace within one article and language, with a preview of every change and one revision per changed
unit through the write path.

The search is plain text, never a pattern a client wrote: the text to find is escaped (`re.escape`) before it is
compiled, so matching a literal (case-insensitively, or as a whole word with look-arounds) is linear in the text
and cannot backtrack catastrophically. The replacement is inserted as it is (no `\\1` groups).

`preview` lists, for the summary and every translatable segment, the current text, the text after the change, the
places that change and the revision the preview was made on. `apply` changes the units the reviewer picked, each
only if it is still at that revision (a save in between is a conflict, reported, and that unit is left alone), as
one `workflow.save` each: the unit becomes `edited` (a person confirms it again in context), and a unit where the
reviewer has an unsaved draft is skipped rather than have the draft dropped by the save.
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
    """One unit's text before and after, with the places (start, end) in the old text that change."""

    unit: str  # a segment id, or "summary"
    number: int | None  # the grid's number (None: the summary)
    revision_id: int | None
    old: str
    new: str
    spans: tuple[tuple[int, int], ...]

    def new_spans(self, replacement: str) -> list[list[int]]:
        """Where the replacement stands in the new text."""
        out, shift = [], 0
        for start, end in self.spans:
            out.append([start + shift, start + shift + len(replacement)])
            shift += len(replacement) - (end - start)
        return out

    def to_dict(self, replacement: str = "") -> dict[str, Any]:
        return {"unit": self.unit, "number": self.number, "revision_id": self.revision_id, "old": self.old,
                "new": self.new, "spans": [list(s) for s in self.spans], "new_spans": self.new_spans(replacement),
                "count": len(self.spans)}


def _units(view: ArticleView, lang: str) -> Iterator[tuple[str, int | None, Unit]]:
    summary = view.summaries.get(lang)
    if summary is not None:
        yield SUMMARY, None, summary
    for row, unit in view.units(lang):
        if unit is not None:
            yield row.id, row.number, unit


def preview(view: ArticleView, lang: str, search: Search) -> list[Change]:
    """Every unit of the article language whose current text has a match, with its text after the change."""
    pattern = search.pattern()
    out = []
    for name, number, unit in _units(view, lang):
        spans = tuple(m.span() for m in pattern.finditer(unit.text) if m.end() > m.start())
        if spans:
            new = pattern.sub(lambda _m: search.replacement, unit.text)
            out.append(Change(name, number, unit.revision_id, unit.text, new, spans))
    return out


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
    """Replace in the picked units, each at the revision its preview showed: one revision per changed unit."""
    if not picks:
        raise ReplaceError("pick the segments to change")
    if len(picks) > MAX_PICKS:
        raise ReplaceError(f"at most {MAX_PICKS} segments at once")
    changes = {c.unit: c for c in preview(view, lang, search)}
    report = ReplaceReport()
    for unit, base in dict.fromkeys(picks):
        change = changes.get(unit)
        why = _refusal(change, base, unit in drafts)
        if why or change is None:
            report.skipped.append({"unit": unit, "why": why})
            continue
        _write(store, UnitRef.named(view.id, unit, lang), change, author, report)
    return report


def _refusal(change: Change | None, base: int | None, drafted: bool) -> str | None:
    if change is None:
        return "no match in its current text"
    if change.revision_id != base:
        return f"its text changed since the preview (now revision {change.revision_id})"
    if drafted:
        return "you have an unsaved draft there: save or discard it first"
    if len(change.new) > max_text_chars():
        return f"the new text would be longer than {max_text_chars():,} characters"
    return None


def _write(store: Store, ref: UnitRef, change: Change, author: str, report: ReplaceReport) -> None:
    try:
        recorded = workflow.save(store, ref, change.new, author=author, base_revision_id=change.revision_id,
                                 reviewed=False)
    except ConflictError as exc:
        report.skipped.append({"unit": ref.unit, "why": f"{exc.current_author or 'someone'} saved it meanwhile"})
        return
    report.changed.append({"unit": ref.unit, "number": change.number, "revision_id": recorded.revision_id,
                           "count": len(change.spans)})
