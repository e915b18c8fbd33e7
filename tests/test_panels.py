"""The page's panels as plain functions, over the service's operations (tiny models): list, open, save, conflict,
revert, diff, approve, re-translate, download, glossary."""

from __future__ import annotations

from workbench.app import operations as ops
from workbench.app import operations as r
from workbench.app.catalog import registry
from workbench.app.ui import actions, articles
from workbench.app.ui import glossary as glossary_panel
from workbench.app.ui.header import header_markdown
from workbench.review.diff import diff_html
from workbench.review.glossary import version as glossary_version

from .conftest import SEEDS, review_and_approve

ARTICLE = "004_4fe84c6801f8dc08"


def first_body(wb, article=ARTICLE):
    return next(s for s in wb.article(article).to_dict()["segments"] if s["kind"] == "body")


def listed(wb, query="", status="all"):
    return registry()["list_articles"].run(wb, query=query, status=status).articles


def test_list_search_and_status_filter(translated):
    wb = translated
    assert len(listed(wb)) == 5
    hits = listed(wb, "بايكونور")  # only in the body text of 000
    assert [r.id for r in hits] == ["000_b2b0b7ef8c4c7ace"]
    assert [r.id for r in listed(wb, "يبحثان التعاون")] == [ARTICLE]  # a title
    assert listed(wb, status="approved") == []
    review_and_approve(wb, ARTICLE, "en")
    assert [r.id for r in listed(wb, status="approved")] == [ARTICLE]
    table = articles.article_table(listed(wb))
    assert table[4] == ["وزيرا الخارجية الروسي والكازاخستاني يبحثان التعاون الثنائي", "2025-10-22", "TASS",
                        "✓ (override) / MT", ARTICLE]  # approved over its blockers: not the same ✓ as a clean one


def test_open_article_gives_aligned_rows_and_meta_apart(translated):
    view = r.review_view(translated, article_id=ARTICLE, author="alice")["article"]
    rows = [s for s in view["segments"] if s["kind"] != "meta"]
    assert len(rows) == 21  # title + 2 headings + 18 body; meta shown apart (in the header)
    assert rows[0]["kind"] == "title" and rows[0]["source_text"] == view["title"]
    assert all(s["targets"]["en"]["text"] and s["targets"]["ru"]["text"] for s in rows)  # English and Russian present
    header = header_markdown(translated.article(ARTICLE))
    assert "مجلس الاتحاد الروسي" in header and "TASS" in header and "2025-10-22" in header
    assert "meaningless" in header


def test_html_in_article_text_is_escaped(wb, tmp_path):
    path = tmp_path / "xss.txt"
    path.write_text('<script>alert("x")</script> عنوان\nقال الوزير <b>شيئاً</b> & مضى.\nالمصدر: تاس\n', encoding="utf-8")
    wb.import_paths([path])
    view = registry()["get_article"].attempt(wb, article_id="xss").article
    header = header_markdown(view)
    assert "<script>" not in header and "&lt;script&gt;" in header
    assert view.segments[1].source_text == "قال الوزير <b>شيئاً</b> & مضى."  # the page escapes it when drawing
    refused = registry()["get_article"].attempt(wb, article_id="../xss")  # a path is never an id: one line, no view
    assert isinstance(refused, dict) and refused["ok"] is False and "\n" not in refused["error"]
    assert "<b>" not in diff_html("a <b>", "a <b> c") and "&lt;b&gt;" in diff_html("a <b>", "a <b> c")


def test_save_creates_revision_and_marks_in_review(translated):
    wb = translated
    seg = first_body(wb)
    ed = r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")
    result = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="Lavrov hosts Kazykhanov.", base_revision_id=ed["revision_id"], author="alice", reviewed=False)
    assert result["ok"]
    ed2 = r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")
    assert ed2["text"] == "Lavrov hosts Kazykhanov." and ed2["revision_id"] == result["revision_id"]
    assert ed2["history"][0]["author"] == "alice" and ed2["history"][0]["origin"] == "human"
    assert wb.article(ARTICLE).status["en"] == "in_review"
    assert ed2["state"] == "edited"  # saved through the API without confirming


