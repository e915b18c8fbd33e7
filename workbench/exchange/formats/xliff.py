"""XLIFF 1.2 export and re-import, built with lxml (escaping is lxml's job, never string formatting).

One <file> per article and target language, one <trans-unit> per translatable segment. `state` tells
machine output (needs-review-translation, mt-suggestion), edited text (translated) and approved text
(final). Notes carry flags and provenance, reviewers' comments (author in `from`) and dismissed flags; <alt-trans> carries fuzzy translation-memory matches. The
revision each target was exported from rides in `extradata`, so a re-import can tell an outside edit
from a conflict with an edit made here since.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from ... import __version__
from ...errors import ExportError
from ...review.comments import Comment
from ...review.memory import TranslationMemory
from ...review.model import ArticleView, SegmentRow, Unit
from ...review.views import unit_text
from ..registry import ExportOptions, Format, Item, register

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text safe for XML 1.0: characters XML cannot carry at all (controls, lone surrogates) become U+FFFD
    (everything else is escaped by lxml)."""
    return _INVALID_XML.sub("\ufffd", text)


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str | None) -> etree._Element:
    """An element whose text and attribute values are made XML-safe (a comment author with \\x02 in `from` stopped
    the whole export)."""
    el = etree.SubElement(parent, f"{{{NS}}}{tag}",
                          {k.replace("_", "-"): xml_text(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = xml_text(text)
    return el


def _state(unit: Unit, approved: bool) -> tuple[str, str | None]:
    if approved and unit.reviewed:
        return "final", None
    if unit.reviewed:
        return "signed-off", None
    if approved:  # approved by an override, this segment unreviewed
        return "translated", None
    if unit.origin == "memory":
        return "translated", "exact-match"
    if unit.edited or unit.origin in ("human", "revert", "xliff"):
        return "translated", None
    return "needs-review-translation", "mt-suggestion"


def _notes(tu: etree._Element, unit: Unit) -> None:
    """A unit's flags, the machine output's provenance and the model's confidence, as notes on the target."""
    if unit.flags:
        _el(tu, "note", "flags: " + ", ".join(unit.flags) + ("; " + "; ".join(unit.qa) if unit.qa else ""),
            **{"from": "workbench-qa"}, annotates="target", priority="2")
    if unit.machine:
        prov = unit.machine.provenance
        described = ", ".join(f"{k}={prov.get(k)}" for k in ("model", "revision", "licence", "profile", "device")
                              if prov.get(k) is not None)
        if prov.pivot:
            described += f", via={prov.pivot.via}"
        _el(tu, "note", f"machine output: {described}; author of current text: {unit.author}",
            **{"from": "workbench-provenance"}, annotates="target", priority="5")
    if unit.confidence:
        conf = unit.confidence
        least = ", ".join(conf.least_sure)
        _el(tu, "note", f"model confidence: {conf.score:.4f} (geometric-mean token probability over "
            f"{conf.tokens} tokens; least sure: {least})", **{"from": "workbench-confidence"},
            annotates="target", priority="3")


def _cat_notes(parent: etree._Element, unit: Unit | None, comments: list[Comment]) -> None:
    """The unit's comments (author in `from`, open or resolved, time, text) and its dismissed flags, as notes."""
    for c in comments:
        state = f"resolved by {c.resolved_by}" if c.resolved else "open"
        _el(parent, "note", f"comment ({state}, {c.created[:19].replace('T', ' ')}): {c.text}", **{"from": c.author},
            annotates="target" if c.unit != "summary" else "general", priority="4" if c.resolved else "2")
    for d in unit.dismissed if unit else ():
        _el(parent, "note", f"dismissed flag {d.flag} by {d.author}: {d.reason}", **{"from": "workbench-qa"},
            annotates="target", priority="6")


def _comments_by_unit(view: ArticleView, lang: str) -> dict[str, list[Comment]]:
    out: dict[str, list[Comment]] = {}
    for c in view.comments:
        if c.lang == lang:
            out.setdefault(c.unit, []).append(c)
    return out


def _file(root: etree._Element, view: ArticleView, lang: str, now: str) -> etree._Element:
    """The <file> of one article language with its header notes (metadata, meaningless models, summary); its body."""
    file_el = _el(root, "file", original=view.id, source_language="ar", target_language=lang, datatype="plaintext",
                  product_name="arabic-news-workbench", product_version=__version__, date=now)
    header = _el(file_el, "header")
    _el(header, "tool", tool_id="arabic-news-workbench", tool_name="Arabic news workbench", tool_version=__version__)
    facts = view.meta.to_dict()
    meta = "; ".join(f"{k}: {facts[k]}" for k in ("title", "date", "source", "photo_credit") if facts.get(k))
    if meta:
        _el(header, "note", meta, **{"from": "workbench"})
    if view.meaningless:
        _el(header, "note", "made by tiny random-weight models: the translations are meaningless",
            **{"from": "workbench"}, priority="1")
    override = view.status_override.get(lang)
    if override:
        _el(header, "note", f"approved with an override, past the approval rules: {override}",
            **{"from": "workbench-approval"}, priority="1")
    summary = view.summaries.get(lang)
    if summary:
        _el(header, "note", f"summary ({lang}): {summary.text}", **{"from": "workbench"})
        _cat_notes(header, summary, _comments_by_unit(view, lang).get("summary", []))
    return _el(file_el, "body")


def _trans_unit(body: etree._Element, seg: SegmentRow, lang: str, approved: bool, source: str,
                memory: TranslationMemory | None, comments: list[Comment]) -> None:
    """One <trans-unit>: the Arabic, the target with its state and notes, and fuzzy memory matches."""
    unit = seg.unit(lang)
    extradata = f"kind={seg.kind};paragraph={seg.paragraph}"
    if unit:
        extradata += f";revision={unit.revision_id}"
    tu = _el(body, "trans-unit", id=seg.id, resname=seg.kind, extradata=extradata,
             approved="yes" if approved and unit else None)
    tu.set(f"{{{XML_NS}}}space", "preserve")
    _el(tu, "source", seg.source_text).set(f"{{{XML_NS}}}lang", "ar")
    if unit:
        state, qualifier = _state(unit, approved)
        target = _el(tu, "target", unit_text(unit, source), state=state, state_qualifier=qualifier)
        target.set(f"{{{XML_NS}}}lang", lang)
        _notes(tu, unit)
    _cat_notes(tu, unit, comments)
    if memory is not None:
        for entry, score in memory.fuzzy(seg.source_text, exclude_segment=seg.id):
            alt = _el(tu, "alt-trans", match_quality=f"{score:.0f}", origin="translation-memory")
            _el(alt, "source", entry.source).set(f"{{{XML_NS}}}lang", "ar")
            _el(alt, "target", entry.text).set(f"{{{XML_NS}}}lang", lang)


def build(items: list[Item], *, source: str = "current", memories: dict[str, TranslationMemory] | None = None) -> bytes:
    """An XLIFF 1.2 document with a <file> for each (article view, target language) of `items`."""
    root = etree.Element(f"{{{NS}}}xliff", nsmap={None: NS}, version="1.2")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for view, langs in items:
        for lang in langs:
            body = _file(root, view, lang, now)
            approved = view.status.get(lang) == "approved"
            comments = _comments_by_unit(view, lang)
            for seg in view.translatable:
                _trans_unit(body, seg, lang, approved, source, (memories or {}).get(lang), comments.get(seg.id, []))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def validate(data: bytes, schema_path: str | Path) -> None:
    """Raise ExportError unless the document validates against the XLIFF 1.2 schema at `schema_path`."""
    schema = etree.XMLSchema(etree.parse(str(schema_path)))
    doc = etree.fromstring(data)
    if not schema.validate(doc):
        raise ExportError(f"XLIFF does not validate: {schema.error_log.last_error}")


def export_xliff(items: list[Item], opts: ExportOptions) -> bytes:
    return build(items, source=opts.source, memories=opts.memories)


register(Format("xliff", "xlf", export_xliff, "XLIFF 1.2 for CAT tools", wants_memory=True))
