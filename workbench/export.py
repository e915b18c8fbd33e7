"""Export articles to the formats translators use: XLIFF 1.2, TMX 1.4, JSONL, CSV, TSV, DOCX, TXT.

Each format is one function over (article view, languages) pairs; `export` picks the articles and
languages (optionally only approved ones) and writes the file atomically.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import __version__
from .errors import ExportError
from .results import article_record, atomic_write
from .views import translation_text, unit_text
from .xliff import build as build_xliff
from .xliff import xml_text

Item = tuple[dict[str, Any], list[str]]  # an article view and the languages to export from it
MEANINGLESS_BANNER = "[tiny random-weight models: this output is meaningless]"


def export_jsonl(items: list[Item], opts: dict[str, Any]) -> bytes:
    lines = []
    for view, langs in items:
        record = article_record(view, langs)
        record["segments"] = [
            {"id": s["id"], "kind": s["kind"], "paragraph": s["paragraph"], "source": s["source_text"],
             **{lang: (unit_text(s["targets"][lang], opts["source"]) or None) for lang in langs},
             "flags": {lang: s["targets"][lang]["flags"] for lang in langs if s["targets"][lang]}}
            for s in view["segments"]]
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _rows(items: list[Item], opts: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    header = ["article_id", "segment_id", "kind", "paragraph", "lang", "source", "target", "state", "flags",
              "author", "model", "meaningless"]
    rows = []
    for view, langs in items:
        for lang in langs:
            for s in view["segments"]:
                if s["kind"] == "meta":
                    continue
                unit = s["targets"][lang]
                state = "" if unit is None else "approved" if view["status"][lang] == "approved" else (
                    "edited" if unit["edited"] else unit["origin"] or "")
                model = unit["machine"]["provenance"].get("model", "") if unit and unit["machine"] else ""
                rows.append([view["id"], s["id"], s["kind"], str(s["paragraph"]), lang, s["source_text"],
                             unit_text(unit, opts["source"]), state, " ".join(unit["flags"]) if unit else "",
                             unit["author"] if unit else "", model, "yes" if view["meaningless"] else ""])
    return header, rows


def _delimited(items: list[Item], opts: dict[str, Any], dialect: str) -> bytes:
    header, rows = _rows(items, opts)
    buf = io.StringIO()
    if dialect == "tsv":  # one line per segment: tabs and newlines inside text become spaces
        buf.write("\t".join(header) + "\n")
        for row in rows:
            buf.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in row) + "\n")
    else:
        writer = csv.writer(buf)
        writer.writerow(header)
        writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def export_csv(items: list[Item], opts: dict[str, Any]) -> bytes:
    return _delimited(items, opts, "csv")


def export_tsv(items: list[Item], opts: dict[str, Any]) -> bytes:
    return _delimited(items, opts, "tsv")


def export_txt(items: list[Item], opts: dict[str, Any]) -> bytes:
    blocks = []
    for view, langs in items:
        for lang in langs:
            head = f"# {view['id']} [{lang}]"
            if view["meaningless"]:
                head += f" {MEANINGLESS_BANNER}"
            summary = view["summaries"].get(lang)
            body = translation_text(view, lang, source=opts["source"])
            blocks.append(head + ("\n\n" + summary["text"] if summary else "") + "\n\n" + body)
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


def export_xliff(items: list[Item], opts: dict[str, Any]) -> bytes:
    return build_xliff(items, source=opts["source"], memories=opts.get("memories"))


def export_tmx(items: list[Item], opts: dict[str, Any]) -> bytes:
    """TMX 1.4: one <tu> per segment with its Arabic and each exported language that has text."""
    from lxml import etree


    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    root = etree.Element("tmx", version="1.4")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    etree.SubElement(root, "header", creationtool="arabic-news-workbench", creationtoolversion=__version__,
                     segtype="sentence", **{"o-tmf": "arabic-news-workbench"}, adminlang="en", srclang="ar",
                     datatype="plaintext", creationdate=stamp)
    body = etree.SubElement(root, "body")
    for view, langs in items:
        for s in view["segments"]:
            if s["kind"] == "meta":
                continue
            units = {lang: s["targets"][lang] for lang in langs if s["targets"][lang] and unit_text(s["targets"][lang], opts["source"]).strip()}
            if not units:
                continue
            tu = etree.SubElement(body, "tu", tuid=s["id"], creationdate=stamp)
            etree.SubElement(tu, "prop", type="x-article").text = view["id"]
            etree.SubElement(tu, "prop", type="x-kind").text = s["kind"]
            if view["meaningless"]:
                etree.SubElement(tu, "prop", type="x-meaningless").text = "tiny random-weight models"
            tuv = etree.SubElement(tu, "tuv", {xml_lang: "ar"})
            etree.SubElement(tuv, "seg").text = xml_text(s["source_text"])
            for lang, unit in units.items():
                tuv = etree.SubElement(tu, "tuv", {xml_lang: lang})
                if unit["author"]:
                    etree.SubElement(tuv, "prop", type="x-author").text = xml_text(unit["author"])
                etree.SubElement(tuv, "seg").text = xml_text(unit_text(unit, opts["source"]))
    doctype = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype=doctype)


def export_docx(items: list[Item], opts: dict[str, Any]) -> bytes:
    """A bilingual document: metadata and summaries on top, then original and translation side by side."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.parser import OxmlElement


    def rtl(paragraph: Any) -> None:
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(OxmlElement("w:bidi"))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for run in paragraph.runs:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))

    doc = Document()
    for n, (view, langs) in enumerate(items):
        if n:
            doc.add_page_break()
        rtl(doc.add_heading(xml_text(view["title"] or view["label"]), level=1))
        facts = [f"{k}: {view[k]}" for k in ("id", "date", "source", "photo_credit", "publisher") if view.get(k)]
        doc.add_paragraph(xml_text(" · ".join(facts)))
        if view["meaningless"]:
            doc.add_paragraph(MEANINGLESS_BANNER)
        for lang in langs:
            doc.add_heading({"en": "English", "ru": "Русский"}.get(lang, lang), level=2)
            summary = view["summaries"].get(lang)
            if summary:
                para = doc.add_paragraph()
                para.add_run("Summary: ").bold = True
                para.add_run(xml_text(summary["text"]))
            table = doc.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            table.rows[0].cells[0].text = "العربية"
            table.rows[0].cells[1].text = {"en": "English", "ru": "Русский"}.get(lang, lang)
            rtl(table.rows[0].cells[0].paragraphs[0])
            for s in view["segments"]:
                if s["kind"] == "meta":
                    continue
                cells = table.add_row().cells
                cells[0].text = xml_text(s["source_text"])
                rtl(cells[0].paragraphs[0])
                cells[1].text = xml_text(unit_text(s["targets"][lang], opts["source"]))
                if s["kind"] in ("title", "heading"):
                    for cell in cells:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            table.rows[0].cells[0].paragraphs[0].runs[0].bold = True
    doc.core_properties.comments = f"arabic-news-workbench {__version__}"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


