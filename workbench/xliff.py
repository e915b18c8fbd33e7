"""XLIFF 1.2 export and re-import, built with lxml (escaping is lxml's job, never string formatting).

One <file> per article and target language, one <trans-unit> per translatable segment. `state` tells
machine output (needs-review-translation, mt-suggestion), edited text (translated) and approved text
(final). Notes carry flags and provenance; <alt-trans> carries fuzzy translation-memory matches. The
revision each target was exported from rides in `extradata`, so a re-import can tell an outside edit
from a conflict with an edit made here since.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from . import __version__
from .errors import ConflictError, ExportError, WorkbenchError
from .views import unit_text

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text safe for XML 1.0: characters XML cannot carry at all become U+FFFD (everything else is escaped by lxml)."""
    return _INVALID_XML.sub("\ufffd", text)


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NS}}}{tag}", {k.replace("_", "-"): v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = xml_text(text)
    return el


def _state(unit: dict[str, Any], approved: bool) -> tuple[str, str | None]:
    if approved:
        return "final", None
    if unit["origin"] == "memory":
        return "translated", "exact-match"
    if unit["edited"] or unit["origin"] in ("human", "revert", "xliff"):
        return "translated", None
    return "needs-review-translation", "mt-suggestion"


def build(items: list[tuple[dict[str, Any], list[str]]], *, source: str = "current",
          memories: dict[str, Any] | None = None) -> bytes:
    """An XLIFF 1.2 document with a <file> for each (article view, target language) of `items`."""
    root = etree.Element(f"{{{NS}}}xliff", nsmap={None: NS}, version="1.2")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for view, langs in items:
        for lang in langs:
            approved = view["status"].get(lang) == "approved"
            file_el = _el(root, "file", original=view["id"], source_language="ar", target_language=lang,
                          datatype="plaintext", product_name="arabic-news-workbench", product_version=__version__, date=now)
            header = _el(file_el, "header")
            _el(header, "tool", tool_id="arabic-news-workbench", tool_name="Arabic news workbench", tool_version=__version__)
            meta = "; ".join(f"{k}: {view[k]}" for k in ("title", "date", "source", "photo_credit") if view.get(k))
            if meta:
                _el(header, "note", meta, **{"from": "workbench"})
            if view["meaningless"]:
                _el(header, "note", "made by tiny random-weight models: the translations are meaningless",
                    **{"from": "workbench"}, priority="1")
            summary = view["summaries"].get(lang)
            if summary:
                _el(header, "note", f"summary ({lang}): {summary['text']}", **{"from": "workbench"})
            body = _el(file_el, "body")
            memory = (memories or {}).get(lang)
            for seg in view["segments"]:
                if seg["kind"] == "meta":
                    continue
                unit = seg["targets"].get(lang)
                extradata = f"kind={seg['kind']};paragraph={seg['paragraph']}"
                if unit:
                    extradata += f";revision={unit['revision_id']}"
                tu = _el(body, "trans-unit", id=seg["id"], resname=seg["kind"], extradata=extradata,
                         approved="yes" if approved and unit else None)
                tu.set(f"{{{XML_NS}}}space", "preserve")
                _el(tu, "source", seg["source_text"]).set(f"{{{XML_NS}}}lang", "ar")
                if unit:
                    text = unit_text(unit, source)
                    state, qualifier = _state(unit, approved)
                    target = _el(tu, "target", text, state=state, state_qualifier=qualifier)
                    target.set(f"{{{XML_NS}}}lang", lang)
                    if unit["flags"]:
                        _el(tu, "note", "flags: " + ", ".join(unit["flags"]) + ("; " + "; ".join(unit["qa"]) if unit["qa"] else ""),
                            **{"from": "workbench-qa"}, annotates="target", priority="2")
                    if unit["machine"]:
                        prov = unit["machine"]["provenance"]
                        described = ", ".join(f"{k}={prov.get(k)}" for k in ("model", "revision", "licence", "profile", "device")
                                              if prov.get(k) is not None)
                        if prov.get("pivot"):
                            described += f", via={prov['pivot']['via']}"
                        _el(tu, "note", f"machine output: {described}; author of current text: {unit['author']}",
                            **{"from": "workbench-provenance"}, annotates="target", priority="5")
                if memory is not None:
                    for entry, score in memory.fuzzy(seg["source_text"], exclude_segment=seg["id"]):
                        alt = _el(tu, "alt-trans", match_quality=f"{score:.0f}", origin="translation-memory")
                        _el(alt, "source", entry.source).set(f"{{{XML_NS}}}lang", "ar")
                        _el(alt, "target", entry.text).set(f"{{{XML_NS}}}lang", lang)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def validate(data: bytes, schema_path: str | Path) -> None:
    """Raise ExportError unless the document validates against the XLIFF 1.2 schema at `schema_path`."""
    schema = etree.XMLSchema(etree.parse(str(schema_path)))
    doc = etree.fromstring(data)
    if not schema.validate(doc):
        raise ExportError(f"XLIFF does not validate: {schema.error_log.last_error}")


