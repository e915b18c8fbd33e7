"""Batch result files (`translate --out`): one record per article, JSONL or CSV, written atomically."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..files import atomic_write
from ..review.model import ArticleView
from ..review.views import translation_text
from .registry import spreadsheet_cell

RECORD_META = ("id", "title", "label", "date", "date_raw", "source", "photo_credit", "url", "source_file")
PROVENANCE = ("model", "revision", "licence", "profile", "task", "device", "template", "versions", "meaningless")


def article_record(view: ArticleView, langs: list[str]) -> dict[str, Any]:
    """Metadata, full translations rebuilt from segments, summaries, flags and provenance of one article."""
    meta = view.meta.to_dict()
    record: dict[str, Any] = {k: meta[k] for k in RECORD_META}
    record["status"] = {lang: view.status[lang] for lang in langs}
    record["meaningless"] = view.meaningless
    record["translations"] = {}
    record["summaries"] = {}
    record["flags"] = {}
    record["provenance"] = {}
    record["complete"] = {}
    for lang in langs:
        units = [unit for _, unit in view.units(lang)]
        record["complete"][lang] = all(units)
        record["translations"][lang] = translation_text(view, lang)
        summary = view.summaries.get(lang)
        record["summaries"][lang] = summary.text if summary else None
        record["flags"][lang] = {r.id: list(unit.flags) for r in view.segments if (unit := r.unit(lang)) and unit.flags}
        models: dict[str, dict[str, Any]] = {}
        for unit in [*units, summary]:
            if unit and unit.machine:
                prov = unit.machine.provenance.to_dict()
                models.setdefault(prov["model"], {k: prov.get(k) for k in PROVENANCE})
        record["provenance"][lang] = list(models.values())
    return record


def render_results(records: list[dict[str, Any]], fmt: str) -> bytes:
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    buf = io.StringIO()
    langs = sorted({lang for r in records for lang in r["translations"]})
    fields = ["id", "title", "date", "source", "photo_credit", "meaningless"]
    fields += [f"{kind}_{lang}" for lang in langs for kind in ("translation", "summary", "status", "flags", "models")]
    writer = csv.DictWriter(buf, fieldnames=fields, quoting=csv.QUOTE_ALL)  # every cell quoted (OWASP)
    writer.writeheader()
    for r in records:
        row = {k: r.get(k) for k in fields[:6]}
        for lang in langs:
            row[f"translation_{lang}"] = r["translations"].get(lang)
            row[f"summary_{lang}"] = r["summaries"].get(lang)
            row[f"status_{lang}"] = r["status"].get(lang)
            row[f"flags_{lang}"] = json.dumps(r["flags"].get(lang, {}), ensure_ascii=False)
            row[f"models_{lang}"] = " ".join(p["model"] for p in r["provenance"].get(lang, []))
        writer.writerow({k: spreadsheet_cell(v) for k, v in row.items()})  # no cell runs as a formula
    return buf.getvalue().encode("utf-8")


def write_results(records: list[dict[str, Any]], path: str | Path) -> str:
    fmt = "csv" if str(path).lower().endswith(".csv") else "jsonl"
    atomic_write(path, render_results(records, fmt))
    return fmt
