"""Post-editing effort: how much reviewers changed the machine output and how long it took them.

A unit (segment and language) counts as reviewed when its current text was saved by a person. For each group
(by model, language, reviewer or article): segments reviewed, the share edited (final text differs from the machine
output) rather than confirmed as it was, HTER (sacrebleu's TER from the machine output to the final text, over the
group), and editing time per segment and per source word (the time the editor had the segment open, summed over
that unit's saves; units saved without a recorded time, e.g. through the API or XLIFF, are left out of the times).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..store import Store, reads

GROUPS = ("model", "lang", "reviewer", "article")
HUMAN = ("human", "revert")


@dataclass
class _Group:
    machine: list[str] = field(default_factory=list)
    final: list[str] = field(default_factory=list)
    edited: int = 0
    seconds: float = 0.0
    timed_units: int = 0
    timed_words: int = 0


def effort(store: Store, by: str = "model") -> list[dict[str, Any]]:
    """One row per group: key, segments, edited_share, hter, seconds_per_segment, seconds_per_word."""
    if by not in GROUPS:
        raise ValueError(f"group by one of {', '.join(GROUPS)}")
    groups: dict[str, _Group] = {}
    for row in reads.edited_units(store):
        model = row["model"]
        key = {"model": model, "lang": row["lang"], "reviewer": row["author"], "article": row["article_id"]}[by]
        group = groups.setdefault(key, _Group())
        group.machine.append(row["machine_text"])
        group.final.append(row["text"])
        group.edited += row["text"] != row["machine_text"]
        if row["timed"]:
            group.seconds += row["seconds"] or 0.0
            group.timed_units += 1
            group.timed_words += len(row["source_text"].split())
    return [_row(by, key, g) for key, g in groups.items()]


def _row(by: str, key: str, group: _Group) -> dict[str, Any]:
    from sacrebleu.metrics import TER

    units = len(group.final)
    return {
        by: key, "segments": units, "edited": group.edited, "edited_share": round(group.edited / units, 3),
        "hter": round(TER().corpus_score(group.machine, [group.final]).score, 2),
        "seconds_per_segment": round(group.seconds / group.timed_units, 2) if group.timed_units else None,
        "seconds_per_word": round(group.seconds / group.timed_words, 3) if group.timed_words else None,
        "timed_segments": group.timed_units,
    }
