"""What the in-place review editor (app/ui/grid.js) calls, as plain functions over a `Workbench`.

Each returns a dict with `ok`, through `handlers.expected_errors`, so a browser script or a gradio_client
script gets either a result or one line saying what went wrong; a refused save returns both texts.
"""

from __future__ import annotations

from typing import Any

from ..errors import WorkbenchError
from ..languages import TARGETS, check_target
from ..review.confidence import EXPLANATION, LOW_CONFIDENCE
from ..review.diff import diff_html
from ..review.qa import FLAG_HELP
from ..review.states import BLOCKING, approval_problems, review_counts
from .api import Workbench
from .handlers import Result, as_revision, as_seconds, expected_errors

SUMMARY = "summary"  # the unit name of an article language's summary


def _target(unit: str) -> tuple[str, str | None]:
    """("summary", None) for the summary, else ("segment", segment id)."""
    return ("summary", None) if unit == SUMMARY else ("segment", unit)


@expected_errors
def review_view(wb: Workbench, article_id: str, author: str) -> Result:
    """The article for the editor: segments with each language's text, state, flags and confidence; summaries;
    per-language counts and what blocks approval; the author's drafts; what the flags and marks mean."""
    view = wb.article(article_id)
    return {"ok": True, "article": view, "drafts": wb.drafts(article_id, author),
            "counts": {lang: review_counts(view, lang) for lang in TARGETS},
            "approval": {lang: approval_problems(view, lang) for lang in TARGETS},
            "flag_help": FLAG_HELP, "blocking": list(BLOCKING), "confidence_help": EXPLANATION,
            "low_confidence": LOW_CONFIDENCE, "read_only": wb.store.read_only}


def _matches(wb: Workbench, source: str, segment_id: str | None, lang: str) -> list[dict[str, Any]]:
    """Fuzzy memory matches with the Arabic words that differ from this segment's marked."""
    out = []
    for entry, score in wb.memory(lang).fuzzy(source, exclude_segment=segment_id):
        out.append({"score": score, "text": entry.text, "article_id": entry.article_id,
                    "source_diff_html": diff_html(entry.source, source)})
    return out


@expected_errors
def unit_details(wb: Workbench, article_id: str, unit: str, lang: str) -> Result:
    """One unit (a segment or "summary") in one language: source, machine output, current text, flags with their
    meaning, memory matches, glossary terms, and the full history."""
    target, segment_id = _target(unit)
    view = wb.article(article_id)
    if target == "summary":
        current, source = view["summaries"][check_target(lang)], ""
    else:
        seg = next((s for s in view["segments"] if s["id"] == segment_id), None)
        if seg is None:
            raise WorkbenchError(f"segment {segment_id} is not in article {article_id}")
        current, source = seg["targets"][check_target(lang)], seg["source_text"]
    machine = current["machine"]["text"] if current and current["machine"] else ""
    terms = [{"ar": " | ".join(t.ar), "forms": list(t.targets(lang)), "note": t.note}
             for t in wb.glossary().find(source)] if source else []
    history = [{"id": h["id"], "created": h["created"][:19].replace("T", " "), "author": h["author"], "origin": h["origin"],
                "reviewed": bool(h.get("reviewed")), "text": h["text"]}
               for h in reversed(wb.history(article_id, segment_id, lang, target))]
    return {"ok": True, "unit": unit, "lang": lang, "source": source, "machine": machine,
            "text": current["text"] if current else "", "revision_id": current["revision_id"] if current else None,
            "state": current["state"] if current else "untranslated", "flags": current["flags"] if current else [],
            "qa": current["qa"] if current else [], "confidence": current["confidence"] if current else None,
            "machine_diff_html": diff_html(machine, current["text"] if current else ""),
            "matches": _matches(wb, source, segment_id, lang) if source else [], "terms": terms, "history": history}


@expected_errors
def save_unit(wb: Workbench, article_id: str, unit: str, lang: str, text: str, base_revision_id: Any, author: str,
              reviewed: bool = True, seconds_open: Any = None) -> Result:
    """Save text (as reviewed unless `reviewed` is false); a conflict returns both texts and a word diff."""
    target, segment_id = _target(unit)
    rev = wb.save(article_id, segment_id, check_target(lang), text, author=author, base_revision_id=as_revision(base_revision_id),
                  target=target, seconds_open=as_seconds(seconds_open), reviewed=bool(reviewed))
    return {"ok": True, "revision_id": rev}


@expected_errors
def confirm_unit(wb: Workbench, article_id: str, unit: str, lang: str, base_revision_id: Any, author: str,
                 seconds_open: Any = None) -> Result:
    target, segment_id = _target(unit)
    rev = wb.confirm(article_id, segment_id, check_target(lang), author=author, base_revision_id=as_revision(base_revision_id),
                     target=target, seconds_open=as_seconds(seconds_open))
    return {"ok": True, "revision_id": rev}


@expected_errors
def restore_unit(wb: Workbench, article_id: str, unit: str, lang: str, revision_id: Any, base_revision_id: Any,
                 author: str) -> Result:
    """Put an old revision's text back as a new revision (origin "revert")."""
    target, segment_id = _target(unit)
    rev = wb.revert(article_id, segment_id, check_target(lang), int(revision_id), author=author,
                    base_revision_id=as_revision(base_revision_id), target=target)
    return {"ok": True, "revision_id": rev, "text": wb.store.revision(rev)["text"]}


@expected_errors
def compare(wb: Workbench, old_text: str, new_text: str) -> Result:
    return {"ok": True, "diff_html": diff_html(old_text or "", new_text or "")}


@expected_errors
def save_draft(wb: Workbench, article_id: str, unit: str, lang: str, text: str, base_revision_id: Any, author: str) -> Result:
    target, segment_id = _target(unit)
    wb.save_draft(article_id, segment_id, check_target(lang), text, author=author, base_revision_id=as_revision(base_revision_id),
                  target=target)
    return {"ok": True}


@expected_errors
def discard_draft(wb: Workbench, article_id: str, unit: str, lang: str, author: str) -> Result:
    target, segment_id = _target(unit)
    wb.store.discard_draft(article_id, segment_id, check_target(lang), author, target)
    return {"ok": True}


@expected_errors
def retranslate_unit(wb: Workbench, article_id: str, unit: str, lang: str, replace_edited: bool = False) -> Result:
    """New machine output for a segment (or a new summary); a person's text is kept unless `replace_edited`."""
    target, segment_id = _target(unit)
    if target == "summary":
        made = wb.summarize(article_id, check_target(lang), replace_edited=bool(replace_edited))
    else:
        made = bool(wb.retranslate(article_id, check_target(lang), [str(segment_id)], replace_edited=bool(replace_edited)))
    return {"ok": True, "replaced": made,
            "message": "New machine text stored." if made else "Kept the human text (ask to replace it)."}


@expected_errors
def approve(wb: Workbench, article_id: str, lang: str, author: str, override: str = "") -> Result:
    return {"ok": True, "status": wb.approve(article_id, check_target(lang), author, override=override or None)}
