"""JSONL: one record per article (metadata, translations, summaries, provenance) with its segments; each segment
carries its reviewers' comments and dismissed flags per language, the record its summaries' comments."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...review.model import ArticleView, Unit
from ...review.views import unit_text
from ..registry import ExportOptions, Format, Item, register
from ..results import article_record


def _cat(view: ArticleView, unit: str, langs: list[str], units: Mapping[str, Unit | None]) -> dict[str, Any]:
    """A unit's comments and dismissed flags per language (only the languages that have some)."""
    comments = {lang: [c.to_dict() for c in view.comments if c.unit == unit and c.lang == lang] for lang in langs}
    dismissed = {lang: [d.to_dict() for d in u.dismissed] for lang in langs if (u := units.get(lang)) and u.dismissed}
    return {"comments": {lang: found for lang, found in comments.items() if found}, "dismissed": dismissed}


def export_jsonl(items: list[Item], opts: ExportOptions) -> bytes:
    lines = []
    for view, langs in items:
        record = article_record(view, langs)
        record["segments"] = [
            {"id": s.id, "kind": s.kind, "paragraph": s.paragraph, "source": s.source_text,
             **{lang: (unit_text(s.targets[lang], opts.source) or None) for lang in langs},
             "flags": {lang: list(unit.flags) for lang in langs if (unit := s.targets[lang])},
             **_cat(view, s.id, langs, s.targets)}
            for s in view.segments]
        record["summary_comments"] = _cat(view, "summary", langs, view.summaries)["comments"]
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


register(Format("jsonl", "jsonl", export_jsonl, "one record per article with its segments"))
