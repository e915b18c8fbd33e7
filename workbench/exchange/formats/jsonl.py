"""JSONL: one record per article (metadata, translations, summaries, provenance) with its segments."""

from __future__ import annotations

import json

from ...review.views import unit_text
from ..registry import ExportOptions, Format, Item, register
from ..results import article_record


def export_jsonl(items: list[Item], opts: ExportOptions) -> bytes:
    lines = []
    for view, langs in items:
        record = article_record(view, langs)
        record["segments"] = [
            {"id": s.id, "kind": s.kind, "paragraph": s.paragraph, "source": s.source_text,
             **{lang: (unit_text(s.targets[lang], opts.source) or None) for lang in langs},
             "flags": {lang: list(unit.flags) for lang in langs if (unit := s.targets[lang])}}
            for s in view.segments]
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


register(Format("jsonl", "jsonl", export_jsonl, "one record per article with its segments"))
