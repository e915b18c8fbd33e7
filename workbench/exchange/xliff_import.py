"""Bringing back an XLIFF 1.2 file edited outside the workbench: changed targets become revisions,
conflicts with edits made here since the export are reported and not applied."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import ConflictError, WorkbenchError
from ..languages import TARGETS
from ..review import workflow
from ..store import Store
from ..units import UnitRef
from .formats.xliff import NS

_DIGITS = re.compile(r"[0-9]+")


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


@dataclass(frozen=True, slots=True)
class XliffUnit:
    """One <trans-unit> as the file has it (nothing checked yet): which unit it names, its texts, and the revision
    it was exported from."""

    article_id: str | None  # the <file>'s `original`
    lang: str | None  # the <file>'s `target-language`
    segment_id: str | None  # the <trans-unit>'s id
    source: str
    target: str | None  # None: no <target>
    revision: str | None  # from `extradata`

    @property
    def where(self) -> dict[str, str | None]:
        return {"article_id": self.article_id, "segment_id": self.segment_id, "lang": self.lang}

    @property
    def revision_is_valid(self) -> bool:
        """No revision, or a number written in ASCII digits (`int` would refuse "²", which `isdigit` accepts)."""
        return self.revision in (None, "", "None") or bool(_DIGITS.fullmatch(str(self.revision)))

    @property
    def exported_revision(self) -> int | None:
        return int(self.revision) if self.revision and _DIGITS.fullmatch(self.revision) else None


def read_units(data: bytes, where: str) -> list[XliffUnit]:
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
            source = tu.find(f"{{{NS}}}source")
            units.append(XliffUnit(
                article_id=file_el.get("original"), lang=lang, segment_id=tu.get("id"),
                source="".join(source.itertext()) if source is not None else "",
                target=None if target is None else "".join(target.itertext()),
                revision=_parse_extradata(tu.get("extradata")).get("revision")))
    return units


def import_xliff(store: Store, path: str | Path) -> XliffImportReport:
    """Apply targets changed outside the workbench as new revisions by "xliff:<file>".

    A unit whose segment was changed here since the export is a conflict and is not applied; a unit
    whose id is unknown is reported; nothing is overwritten or lost. Each applied target is a person's revision
    through the one write path (`review.workflow.save`), so it returns an approved language to review.
    """
    path = Path(path)
    author = f"xliff:{path.name}"
    report = XliffImportReport()
    units = read_units(path.read_bytes(), str(path))  # the whole file is read and checked before anything is applied
    for unit in units:
        where = unit.where
        if unit.target is None:
            continue
        if not unit.revision_is_valid:
            report.unknown.append({**where, "reason": f"its extradata revision {unit.revision!r} is not a number"})
            continue
        try:
            seg = store.segment(unit.segment_id or "")
        except WorkbenchError:
            report.unknown.append({**where, "reason": "no such segment"})
            continue
        if seg["article_id"] != unit.article_id or unit.lang not in TARGETS:
            report.unknown.append({**where, "reason": "segment belongs to another article or language is unknown"})
            continue
        if seg["source_text"] != unit.source:
            report.conflicts.append({**where, "reason": "the source sentence changed since the export"})
            continue
        history = store.history(seg["article_id"], seg["id"], unit.lang)
        current = history[-1] if history else None
        exported_rev = unit.exported_revision
        if current and unit.target == current["text"]:
            report.unchanged += 1
            continue
        base_text = next((r["text"] for r in history if r["id"] == exported_rev), None) if exported_rev else None
        if base_text is not None and unit.target == base_text:
            report.unchanged += 1  # untouched outside; the newer text here stays
            continue
        try:
            recorded = workflow.save(store, UnitRef(seg["article_id"], seg["id"], unit.lang), unit.target,
                                     author=author, base_revision_id=exported_rev, origin="xliff")
        except ConflictError as exc:
            report.conflicts.append({**where, "reason": "changed in the workbench since the export",
                                     "workbench_text": exc.current_text, "xliff_text": unit.target})
            continue
        report.applied.append({**where, "revision_id": recorded.revision_id})
    return report
