"""Export articles to the formats translators use. Each format is one function over article views."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import ExportError
from .results import article_record, atomic_write
from .views import translation_text

Exporter = Callable[[list[dict[str, Any]], list[str], dict[str, Any]], bytes]
MEANINGLESS_BANNER = "[tiny random-weight models: this output is meaningless]"


def export_jsonl(views: list[dict[str, Any]], langs: list[str], opts: dict[str, Any]) -> bytes:
    lines = []
    for view in views:
        record = article_record(view, langs)
        record["segments"] = [
            {"id": s["id"], "kind": s["kind"], "paragraph": s["paragraph"], "source": s["source_text"],
             **{lang: (s["targets"][lang]["text"] if s["targets"][lang] else None) for lang in langs}}
            for s in view["segments"]]
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def export_txt(views: list[dict[str, Any]], langs: list[str], opts: dict[str, Any]) -> bytes:
    blocks = []
    for view in views:
        for lang in langs:
            head = f"# {view['id']} [{lang}]"
            if view["meaningless"]:
                head += f" {MEANINGLESS_BANNER}"
            summary = view["summaries"].get(lang)
            body = translation_text(view, lang, source=opts.get("source", "current"))
            blocks.append(head + ("\n\n" + summary["text"] if summary else "") + "\n\n" + body)
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


FORMATS: dict[str, Exporter] = {"jsonl": export_jsonl, "txt": export_txt}


def export(wb: Any, article_ids: list[str], langs: list[str], fmt: str, out: str | Path, **opts: Any) -> Path:
    """Write `article_ids` in format `fmt` to `out` (atomically) and return the path."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    views = [wb.article(a) for a in article_ids]
    atomic_write(out, FORMATS[fmt](views, langs, opts))
    return Path(out)
