"""Review states of segments and the rules for approving an article language.

Each segment and language is `machine` (a model's or the memory's text, untouched), `edited` (a person changed
it but has not confirmed it), `reviewed` (a person confirmed it, edited or not) or `approved` (reviewed, in an
approved article language). An article language can be approved only when every segment is reviewed and no
blocking flag remains, or with an override whose reason is recorded. `stale_pivot` (the pivot language's text
changed since this text was made) blocks only a text no person reviewed; on a reviewed one it is a warning, which
the reviewer clears by saying it is still correct (`review.workflow.confirm_pivot`).

The article language's statuses (new, machine, in_review, approved) and which event moves them are the table
`review.workflow.TRANSITIONS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import WorkbenchError
from .model import ArticleView, UnitState

STATES = ("machine", "edited", "reviewed", "approved")
BLOCKING = ("empty", "copy_of_source", "arabic_in_target", "numbers", "glossary", "stale_pivot", "meaningless_model",
            "bidi_control")  # an approver could see another order than what is stored and published
WARNING_WHEN_REVIEWED = ("stale_pivot",)  # a reviewed text keeps these as warnings: a person vouched for it


class ApprovalRefused(WorkbenchError):
    """An approval the rules do not allow (yet): what is missing is in the message."""


class ApprovalStale(WorkbenchError):
    """An approval of an article that changed since the approver saw it (no override approves it)."""


def unit_state(reviewed: bool, edited: bool, approved: bool) -> UnitState:
    """The state of a unit that has text, in an article language that is `approved` or not."""
    if reviewed:
        return "approved" if approved else "reviewed"
    return "edited" if edited else "machine"


def blocking(flags: Iterable[str], reviewed: bool = False) -> list[str]:
    """The flags of `flags` that block approval (for a `reviewed` text, not those it keeps as warnings)."""
    return [f for f in flags if f in BLOCKING and not (reviewed and f in WARNING_WHEN_REVIEWED)]


def pivot_is_stale(via_text: str | None, made_from: str, made_from_revision: int | None,
                   check: Mapping[str, Any] | None) -> bool:
    """Whether a text made through a pivot language is stale: the pivot language's current text (`via_text`)
    differs from the one it answers to. That is the newer of the pivot text its machine output was made from
    (`made_from`, at revision `made_from_revision`) and the pivot text a person last wrote or confirmed it against
    (`check`: a `Store.pivot_checks` record). Text, not revision ids: a pivot confirmed unchanged is not a change."""
    if via_text is None:
        return False
    reference = made_from
    if check is not None and (made_from_revision is None or check["via_revision_id"] >= made_from_revision):
        reference = check["via_text"]
    return via_text != reference


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
    """What stands between the article language and approval (empty: it may be approved). Segments are named by
    the grid's numbers ("first: #1" is the first translatable row; meta lines are not counted)."""
    rows = list(view.units(lang))
    unreviewed = [s for s, unit in rows if not (unit and unit.reviewed)]
    flagged = [(s, found) for s, unit in rows if unit and (found := list(unit.blocking))]
    problems = []
    if unreviewed:
        problems.append(f"{len(unreviewed)} of {len(rows)} segments not reviewed (first: #{unreviewed[0].number})")
    if flagged:
        names = sorted({f for _, fs in flagged for f in fs})
        problems.append(f"{len(flagged)} segments with blocking flags ({', '.join(names)}; first: #{flagged[0][0].number})")
    summary = view.summaries.get(lang)
    if summary and summary.blocking:
        problems.append(f"the summary has blocking flags ({', '.join(summary.blocking)})")
    return problems
