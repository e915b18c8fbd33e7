"""TMX 1.4 translation memory: one <tu> per segment with its Arabic and each language (validates against tmx14.dtd)."""

from __future__ import annotations

from datetime import UTC, datetime

from ... import __version__
from ...review.views import unit_text
from ..registry import ExportOptions, Format, Item, register
from .xliff import xml_text


def export_tmx(items: list[Item], opts: ExportOptions) -> bytes:
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
        for s in view.translatable:
            units = {lang: unit for lang in langs if (unit := s.targets[lang]) and unit.text_of(opts.source).strip()}
            if not units:
                continue
            tu = etree.SubElement(body, "tu", tuid=s.id, creationdate=stamp)
            etree.SubElement(tu, "prop", type="x-article").text = view.id
            etree.SubElement(tu, "prop", type="x-kind").text = s.kind
            if view.meaningless:
                etree.SubElement(tu, "prop", type="x-meaningless").text = "tiny random-weight models"
            tuv = etree.SubElement(tu, "tuv", {xml_lang: "ar"})
            etree.SubElement(tuv, "seg").text = xml_text(s.source_text)
            for lang, unit in units.items():
                tuv = etree.SubElement(tu, "tuv", {xml_lang: lang})
                if unit.author:
                    etree.SubElement(tuv, "prop", type="x-author").text = xml_text(unit.author)
                etree.SubElement(tuv, "seg").text = xml_text(unit_text(unit, opts.source))
    doctype = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype=doctype)


register(Format("tmx", "tmx", export_tmx, "TMX 1.4 pairs"))
