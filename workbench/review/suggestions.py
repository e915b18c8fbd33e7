"""The machine suggestions of one unit, as the editor shows them under the open segment.

First the run's own machine output (the text the unit was made with), then each further model's latest suggestion
(`store.suggestions`, made by `translate --suggest MODEL`); each with its model, licence, confidence, flags, the
language it was made from, and a word diff from the current text to it (what using it would change). Suggestions
with the same text as one listed before are left out.
"""

from __future__ import annotations

from typing import Any

from ..store import Store
from ..store.suggestions import latest
from .diff import diff_html
from .model import Unit

Suggestion = dict[str, Any]


def _item(kind: str, text: str, provenance: dict[str, Any], flags: list[str], current: str, created: str) -> Suggestion:
    llm = provenance.get("llm") or {}
    return {"kind": kind, "model": str(provenance.get("model", "?")), "licence": provenance.get("licence"),
            "engine": provenance.get("engine"), "text": text, "flags": list(flags),
            "confidence": provenance.get("confidence"), "from": str(provenance.get("task", "")).partition("→")[0],
            "notes": list(llm.get("notes") or []), "created": created, "meaningless": bool(provenance.get("meaningless")),
            "diff_html": diff_html(current, text), "same_as_current": text == current}


def unit_suggestions(store: Store, article_id: str, segment_id: str | None, lang: str, unit: Unit | None) -> list[Suggestion]:
    """The machine suggestions of a segment in `lang` (none for a summary), the run's output first."""
    if segment_id is None:
        return []
    current = unit.text if unit else ""
    out: list[Suggestion] = []
    machine = unit.machine if unit else None
    if machine is not None and not machine.provenance.get("memory"):
        out.append(_item("machine", machine.text, machine.provenance.to_dict(), list(machine.flags), current,
                         machine.created))
    seen = {s["text"] for s in out}
    for row in latest(store, article_id, segment_id, lang):
        if row["text"] in seen:
            continue
        seen.add(row["text"])
        out.append(_item("suggestion", row["text"], row["provenance"], row["flags"], current, row["created"]))
    return out