FORMATS: dict[str, Callable[[list[Item], dict[str, Any]], bytes]] = {
    "xliff": export_xliff, "tmx": export_tmx, "jsonl": export_jsonl, "csv": export_csv, "tsv": export_tsv,
    "docx": export_docx, "txt": export_txt,
}
EXTENSIONS = {"xliff": "xlf", "tmx": "tmx", "jsonl": "jsonl", "csv": "csv", "tsv": "tsv", "docx": "docx", "txt": "txt"}


def select_items(wb: Any, article_ids: list[str], langs: list[str], status: str | None = None) -> list[Item]:
    items = []
    for article_id in article_ids:
        view = wb.article(article_id)
        chosen = [lang for lang in langs if status is None or view["status"].get(lang) == status]
        if chosen:
            items.append((view, chosen))
    return items


def render(wb: Any, article_ids: list[str], langs: list[str], fmt: str, *, status: str | None = None,
           source: str = "current") -> tuple[bytes, int]:
    """The exported bytes and the number of (article, language) pairs they hold."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if source not in ("current", "machine"):
        raise ExportError("--source must be 'current' or 'machine'")
    items = select_items(wb, article_ids, langs, status)
    if not items:
        raise ExportError("nothing to export" + (f": no article has status {status!r} in {', '.join(langs)}" if status else ""))
    opts: dict[str, Any] = {"source": source}
    if fmt == "xliff":
        opts["memories"] = {lang: wb.memory(lang) for lang in langs}
    return FORMATS[fmt](items, opts), sum(len(ls) for _, ls in items)


def export(wb: Any, article_ids: list[str], langs: list[str], fmt: str, out: str | Path, *,
           status: str | None = None, source: str = "current") -> Path:
    """Write the export to `out` atomically (a crash never leaves half a file) and return the path."""
    data, _ = render(wb, article_ids, langs, fmt, status=status, source=source)
    atomic_write(out, data)
    return Path(out)
