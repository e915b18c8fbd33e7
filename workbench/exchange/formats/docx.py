"""A bilingual DOCX: metadata and summaries on top, Arabic right-to-left beside each translation."""

from __future__ import annotations

import io
from typing import Any

from ... import __version__
from ...review.views import unit_text
from ..registry import MEANINGLESS_BANNER, ExportOptions, Format, Item, register
from .xliff import xml_text


def export_docx(items: list[Item], opts: ExportOptions) -> bytes:
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
        meta = view.meta.to_dict()
        rtl(doc.add_heading(xml_text(view.meta.title or view.meta.label), level=1))
        facts = [f"{k}: {meta[k]}" for k in ("id", "date", "source", "photo_credit", "publisher") if meta.get(k)]
        doc.add_paragraph(xml_text(" · ".join(facts)))
        if view.meaningless:
            doc.add_paragraph(MEANINGLESS_BANNER)
        for lang in langs:
            doc.add_heading({"en": "English", "ru": "Русский"}.get(lang, lang), level=2)
            summary = view.summaries.get(lang)
            if summary:
                para = doc.add_paragraph()
                para.add_run("Summary: ").bold = True
                para.add_run(xml_text(summary.text))
            table = doc.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            table.rows[0].cells[0].text = "العربية"
            table.rows[0].cells[1].text = {"en": "English", "ru": "Русский"}.get(lang, lang)
            rtl(table.rows[0].cells[0].paragraphs[0])
            for s, unit in view.units(lang):
                cells = table.add_row().cells
                cells[0].text = xml_text(s.source_text)
                rtl(cells[0].paragraphs[0])
                cells[1].text = xml_text(unit_text(unit, opts.source))
                if s.kind in ("title", "heading"):
                    for cell in cells:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            table.rows[0].cells[0].paragraphs[0].runs[0].bold = True
    doc.core_properties.comments = f"arabic-news-workbench {__version__}"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


register(Format("docx", "docx", export_docx, "a bilingual document"))
