"""Read-side views of the store: an article with its segments, outputs, revisions and flags.

The CLI (`show --json`), the Python API, the UI and the exporters all read articles through here.
"""

from __future__ import annotations

from typing import Any

from ..languages import TARGETS
from ..store import Store
from ..text.articles import label_for, rebuild
from .confidence import is_low, unit_confidence
from .glossary import Glossary, Term
from .qa import review, unique
from .states import unit_state
from .summary_checks import check_summary


def _unit(machine: dict | None, current: dict | None) -> dict[str, Any] | None:
    if machine is None and current is None:
        return None
    flags = list(machine["flags"]) if machine else []
    edited = bool(current and current["origin"] != "machine" and (machine is None or current["text"] != machine["text"]))
    unit = {
        "machine": None if machine is None else {
            "id": machine["id"], "text": machine["text"], "flags": machine["flags"],
            "provenance": machine["provenance"], "created": machine["created"],
        },
        "text": current["text"] if current else machine["text"],  # type: ignore[index]
        "revision_id": current["id"] if current else None,
        "author": current["author"] if current else None,
        "origin": current["origin"] if current else None,
        "updated": current["created"] if current else None,
        "edited": edited,
        "reviewed": bool(current and current.get("reviewed")),
        "flags": flags,
        "qa": [],
    }
    unit["confidence"] = unit_confidence(unit)  # the model's, while the text is still the machine's
    return unit


def _segment_flags(unit: dict[str, Any], source: str, lang: str, glossary: Glossary | None,
                   terms: list[Term] | None) -> None:
    """Flags of the current text: QA checks against the Arabic source, plus model-level marks."""
    flags, unit["qa"] = review(source, unit["text"], "ar", lang, glossary, terms)
    machine = unit["machine"]
    if machine and not unit["edited"] and "meaningless_model" in machine["flags"]:
        flags.append("meaningless_model")
    if is_low(unit["confidence"]):
        flags.append("low_confidence")
    unit["flags"] = unique(flags)


def _summaries(machine: dict, current: dict, langs: tuple[str, ...], source: str,
               glossary: Glossary | None) -> dict[str, dict[str, Any] | None]:
    """Each language's summary unit, flagged by the summary checks on its current text."""
    out = {}
    for lang in langs:
        unit = _unit(machine.get(("summary", None, lang)), current.get(("summary", None, lang)))
        if unit:
            flags, unit["qa"] = check_summary(source, unit["text"], lang, glossary)
            if unit["machine"] and not unit["edited"] and "meaningless_model" in unit["machine"]["flags"]:
                flags.append("meaningless_model")
            if is_low(unit["confidence"]):
                flags.append("low_confidence")
            unit["flags"] = unique(flags)
        out[lang] = unit
    return out


def article_view(store: Store, article_id: str, langs: tuple[str, ...] = TARGETS,
                 glossary: Glossary | None = None) -> dict[str, Any]:
    """Metadata, per-language status and summaries, and every segment with its source and each language's
    machine output (with provenance and flags) and current text (with revision id)."""
    article = store.article(article_id)
    segments = store.segments(article_id)
    machine = store.latest_machine_outputs(article_id)
    current = store.current_revisions(article_id)
    statuses = store.statuses(article_id)
    rows = []
    for seg in segments:
        row = {k: seg[k] for k in ("id", "position", "paragraph", "kind", "role", "source_text", "start", "end")}
        row["targets"] = {}
        terms = glossary.find(seg["source_text"]) if glossary is not None and seg["kind"] != "meta" else None
        for lang in langs:
            unit = _unit(machine.get(("segment", seg["id"], lang)), current.get(("segment", seg["id"], lang)))
            if unit:
                _segment_flags(unit, seg["source_text"], lang, glossary, terms)
            if unit and lang != "en" and unit["machine"]:
                pivot = (unit["machine"]["provenance"] or {}).get("pivot")
                en = current.get(("segment", seg["id"], pivot["via"])) if pivot else None
                if pivot and en and en["id"] != pivot.get("input_revision_id"):
                    unit["flags"] = [*unit["flags"], "stale_pivot"]
            row["targets"][lang] = unit
        rows.append(row)
    translatable = [r for r in rows if r["kind"] != "meta"]
    summaries = _summaries(machine, current, langs, rebuild(translatable), glossary)
    for lang in langs:
        approved = statuses.get(lang) == "approved"
        for unit in [r["targets"][lang] for r in rows] + [summaries[lang]]:
            if unit:
                unit["state"] = unit_state(unit, approved)
    progress = {lang: {"done": sum(1 for r in translatable if r["targets"][lang]), "total": len(translatable),
                       "reviewed": sum(1 for r in translatable if (r["targets"][lang] or {}).get("reviewed"))}
                for lang in langs}
    meaningless = any(
        (u and u["machine"] and u["machine"]["provenance"].get("meaningless"))
        for r in rows for u in r["targets"].values()) or any(
        (u and u["machine"] and u["machine"]["provenance"].get("meaningless")) for u in summaries.values())
    return {
        "id": article["id"],
        "title": article["title"],
        "label": label_for(article["title"], article["cleaned_text"]),
        "date": article["date"],
        "date_raw": article["date_raw"],
        "source": article["source"],
        "source_raw": article["source_raw"],
        "photo_credit": article["photo_credit"],
        "publisher": article["publisher"],
        "url": article["url"],
        "source_file": article["path"],  # not "path": gradio_client would take the dict for a file
        "encoding": article["encoding"],
        "warnings": article["warnings"],
        "content_hash": article["content_hash"],
        "status": {lang: statuses.get(lang, "new") for lang in langs},
        "progress": progress,
        "meaningless": bool(meaningless),
        "summaries": summaries,
        "segments": rows,
    }


def unit_text(unit: dict[str, Any] | None, source: str = "current") -> str:
    """A unit's current text, or its raw machine output when `source` is "machine" (and there is one)."""
    if unit is None:
        return ""
    return unit["machine"]["text"] if source == "machine" and unit["machine"] else unit["text"]


def translation_text(view: dict[str, Any], lang: str, *, source: str = "current", include_meta: bool = False) -> str:
    """The full translation rebuilt from segments in order ("current" text or raw "machine" output)."""
    rows = [r for r in view["segments"] if include_meta or r["kind"] != "meta"]
    texts = []
    for r in rows:
        unit = r["targets"].get(lang)
        texts.append(r["source_text"] if unit is None and r["kind"] == "meta" else unit_text(unit, source))
    return rebuild(rows, texts)


def list_view(store: Store, langs: tuple[str, ...] = TARGETS) -> list[dict[str, Any]]:
    """One row per article: id, label, title, date, source, photo credit, segment counts, status per language."""
    out = []
    for item in store.list_articles():
        out.append({
            "id": item["id"],
            "title": item["title"],
            "label": label_for(item["title"], item["label_text"]),
            "date": item["date"] or item["date_raw"],
            "source": item["source"],
            "photo_credit": item["photo_credit"],
            "segments": item["segments"] or 0,
            "body_segments": item["body_segments"] or 0,
            "status": {lang: item["status"].get(lang, "new") for lang in langs},
        })
    return out