def test_second_reviewer_on_an_old_revision_gets_a_conflict(translated):
    wb = translated
    seg = first_body(wb)
    base = r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")["revision_id"]
    assert ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="Alice's text", base_revision_id=base, author="alice", reviewed=False)["ok"]
    result = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="Bob's text", base_revision_id=base, author="bob", reviewed=False)
    assert result["ok"] is False and result["conflict"]
    assert result["current_text"] == "Alice's text" and result["current_author"] == "alice"
    assert r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")["text"] == "Alice's text"


def test_revert_to_an_earlier_revision(translated):
    wb = translated
    seg = first_body(wb)
    ed = r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")
    machine_rev, machine_text = ed["revision_id"], ed["text"]
    r1 = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="one", base_revision_id=machine_rev, author="a", reviewed=False)["revision_id"]
    r2 = ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="two", base_revision_id=r1, author="a", reviewed=False)["revision_id"]
    assert r.restore_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", revision_id=machine_rev, base_revision_id=r2, author="a")["ok"]
    ed = r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")
    assert ed["text"] == machine_text
    assert [row["origin"] for row in ed["history"]][:3] == ["revert", "human", "human"]
    assert len(ed["history"]) == 4  # nothing was deleted


def test_word_diff_between_machine_output_and_current(translated):
    wb = translated
    seg = first_body(wb)
    ed = r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")
    ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text=ed["machine"] + " Kazykhanov", base_revision_id=ed["revision_id"], author="a", reviewed=False)
    diff = r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")["machine_diff_html"]
    assert "<ins>Kazykhanov</ins>" in diff and "<del>" not in diff
    assert diff_html("the minister said", "the foreign minister said") == (
        "<p class='diff'>the <ins>foreign</ins> minister said</p>")


def test_approve_and_summary_edit(translated):
    wb = translated
    refused = ops.approve(wb, article_id=ARTICLE, language="ru", author="chief")
    assert refused["ok"] is False and "21 of 21 segments not reviewed" in refused["error"]
    assert wb.article(ARTICLE).status["ru"] != "approved"
    done = ops.approve(wb, article_id=ARTICLE, language="ru", author="chief", override="tiny models, demo")
    assert done == {"ok": True, "status": "approved"} and wb.article(ARTICLE).status["ru"] == "approved"
    logged = wb.store.status_log(ARTICLE)[-1]
    assert logged["status"] == "approved" and logged["override"].startswith("tiny models, demo [21 of 21")
    assert ops.approve(wb, article_id=ARTICLE, language="ru", author="chief", override=5)["ok"] is False  # an override must be text
    rev = wb.article(ARTICLE).to_dict()["summaries"]["en"]["revision_id"]
    assert r.save_unit(wb, article_id=ARTICLE, unit="summary", language="en", text="Lavrov and Kazykhanov met in Moscow.", base_revision_id=rev, author="alice")["ok"]
    assert wb.article(ARTICLE).to_dict()["summaries"]["en"]["text"] == "Lavrov and Kazykhanov met in Moscow."
    assert r.save_unit(wb, article_id=ARTICLE, unit="summary", language="en", text="stale", base_revision_id=rev, author="bob")["conflict"]


