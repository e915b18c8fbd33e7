"""Exports validate against the official schemas; XLIFF round trip; DOCX, CSV/TSV, status filter."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from lxml import etree

from workbench.app.cli import cli
from workbench.exchange.formats.xliff import NS

from .conftest import SCHEMAS, review_and_approve

XSD = SCHEMAS / "xliff-core-1.2-strict.xsd"
DTD = SCHEMAS / "tmx14.dtd"
NASTY = 'Q&A <b>bold</b> "quoted" \'single\' \u200fRTL mark\u200f and \u202bembedding\u202c ]]> end'


@pytest.fixture(scope="module")
def xliff_schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture(scope="module")
def tmx_dtd():
    with DTD.open() as fh:
        return etree.DTD(fh)


def _with_nasty_text(wb):
    """Put markup, ampersands, quotes and bidi marks into a target and a summary."""
    article = "001_4df2e2abeb755126"
    view = wb.article(article).to_dict()
    seg = next(s for s in view["segments"] if s["kind"] == "body")
    wb.save(article, seg["id"], "en", NASTY, author="x&y <z>", base_revision_id=seg["targets"]["en"]["revision_id"])
    wb.save(article, None, "ru", NASTY, author="r", base_revision_id=view["summaries"]["ru"]["revision_id"], target="summary")
    review_and_approve(wb, article, "en")
    return article, seg["id"]


def test_xliff_of_all_seeds_validates_with_special_characters(translated, xliff_schema):
    article, seg_id = _with_nasty_text(translated)
    data, pairs = translated.render_export(translated.store.article_ids(), ["en", "ru"], "xliff")
    doc = etree.fromstring(data)
    assert xliff_schema.validate(doc), xliff_schema.error_log
    assert pairs == 10 and len(doc.findall(f"{{{NS}}}file")) == 10
    unit = doc.find(f".//{{{NS}}}file[@original='{article}'][@target-language='en']//{{{NS}}}trans-unit[@id='{seg_id}']")
    assert unit.find(f"{{{NS}}}target").text == NASTY
    assert unit.find(f"{{{NS}}}target").get("state") == "final" and unit.get("approved") == "yes"
    other = doc.find(f".//{{{NS}}}file[@original='000_b2b0b7ef8c4c7ace'][@target-language='ru']//{{{NS}}}trans-unit")
    assert other.find(f"{{{NS}}}target").get("state") == "needs-review-translation"
    assert other.find(f"{{{NS}}}target").get("state-qualifier") == "mt-suggestion"
    notes = [n.text for n in other.findall(f"{{{NS}}}note")]
    assert any(n.startswith("machine output: model=tiny:marian-en-zle") and "via=en" in n for n in notes)
    assert any(n.startswith("flags:") and "meaningless_model" in n for n in notes)
    # meta lines (source, photo credit) are not translation units
    ids = {tu.get("id") for tu in doc.iter(f"{{{NS}}}trans-unit")}
    meta = {s["id"] for a in translated.store.article_ids() for s in translated.store.segments(a) if s["kind"] == "meta"}
    assert not ids & meta


def test_tmx_of_all_seeds_validates_with_special_characters(translated, tmx_dtd):
    _with_nasty_text(translated)
    data, _ = translated.render_export(translated.store.article_ids(), ["en", "ru"], "tmx")
    doc = etree.fromstring(data)
    assert tmx_dtd.validate(doc), tmx_dtd.error_log.filter_from_errors()
    segs = [s.text for s in doc.iter("seg")]
    assert NASTY in segs
    approved, _ = translated.render_export(translated.store.article_ids(), ["en"], "tmx", status="approved")
    tus = etree.fromstring(approved).findall(".//tu")
    assert {tu.find("prop[@type='x-article']").text for tu in tus} == {"001_4df2e2abeb755126"}
    assert all(tmx_dtd.validate(etree.fromstring(approved)) for _ in [0])


def test_xliff_round_trip_two_changes_one_unknown_id(translated, tmp_path):
    wb = translated
    article = "003_70140ed69b948bf5"
    path = tmp_path / "out.xlf"
    result = CliRunner().invoke(cli, ["--home", str(wb.home), "export", article, "--to", "en", "--format", "xliff",
                                      "--out", str(path)])
    assert result.exit_code == 0, result.output
    before = wb.store.counts()
    doc = etree.parse(str(path))
    units = doc.findall(f".//{{{NS}}}trans-unit")
    units[1].find(f"{{{NS}}}target").text = "Lavrov: <solving> issues & together strengthens ties."
    units[2].find(f"{{{NS}}}target").text = "When there are no issues between two states, there are no relations."
    units[3].set("id", "003_70140ed69b948bf5.doesnotexist")
    units[3].find(f"{{{NS}}}target").text = "changed too, but its id is broken"
    doc.write(str(path), xml_declaration=True, encoding="UTF-8")
    result = CliRunner().invoke(cli, ["--home", str(wb.home), "import-xliff", str(path), "--json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 1  # an unknown id is reported as a problem
    assert len(report["applied"]) == 2 and len(report["unknown"]) == 1 and report["conflicts"] == []
    assert report["unknown"][0]["segment_id"] == "003_70140ed69b948bf5.doesnotexist"
    after = wb.store.counts()
    assert after["revisions"] == before["revisions"] + 2
    assert after["machine_outputs"] == before["machine_outputs"] and after["segments"] == before["segments"]
    seg = wb.store.segment(units[1].get("id"))
    latest = wb.store.history(article, seg["id"], "en")[-1]
    assert latest["text"] == "Lavrov: <solving> issues & together strengthens ties."
    assert latest["author"] == "xliff:out.xlf" and latest["origin"] == "xliff"
    # importing the same file again changes nothing
    again = wb.import_xliff(path)
    assert again.applied == [] and wb.store.counts()["revisions"] == after["revisions"]


def test_xliff_unit_changed_here_since_export_is_a_conflict(translated, tmp_path):
    wb = translated
    article = "003_70140ed69b948bf5"
    path = tmp_path / "out.xlf"
    data, _ = wb.render_export([article], ["en"], "xliff")
    path.write_bytes(data)
    doc = etree.parse(str(path))
    unit = doc.findall(f".//{{{NS}}}trans-unit")[1]
    unit.find(f"{{{NS}}}target").text = "Edited outside"
    doc.write(str(path), xml_declaration=True, encoding="UTF-8")
    seg_id = unit.get("id")
    rev = wb.store.history(article, seg_id, "en")[-1]["id"]
    wb.save(article, seg_id, "en", "Edited in the workbench meanwhile", author="alice", base_revision_id=rev)
    report = wb.import_xliff(path)
    assert report.applied == [] and len(report.conflicts) == 1
    assert report.conflicts[0]["workbench_text"] == "Edited in the workbench meanwhile"
    assert wb.store.history(article, seg_id, "en")[-1]["text"] == "Edited in the workbench meanwhile"


def test_xliff_revision_that_is_not_ascii_digits_or_a_unit_without_id_is_reported(translated, tmp_path):
    wb = translated
    path = tmp_path / "odd.xlf"
    path.write_bytes(wb.render_export(["003_70140ed69b948bf5"], ["en"], "xliff")[0])
    doc = etree.parse(str(path))
    units = doc.findall(f".//{{{NS}}}trans-unit")
    for unit, revision in zip(units[1:3], ("\u00b2", "\u0663"), strict=True):  # "²" and Arabic-Indic 3: isdigit() is True
        unit.set("extradata", f"kind=body;paragraph=1;revision={revision}")
        unit.find(f"{{{NS}}}target").text = "changed outside"
    del units[3].attrib["id"]
    units[3].find(f"{{{NS}}}target").text = "changed outside too"
    doc.write(str(path), xml_declaration=True, encoding="UTF-8")
    before = wb.store.counts()["revisions"]
    report = wb.import_xliff(path)  # before: int("²") raised ValueError out of the import
    assert report.applied == [] and len(report.unknown) == 3 and wb.store.counts()["revisions"] == before
    assert ["is not a number" in u["reason"] for u in report.unknown] == [True, True, False]
    assert report.unknown[2] == {"article_id": "003_70140ed69b948bf5", "segment_id": None, "lang": "en",
                                 "reason": "no such segment"}


def test_docx_is_bilingual_with_summaries_and_rtl_arabic(translated, tmp_path):
    from docx import Document

    out = tmp_path / "a.docx"
    CliRunner().invoke(cli, ["--home", str(translated.home), "export", "004_4fe84c6801f8dc08", "--format", "docx",
                             "--out", str(out)])
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Summary:" in text and "English" in text and "Русский" in text and "meaningless" in text
    assert len(doc.tables) == 2
    table = doc.tables[0]
    assert len(table.rows) == 1 + 21
    arabic = table.rows[1].cells[0].paragraphs[0]
    assert arabic.text == "وزيرا الخارجية الروسي والكازاخستاني يبحثان التعاون الثنائي"
    assert arabic._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi") is not None


def test_csv_tsv_and_txt_exports(translated, tmp_path):
    data, _ = translated.render_export(["003_70140ed69b948bf5"], ["en", "ru"], "csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == 2 * 10 and {r["lang"] for r in rows} == {"en", "ru"}
    assert rows[0]["model"] == "tiny:marian-ar-en" and rows[0]["meaningless"] == "yes"
    tsv, _ = translated.render_export(["003_70140ed69b948bf5"], ["en"], "tsv")
    lines = tsv.decode("utf-8").splitlines()
    assert len(lines) == 11 and all(len(line.split("\t")) == 14 for line in lines)
    machine, _ = translated.render_export(["003_70140ed69b948bf5"], ["en"], "txt", source="machine")
    assert machine.decode("utf-8").startswith("# 003_70140ed69b948bf5 [en] [tiny random-weight models")


def test_export_only_approved_and_clear_errors(translated, tmp_path):
    runner = CliRunner()
    out = tmp_path / "x.tmx"
    result = runner.invoke(cli, ["--home", str(translated.home), "export", "--all", "--format", "tmx", "--status",
                                 "approved", "--out", str(out)])
    assert result.exit_code == 1 and "nothing to export" in result.stderr and not out.exists()
    result = runner.invoke(cli, ["--home", str(translated.home), "export", "nope", "--out", str(out)])
    assert result.exit_code == 1 and "no article with id 'nope'" in result.stderr