# --------------------------------------------------------------------------- re-import
@dataclass
class XliffImportReport:
    applied: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.unknown

    def to_dict(self) -> dict[str, Any]:
        return {"applied": self.applied, "unchanged": self.unchanged, "conflicts": self.conflicts,
                "unknown": self.unknown, "ok": self.ok}


def _parse_extradata(value: str | None) -> dict[str, str]:
    out = {}
    for part in (value or "").split(";"):
        key, sep, val = part.partition("=")
        if sep:
            out[key.strip()] = val.strip()
    return out


def read_units(data: bytes, where: str) -> list[dict[str, Any]]:
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise WorkbenchError(f"{where}: not well-formed XML ({exc})") from exc
    if etree.QName(root).namespace != NS or etree.QName(root).localname != "xliff":
        raise WorkbenchError(f"{where}: not an XLIFF 1.2 document")
    units = []
    for file_el in root.iterfind(f"{{{NS}}}file"):
        lang = file_el.get("target-language")
        for tu in file_el.iter(f"{{{NS}}}trans-unit"):
            target = tu.find(f"{{{NS}}}target")
            units.append({
                "article_id": file_el.get("original"), "lang": lang, "id": tu.get("id"),
                "source": "".join(tu.find(f"{{{NS}}}source").itertext()) if tu.find(f"{{{NS}}}source") is not None else "",
                "target": None if target is None else "".join(target.itertext()),
                "revision": _parse_extradata(tu.get("extradata")).get("revision"),
            })
    return units


def import_xliff(wb: Any, path: str | Path) -> XliffImportReport:
    """Apply targets changed outside the workbench as new revisions by "xliff:<file>".

    A unit whose segment was changed here since the export is a conflict and is not applied; a unit
    whose id is unknown is reported; nothing is overwritten or lost.
    """
    path = Path(path)
    author = f"xliff:{path.name}"
    report = XliffImportReport()
    for unit in read_units(path.read_bytes(), str(path)):
        where = {"article_id": unit["article_id"], "segment_id": unit["id"], "lang": unit["lang"]}
        if unit["target"] is None:
            continue
        try:
            seg = wb.store.segment(unit["id"])
        except WorkbenchError:
            report.unknown.append({**where, "reason": "no such segment"})
            continue
        if seg["article_id"] != unit["article_id"] or unit["lang"] not in ("en", "ru"):
            report.unknown.append({**where, "reason": "segment belongs to another article or language is unknown"})
            continue
        if seg["source_text"] != unit["source"]:
            report.conflicts.append({**where, "reason": "the source sentence changed since the export"})
            continue
        history = wb.store.history(seg["article_id"], seg["id"], unit["lang"])
        current = history[-1] if history else None
        exported_rev = int(unit["revision"]) if unit["revision"] and unit["revision"] != "None" else None
        if current and unit["target"] == current["text"]:
            report.unchanged += 1
            continue
        base_text = next((r["text"] for r in history if r["id"] == exported_rev), None) if exported_rev else None
        if base_text is not None and unit["target"] == base_text:
            report.unchanged += 1  # untouched outside; the newer text here stays
            continue
        try:
            rev = wb.store.save_revision(seg["article_id"], seg["id"], unit["lang"], unit["target"], author=author,
                                         base_revision_id=exported_rev, origin="xliff")
        except ConflictError as exc:
            report.conflicts.append({**where, "reason": "changed in the workbench since the export",
                                     "workbench_text": exc.current_text, "xliff_text": unit["target"]})
            continue
        wb.store.set_status(seg["article_id"], unit["lang"], "in_review", author, only_if=("new", "machine"))
        report.applied.append({**where, "revision_id": rev})
    return report
