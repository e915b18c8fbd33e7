"""Review states of segments and the rules for approving an article language.

Each segment and language is `machine` (a model's or the memory's text, untouched), `edited` (a person changed
it but has not confirmed it), `reviewed` (a person confirmed it, edited or not) or `approved` (reviewed, in an
approved article language). An article language can be approved only when every segment is reviewed and no
blocking flag remains, or with an override whose reason is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import WorkbenchError
from .model import ArticleView, UnitState

STATES = ("machine", "edited", "reviewed", "approved")
BLOCKING = ("empty", "copy_of_source", "arabic_in_target", "numbers", "glossary", "stale_pivot", "meaningless_model")


class ApprovalRefused(WorkbenchError):
    """An approval the rules do not allow (yet): what is missing is in the message."""


def unit_state(reviewed: bool, edited: bool, approved: bool) -> UnitState:
    """The state of a unit that has text, in an article language that is `approved` or not."""
    if reviewed:
        return "approved" if approved else "reviewed"
    return "edited" if edited else "machine"


def blocking(flags: Iterable[str]) -> list[str]:
    return [f for f in flags if f in BLOCKING]


def review_counts(view: ArticleView, lang: str) -> dict[str, int]:
    """How many translatable segments are in each state (or `untranslated`), how many in all, how many `done`
    (reviewed or approved)."""
    counts = {state: 0 for state in (*STATES, "untranslated")}
    rows = list(view.units(lang))
    for _, unit in rows:
        counts[unit.state if unit else "untranslated"] += 1
    counts["total"] = len(rows)
    counts["done"] = counts["reviewed"] + counts["approved"]
    return counts


def approval_problems(view: ArticleView, lang: str) -> list[str]:
    """What stands between the article language and approval (empty: it may be approved)."""
    rows = list(view.units(lang))
    unreviewed = [s for s, unit in rows if not (unit and unit.reviewed)]
    flagged = [(s, found) for s, unit in rows if unit and (found := blocking(unit.flags))]
    problems = []
    if unreviewed:
        problems.append(f"{len(unreviewed)} of {len(rows)} segments not reviewed (first: #{unreviewed[0].position})")
    if flagged:
        names = sorted({f for _, fs in flagged for f in fs})
        problems.append(f"{len(flagged)} segments with blocking flags ({', '.join(names)}; first: #{flagged[0][0].position})")
    summary = view.summaries.get(lang)
    if summary and blocking(summary.flags):
        problems.append(f"the summary has blocking flags ({', '.join(blocking(summary.flags))})")
    return problems