def test_retranslate_segment_article_russian_and_summary(translated):
    wb = translated
    seg = first_body(wb)
    before = wb.store.counts()["machine_outputs"]
    assert r.retranslate_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en")["replaced"]
    assert wb.store.counts()["machine_outputs"] == before  # the same text again (tiny models): nothing written
    ed = r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")
    ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="Lavrov hosts his Kazakh counterpart in Moscow.", base_revision_id=ed["revision_id"], author="a", reviewed=False)
    assert "stale_pivot" in r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="ru")["flags"]
    assert r.retranslate_unit(wb, article_id=ARTICLE, unit=seg["id"], language="ru")["replaced"]  # Russian from the corrected English
    machine = wb.store.latest_machine_outputs(ARTICLE)[("segment", seg["id"], "ru")]
    assert machine["input_text"] == "Lavrov hosts his Kazakh counterpart in Moscow."
    report = actions.translate_article(wb, ARTICLE, ["en"])  # the edited segment is kept: 20 of 21 again, all from cache
    assert report["ok"] and report["translated"] == 20 and report["cached"] == 20
    assert r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")["text"] == "Lavrov hosts his Kazakh counterpart in Moscow."
    report = actions.translate_article(wb, ARTICLE, ["en"], replace_edited=True)  # only when asked
    assert report["translated"] == 21 and r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")["text"] != "Lavrov hosts his Kazakh counterpart in Moscow."
    assert r.retranslate_unit(wb, article_id=ARTICLE, unit="summary", language="ru")["replaced"]


def test_export_article_for_download(translated, tmp_path):
    path = actions.export_article(translated, ARTICLE, "txt", folder=tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "[en]" in text and "[ru]" in text and "meaningless" in text
    path = actions.export_article(translated, ARTICLE, "jsonl", folder=tmp_path)
    assert path.suffix == ".jsonl" and ARTICLE in path.read_text(encoding="utf-8")


def test_glossary_edit_applies_to_qa_at_once(translated):
    wb = translated
    rows = wb.glossary().to_rows()
    assert any(r[1] == "Tokayev" for r in rows)
    seg = next(s for s in wb.article(ARTICLE).to_dict()["segments"] if "توكاييف" in s["source_text"] and s["kind"] == "body")
    ed = r.unit_details(wb, article_id=ARTICLE, unit=seg["id"], language="en")
    ops.save_unit(wb, article_id=ARTICLE, unit=seg["id"], language="en", text="President Tokaev will visit Russia.", base_revision_id=ed["revision_id"], author="a", reviewed=False)
    unit = next(s for s in wb.article(ARTICLE).to_dict()["segments"] if s["id"] == seg["id"])["targets"]["en"]
    assert "glossary" in unit["flags"] and "glossary: توكاييف should be Tokayev" in unit["qa"]
    edited = [[r[0], "Tokayev|Tokaev" if r[1] == "Tokayev" else r[1], r[2], r[3]] for r in rows]
    saved = glossary_panel.save_table(wb, edited, glossary_version(wb.store), "a")
    assert saved["ok"] and saved["terms"] == len(rows) and saved["version"] == glossary_version(wb.store)
    unit = next(s for s in wb.article(ARTICLE).to_dict()["segments"] if s["id"] == seg["id"])["targets"]["en"]
    assert not any("توكاييف" in line for line in unit["qa"])
    assert glossary_panel.save_table(wb, [["", "Lavrov", "Лавров", ""]], glossary_version(wb.store), "a")["ok"] is False  # a row without Arabic is refused


def test_translate_article_reports_a_missing_model_instead_of_raising(home):
    from workbench import Workbench

    with Workbench(home, profile="fast") as wb:
        wb.import_paths([str(next(SEEDS.glob("003_*.txt")))])
        result = actions.translate_article(wb, "003_70140ed69b948bf5", ["en"])
        assert result["ok"] is False and "Helsinki-NLP/opus-mt-ar-en" in result["error"]


def test_auth_pairs_from_option_and_file(tmp_path):
    import pytest

    from workbench.app.auth import read_auth
    from workbench.errors import WorkbenchError

    path = tmp_path / "users"
    path.write_text("# reviewers\nalice:secret\nbob:pa:ss\n")
    assert read_auth("chief:pw", str(path)) == [("chief", "pw"), ("alice", "secret"), ("bob", "pa:ss")]
    assert read_auth(None, None) is None
    with pytest.raises(WorkbenchError):
        read_auth("no-colon", None)
