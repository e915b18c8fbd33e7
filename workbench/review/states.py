"""Review states of segments and the rules for approving an article language.

Each segment and language is `machine` (a model's or the memory's text, untouched), `edited` (a person changed
it but has not confirmed it), `reviewed` (a person confirmed it, edited or not) or `approved` (reviewed, in an
approved article language). An article language can be approved only when every segment is reviewed and no
blocking flag remains, or with an override whose reason is recorded.
"""

from __future__ import annotations

from typing import Any

from ..errors import WorkbenchError

STATES = ("machine", "edited", "reviewed", "approved")
BLOCKING = ("empty", "copy_of_source", "arabic_in_target", "numbers", "glossary", "stale_pivot", "meaningless_model")


class ApprovalRefused(WorkbenchError):
    """An approval the rules do not allow (yet): what is missing is in the message."""


def unit_state(unit: dict[str, Any] | None, approved: bool) -> str:
    if unit is None:
        return "untranslated"
    if unit.get("reviewed"):
        return "approved" if approved else "reviewed"
    return "edited" if unit.get("edited") else "machine"


def blocking(flags: list[str]) -> list[str]:
    return [f for f in flags if f in BLOCKING]


def review_counts(view: dict[str, Any], lang: str) -> dict[str, int]:
    """How many translatable segments are in each state, and how many in all."""
    counts = {state: 0 for state in (*STATES, "untranslated")}
    rows = [s for s in view["segments"] if s["kind"] != "meta"]
    for seg in rows:
        unit = seg["targets"].get(lang)
        counts[unit["state"] if unit else "untranslated"] += 1
    counts["total"] = len(rows)
    counts["done"] = counts["reviewed"] + counts["approved"]
    return counts


def approval_problems(view: dict[str, Any], lang: str) -> list[str]:
    """What stands between the article language and approval (empty: it may be approved)."""
    rows = [s for s in view["segments"] if s["kind"] != "meta"]
    unreviewed = [s for s in rows if not (s["targets"].get(lang) or {}).get("reviewed")]
    flagged = [(s, blocking(s["targets"][lang]["flags"])) for s in rows if s["targets"].get(lang)]
    flagged = [(s, f) for s, f in flagged if f]
    problems = []
    if unreviewed:
        problems.append(f"{len(unreviewed)} of {len(rows)} segments not reviewed (first: #{unreviewed[0]['position']})")
    if flagged:
        names = sorted({f for _, fs in flagged for f in fs})
        problems.append(f"{len(flagged)} segments with blocking flags ({', '.join(names)}; first: #{flagged[0][0]['position']})")
    summary = (view.get("summaries") or {}).get(lang)
    if summary and blocking(summary["flags"]):
        problems.append(f"the summary has blocking flags ({', '.join(blocking(summary['flags']))})")
    return problems
